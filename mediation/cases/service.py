"""Reading cases and building what the operations need, for the web layer and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediation.cases.model import Case
from mediation.deadlines.rules import (
    RuleBook,
    RuleSet,
    UnknownRuleSet,
    list_rule_sets,
    load_rule_set,
    load_rulebook,
)
from mediation.deadlines.service import DeadlineContext, load_calendar
from mediation.errors import NotFound, UserError
from mediation.people.model import Centre


# A centre's own folder (EXTRA_RULE_DIRS) holds rules/ (rule files, one per source) and
# rulesets/ (which rules apply, bound to stages), like mediation/deadlines/.
def _sub(extra_dirs: Sequence[str], name: str) -> tuple[str, ...]:
    return tuple(str(Path(d) / name) for d in extra_dirs if (Path(d) / name).is_dir())


@lru_cache(maxsize=8)
def rulebook(extra_dirs: tuple[str, ...] = ()) -> RuleBook:
    return load_rulebook(_sub(extra_dirs, "rules"))


@lru_cache(maxsize=32)
def rule_set(name: str, extra_dirs: tuple[str, ...] = ()) -> RuleSet:
    try:
        return load_rule_set(name, rulebook(extra_dirs), _sub(extra_dirs, "rulesets"))
    except UnknownRuleSet:
        raise UserError("unknown_rule_set", name=name) from None


def rule_set_names(extra_dirs: Sequence[str] = ()) -> list[str]:
    return list_rule_sets(_sub(tuple(extra_dirs), "rulesets"))


def deadline_context(
    session: Session, centre: Centre, today: date, extra_dirs: Sequence[str] = ()
) -> DeadlineContext:
    dirs = tuple(str(d) for d in extra_dirs)
    return DeadlineContext(
        rulebook=rulebook(dirs),
        rule_set=rule_set(centre.rule_set, dirs),
        calendar=load_calendar(session),
        today=today,
        warning_days=centre.warning_days,
    )


def get_case(session: Session, centre_id: int, number: str, *, for_update: bool = False) -> Case:
    query = (
        select(Case)
        .where(Case.centre_id == centre_id, Case.number == number)
        .options(selectinload(Case.parties))
    )
    if for_update:
        query = query.with_for_update()
    case = session.scalar(query)
    if case is None:
        raise NotFound()
    return case
