"""Time-limit rules as data: one YAML file per legal source under rules/, and rule sets
(which rules a centre runs, bound to case stages) under rulesets/.

A centre can add its own rule files and rule sets from extra directories; the package
files are always loaded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

__all__ = [
    "BINDING_EVENTS",
    "CASE_STAGES",
    "MILESTONES",
    "PAUSE_REASONS",
    "RULE_DIR",
    "RULE_STAGES",
    "RULESET_DIR",
    "Citation",
    "ClockSpec",
    "Count",
    "CountUnit",
    "Exclusion",
    "ExtensionRule",
    "Restart",
    "Rule",
    "RuleBook",
    "RuleFileError",
    "RuleKind",
    "RuleSet",
    "RuleStatus",
    "Source",
    "UnknownRule",
    "UnknownRuleSet",
    "list_rule_sets",
    "load_rule_set",
    "load_rulebook",
]

RULE_DIR = Path(__file__).with_name("rules")
RULESET_DIR = Path(__file__).with_name("rulesets")

# The case stages (mediation.cases.model.Stage values), repeated here so that this module
# stays free of the database layer.
CASE_STAGES: tuple[str, ...] = (
    "intake",
    "accepted",
    "rejected",
    "investigation",
    "mediation",
    "signed",
    "failed",
    "withdrawn",
    "judicial_confirmation",
    "performance",
    "closed",
)
# Named events on a case that are not stage changes; a rule-set binding may start or stop
# a clock on one of them as well as on a stage (the court's receipt, acceptance or refusal,
# and ruling on a judicial-confirmation application: 法释〔2011〕5号 Arts 4-5).
MILESTONES: tuple[str, ...] = (
    "court_received",
    "court_accepted",
    "court_refused",
    "court_ruled",
)
BINDING_EVENTS: tuple[str, ...] = CASE_STAGES + MILESTONES
# Stages a rule may belong to: the case stages plus court stages outside the centre's case.
RULE_STAGES: tuple[str, ...] = CASE_STAGES + ("complaint_review", "court_filing", "trial", "any")
# mediation.deadlines.model.PauseReason values.
PAUSE_REASONS: tuple[str, ...] = ("appraisal", "party_request", "new_facts", "mediation")

try:  # libyaml when available: the rule files are read at every process start
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class CountUnit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class RuleKind(StrEnum):
    PERIOD = "period"  # a limit with a due date
    PAUSE = "pause"  # a provision that stops other rules' clocks (NFRA Art 23)


class RuleStatus(StrEnum):
    VERIFIED = "verified"
    REVIEW = "review"  # text verified, but legal review is needed before relying on it


class RuleFileError(ValueError):
    """A rule or rule-set file is malformed; the message names the file and the field."""

    def __init__(self, message: str, path: Path | None = None, field: str | None = None):
        super().__init__(message)
        self.path = path
        self.field = field


class UnknownRule(LookupError):
    def __init__(self, rule_id: str):
        super().__init__(f"unknown time-limit rule {rule_id!r}")
        self.rule_id = rule_id


class UnknownRuleSet(LookupError):
    def __init__(self, name: str, known: Iterable[str] = ()):
        known_text = ", ".join(known)
        super().__init__(
            f"unknown rule set {name!r}" + (f" (known: {known_text})" if known_text else "")
        )
        self.name = name


@dataclass(frozen=True)
class Citation:
    law: str
    article: str
    quote: str  # verbatim from the text file
    document_number: str | None = None
    text_file: str | None = None  # file name under shared/law/texts/ the quote was checked against


@dataclass(frozen=True)
class Count:
    n: int
    unit: CountUnit


@dataclass(frozen=True)
class Exclusion:
    """A pause reason whose interval is not counted in the limit (不计入)."""

    reason: str
    citation: Citation | None = None


@dataclass(frozen=True)
class ExtensionRule:
    """How a limit may be extended. Exactly one of add_days, add_months, total_days,
    unlimited_by_consent or length_unspecified describes the length."""

    id: str
    approval_zh: str
    approval_en: str
    add_days: int | None = None
    add_months: int | None = None
    total_days: int | None = None  # 延长至N日: N in all, counted from the original start
    unlimited_by_consent: bool = False  # 各方当事人同意延长的，不受此限
    length_unspecified: bool = False  # approved by a court president, no length in the text
    not_counted_in_zh: str | None = None  # e.g. 审理期限: the extended time does not count there
    not_counted_in_en: str | None = None
    citation: Citation | None = None

    def days_added(self, rule: Rule) -> int | None:
        """Days this extension adds to `rule`'s unrolled period, where fixed in days."""
        if self.add_days is not None:
            return self.add_days
        if self.total_days is not None and rule.count is not None:
            return self.total_days - rule.count.n
        return None


@dataclass(frozen=True)
class Restart:
    allowed: bool
    text_zh: str | None = None
    text_en: str | None = None
    citation: Citation | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    stage: str
    start_event_zh: str
    start_event_en: str
    kind: RuleKind
    count: Count | None  # None for a pause rule
    roll: bool  # last day on a 法定休假日 moves to the next working day
    citation: Citation
    status: RuleStatus
    source_id: str
    excludes: tuple[Exclusion, ...] = ()
    extensions: tuple[ExtensionRule, ...] = ()
    restart: Restart = Restart(allowed=False)
    soft: bool = False  # a target (一般, 可以), not a binding limit
    fixed_period: bool = False  # 不变期间: never suspended, interrupted or extended
    status_note: str | None = None
    note_zh: str | None = None
    note_en: str | None = None
    promise: bool = False  # the centre's own service promise, not a statutory limit
    modelled_on: tuple[str, ...] = ()  # for promises: the rules they copy
    pauses: tuple[str, ...] = ()  # for a pause rule: the rules whose clocks it stops
    pause_reason: str | None = None  # for a pause rule: the reason it records
    alias_of: str | None = None  # set when this id names another rule's limit

    @property
    def exclude_reasons(self) -> frozenset[str]:
        return frozenset(e.reason for e in self.excludes)

    def allows_pause(self, reason: str) -> bool:
        return reason in self.exclude_reasons

    def extension(self, extension_id: str) -> ExtensionRule:
        for ext in self.extensions:
            if ext.id == extension_id:
                return ext
        raise KeyError(f"{self.id} has no extension {extension_id!r}")


@dataclass(frozen=True)
class Source:
    id: str  # the file's stem, e.g. nfra-2020-3
    title_zh: str
    title_en: str
    document_number: str | None
    effective: date | None
    text_file: str | None
    promise: bool  # the centre's own service promises
    path: Path
    rule_ids: tuple[str, ...]
    note: str | None = None


class RuleBook:
    """All rules by id; an alias id resolves to a rule carrying the alias's own citation."""

    def __init__(self, rules: Iterable[Rule], sources: Iterable[Source]):
        self._rules: dict[str, Rule] = {r.id: r for r in rules}
        self._sources = tuple(sources)

    def get(self, rule_id: str) -> Rule:
        rule = self._rules.get(rule_id)
        if rule is None:
            rule = self._rules.get(rule_id.strip().upper()) if isinstance(rule_id, str) else None
            if rule is None:
                raise UnknownRule(rule_id)
        return rule

    def __contains__(self, rule_id: object) -> bool:
        return isinstance(rule_id, str) and rule_id.strip().upper() in self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def all(self, include_aliases: bool = True) -> list[Rule]:
        return [r for r in self._rules.values() if include_aliases or r.alias_of is None]

    def ids(self) -> list[str]:
        return list(self._rules)

    def sources(self) -> list[Source]:
        return list(self._sources)


# -- rule file parsing -------------------------------------------------------------------


class _Reader:
    """Field access on one YAML mapping, raising RuleFileError with file and field."""

    def __init__(self, data: Any, path: Path, where: str):
        self.path = path
        self.where = where
        if not isinstance(data, dict):
            self.fail(None, "expected a mapping")
        self.data: dict[str, Any] = data

    def fail(self, field: str | None, message: str) -> NoReturn:
        location = f"{self.path}: {self.where}" if self.where else str(self.path)
        if field:
            location += f": field '{field}'"
        raise RuleFileError(f"{location}: {message}", self.path, field)

    def check_keys(self, allowed: Iterable[str]) -> None:
        unknown = set(self.data) - set(allowed)
        if unknown:
            self.fail(sorted(map(str, unknown))[0], "unknown field")

    def child(self, field: str, where: str | None = None) -> _Reader:
        return _Reader(self.data.get(field), self.path, where or f"{self.where}.{field}".strip("."))

    def text(self, field: str, required: bool = True) -> str | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"must be non-empty text, got {value!r}")
        return value.strip()

    def req_text(self, field: str) -> str:
        value = self.text(field)
        assert value is not None
        return value

    def boolean(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, got {value!r}")
        return value

    def integer(self, field: str, minimum: int = 1) -> int | None:
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(field, f"must be an integer >= {minimum}, got {value!r}")
        return value

    def day(self, field: str) -> date | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(field, f"must be a date YYYY-MM-DD, got {value!r}")
        return None

    def text_list(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(field, "must be a list of text")
        return tuple(value)


def _bilingual(reader: _Reader, field: str, required: bool = True) -> tuple[str | None, str | None]:
    """`field: {zh: ..., en: ...}`."""
    if reader.data.get(field) is None:
        if required:
            reader.fail(field, "is required (a mapping with zh and en)")
        return None, None
    sub = reader.child(field)
    sub.check_keys(("zh", "en"))
    return sub.text("zh"), sub.text("en")


def _citation(reader: _Reader, source: dict[str, Any], required: bool = True) -> Citation | None:
    """A citation from `article` and `quote` in reader; law and text file default to the
    file's source."""
    if reader.data.get("quote") is None and not required:
        return None
    return Citation(
        law=reader.text("law", required=False) or source["title_zh"],
        article=reader.req_text("article"),
        quote=reader.req_text("quote"),
        document_number=reader.text("document_number", required=False)
        or (None if reader.data.get("law") else source["document_number"]),
        text_file=reader.text("text_file", required=False)
        or (None if reader.data.get("law") else source["text_file"]),
    )


_CITATION_KEYS = ("law", "article", "quote", "document_number", "text_file")
_RULE_KEYS = (
    "id",
    "title_zh",
    "title_en",
    "stage",
    "start_event",
    "kind",
    "count",
    "roll",
    "excludes",
    "extensions",
    "restart",
    "soft",
    "fixed_period",
    "status",
    "status_note",
    "citation",
    "note",
    "modelled_on",
    "pauses",
    "pause_reason",
)
_EXTENSION_LENGTHS = (
    "add_days",
    "add_months",
    "total_days",
    "unlimited_by_consent",
    "length_unspecified",
)


def _parse_rule(reader: _Reader, source: dict[str, Any]) -> Rule:
    rule_id = reader.req_text("id")
    if rule_id != rule_id.upper() or " " in rule_id:
        reader.fail("id", f"{rule_id!r} must be upper case without spaces")
    reader.where = f"rule {rule_id}"
    reader.check_keys(_RULE_KEYS)

    kind_text = reader.data.get("kind", "period")
    try:
        kind = RuleKind(kind_text)
    except ValueError:
        reader.fail("kind", f"{kind_text!r} is not one of {', '.join(RuleKind)}")
    stage = reader.req_text("stage")
    if stage not in RULE_STAGES:
        reader.fail("stage", f"{stage!r} is not one of {', '.join(RULE_STAGES)}")
    start_zh, start_en = _bilingual(reader, "start_event")

    count: Count | None = None
    pauses: tuple[str, ...] = ()
    pause_reason: str | None = None
    if kind is RuleKind.PERIOD:
        count_reader = reader.child("count")
        count_reader.check_keys(("n", "unit"))
        n = count_reader.integer("n")
        if n is None:
            count_reader.fail("n", "is required")
        unit_text = count_reader.data.get("unit")
        try:
            unit = CountUnit(unit_text)
        except ValueError:
            count_reader.fail("unit", f"{unit_text!r} is not one of {', '.join(CountUnit)}")
        assert n is not None
        count = Count(n, unit)
        if "roll" not in reader.data:
            reader.fail("roll", "is required (true: last day on a day off moves forward)")
        roll = reader.boolean("roll")
        if roll and unit is CountUnit.WORKING_DAYS:
            reader.fail("roll", "a working-day count always ends on a working day; use roll: false")
    else:
        if reader.data.get("count") is not None:
            reader.fail("count", "a pause rule has no count")
        roll = False
        pauses = reader.text_list("pauses")
        if not pauses:
            reader.fail("pauses", "a pause rule must name the rules it pauses")
        pause_reason = reader.req_text("pause_reason")
        if pause_reason not in PAUSE_REASONS:
            reader.fail(
                "pause_reason", f"{pause_reason!r} is not one of {', '.join(PAUSE_REASONS)}"
            )

    excludes: list[Exclusion] = []
    raw_excludes = reader.data.get("excludes") or []
    if not isinstance(raw_excludes, list):
        reader.fail("excludes", "must be a list")
    for index, item in enumerate(raw_excludes):
        if isinstance(item, str):
            item = {"reason": item}
        sub = _Reader(item, reader.path, f"rule {rule_id}: excludes[{index}]")
        sub.check_keys(("reason",) + _CITATION_KEYS)
        reason = sub.req_text("reason")
        if reason not in PAUSE_REASONS:
            sub.fail("reason", f"{reason!r} is not one of {', '.join(PAUSE_REASONS)}")
        excludes.append(Exclusion(reason, _citation(sub, source, required=False)))

    extensions: list[ExtensionRule] = []
    raw_extensions = reader.data.get("extensions") or []
    if not isinstance(raw_extensions, list):
        reader.fail("extensions", "must be a list")
    for index, item in enumerate(raw_extensions):
        sub = _Reader(item, reader.path, f"rule {rule_id}: extensions[{index}]")
        sub.check_keys(("id", "approval", "not_counted_in") + _EXTENSION_LENGTHS + _CITATION_KEYS)
        ext_id = sub.req_text("id")
        lengths = [k for k in _EXTENSION_LENGTHS if sub.data.get(k) not in (None, False)]
        if len(lengths) != 1:
            sub.fail("add_days", f"give exactly one of {', '.join(_EXTENSION_LENGTHS)}")
        approval_zh, approval_en = _bilingual(sub, "approval")
        not_zh, not_en = _bilingual(sub, "not_counted_in", required=False)
        total = sub.integer("total_days")
        if total is not None and count is not None and total <= count.n:
            sub.fail("total_days", f"{total} is not more than the rule's {count.n}")
        extensions.append(
            ExtensionRule(
                id=ext_id,
                approval_zh=approval_zh or "",
                approval_en=approval_en or "",
                add_days=sub.integer("add_days"),
                add_months=sub.integer("add_months"),
                total_days=total,
                unlimited_by_consent=sub.boolean("unlimited_by_consent"),
                length_unspecified=sub.boolean("length_unspecified"),
                not_counted_in_zh=not_zh,
                not_counted_in_en=not_en,
                citation=_citation(sub, source),
            )
        )

    restart = Restart(allowed=False)
    raw_restart = reader.data.get("restart", False)
    if isinstance(raw_restart, dict):
        sub = reader.child("restart", f"rule {rule_id}: restart")
        sub.check_keys(("allowed", "zh", "en") + _CITATION_KEYS)
        allowed = sub.boolean("allowed", True)
        restart = Restart(
            allowed=allowed,
            text_zh=sub.text("zh", required=allowed),
            text_en=sub.text("en", required=allowed),
            citation=_citation(sub, source, required=allowed),
        )
    elif raw_restart is not False:
        reader.fail("restart", "must be false or a mapping with zh, en, article and quote")

    status_text = reader.data.get("status")
    try:
        status = RuleStatus(status_text)
    except ValueError:
        reader.fail("status", f"{status_text!r} is not one of {', '.join(RuleStatus)}")
    status_note = reader.text("status_note", required=status is RuleStatus.REVIEW)

    citation_reader = reader.child("citation", f"rule {rule_id}: citation")
    citation_reader.check_keys(_CITATION_KEYS)
    citation = _citation(citation_reader, source)
    assert citation is not None
    note_zh, note_en = _bilingual(reader, "note", required=False)
    modelled_on = reader.text_list("modelled_on")
    if source["promise"] and not modelled_on:
        reader.fail(
            "modelled_on", "a centre promise must name the statutory rule it is modelled on"
        )

    return Rule(
        id=rule_id,
        title_zh=reader.req_text("title_zh"),
        title_en=reader.req_text("title_en"),
        stage=stage,
        start_event_zh=start_zh or "",
        start_event_en=start_en or "",
        kind=kind,
        count=count,
        roll=roll,
        citation=citation,
        status=status,
        source_id=source["id"],
        excludes=tuple(excludes),
        extensions=tuple(extensions),
        restart=restart,
        soft=reader.boolean("soft"),
        fixed_period=reader.boolean("fixed_period"),
        status_note=status_note,
        note_zh=note_zh,
        note_en=note_en,
        promise=source["promise"],
        modelled_on=modelled_on,
        pauses=pauses,
        pause_reason=pause_reason,
    )


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path}: not valid YAML ({exc})", path) from None
    except OSError as exc:
        raise RuleFileError(f"{path}: cannot read ({exc.strerror})", path) from None


def _parse_rule_file(path: Path) -> tuple[Source, list[Rule], list[tuple[_Reader, dict[str, Any]]]]:
    top = _Reader(_load_yaml(path), path, "")
    top.check_keys(("source", "rules", "aliases"))
    src = top.child("source", "source")
    src.check_keys(
        ("title_zh", "title_en", "document_number", "effective", "text_file", "promise", "note")
    )
    source = {
        "id": path.stem,
        "title_zh": src.req_text("title_zh"),
        "title_en": src.req_text("title_en"),
        "document_number": src.text("document_number", required=False),
        "text_file": src.text("text_file", required=False),
        "promise": src.boolean("promise"),
    }
    effective = src.day("effective")
    raw_rules = top.data.get("rules") or []
    raw_aliases = top.data.get("aliases") or []
    if not isinstance(raw_rules, list) or not isinstance(raw_aliases, list):
        top.fail("rules", "rules and aliases must be lists")
    if not raw_rules and not raw_aliases:
        top.fail("rules", "the file defines no rules")
    rules = [
        _parse_rule(_Reader(item, path, f"rules[{index}]"), source)
        for index, item in enumerate(raw_rules)
    ]
    aliases = [
        (_Reader(item, path, f"aliases[{index}]"), source) for index, item in enumerate(raw_aliases)
    ]
    ids = tuple(r.id for r in rules) + tuple(str(a.data.get("id")) for a, _ in aliases)
    return (
        Source(
            id=path.stem,
            title_zh=source["title_zh"],
            title_en=source["title_en"],
            document_number=source["document_number"],
            effective=effective,
            text_file=source["text_file"],
            promise=source["promise"],
            path=path,
            rule_ids=ids,
            note=src.text("note", required=False),
        ),
        rules,
        aliases,
    )


def _resolve_alias(reader: _Reader, source: dict[str, Any], target: Rule) -> Rule:
    reader.check_keys(
        ("id", "of", "title_zh", "title_en", "start_event", "status", "status_note", "citation")
    )
    alias_id = reader.req_text("id")
    start_zh, start_en = _bilingual(reader, "start_event", required=False)
    status = target.status
    if reader.data.get("status") is not None:
        try:
            status = RuleStatus(reader.data["status"])
        except ValueError:
            reader.fail(
                "status", f"{reader.data['status']!r} is not one of {', '.join(RuleStatus)}"
            )
    citation_reader = reader.child("citation", f"alias {alias_id}: citation")
    citation_reader.check_keys(_CITATION_KEYS)
    citation = _citation(citation_reader, source)
    return dataclasses.replace(
        target,
        id=alias_id,
        alias_of=target.id,
        source_id=source["id"],
        title_zh=reader.text("title_zh", required=False) or target.title_zh,
        title_en=reader.text("title_en", required=False) or target.title_en,
        start_event_zh=start_zh or target.start_event_zh,
        start_event_en=start_en or target.start_event_en,
        status=status,
        status_note=reader.text("status_note", required=False) or target.status_note,
        citation=citation,
    )


def _build_rulebook(directories: Sequence[Path]) -> RuleBook:
    rules: dict[str, Rule] = {}
    origin: dict[str, Path] = {}
    sources: list[Source] = []
    pending_aliases: list[tuple[_Reader, dict[str, Any]]] = []

    def claim(rule_id: str, path: Path) -> None:
        if rule_id in origin:
            raise RuleFileError(
                f"duplicate rule id {rule_id} in {origin[rule_id]} and {path}", path, "id"
            )
        origin[rule_id] = path

    for directory in directories:
        if not directory.is_dir():
            raise RuleFileError(f"{directory}: rule directory not found", directory)
        for path in sorted(directory.glob("*.yaml")):
            source, file_rules, aliases = _parse_rule_file(path)
            sources.append(source)
            for rule in file_rules:
                claim(rule.id, path)
                rules[rule.id] = rule
            for reader, _src in aliases:
                claim(reader.req_text("id"), path)
            pending_aliases.extend(aliases)

    for reader, source in pending_aliases:
        reader.where = f"alias {reader.data.get('id')}"
        target_id = reader.req_text("of")
        target = rules.get(target_id)
        if target is None or target.alias_of is not None:
            reader.fail("of", f"{target_id!r} is not a rule defined in the rule files")
        assert target is not None
        alias = _resolve_alias(reader, source, target)
        rules[alias.id] = alias

    for rule in rules.values():
        for field, others in (("pauses", rule.pauses), ("modelled_on", rule.modelled_on)):
            for other in others:
                if other not in rules:
                    raise RuleFileError(
                        f"{origin[rule.id]}: rule {rule.id}: field '{field}': unknown rule {other}",
                        origin[rule.id],
                        field,
                    )
    return RuleBook(rules.values(), sources)


@cache
def _package_rulebook() -> RuleBook:
    return _build_rulebook([RULE_DIR])


def load_rulebook(extra_dirs: Sequence[str | Path] = ()) -> RuleBook:
    """The package rules plus the rule files in `extra_dirs` (a centre's own rules).
    The package-only book is built once per process."""
    if not extra_dirs:
        return _package_rulebook()
    return _build_rulebook([RULE_DIR, *(Path(d) for d in extra_dirs)])


# -- rule sets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockSpec:
    """A clock that starts when a case enters `starts_on` (dated by that event) and stops
    when it enters any of `stops_on`. Each is a case stage or a milestone (MILESTONES)."""

    rule_id: str
    starts_on: str
    stops_on: tuple[str, ...]
    warn_days: int | None = None


@dataclass(frozen=True)
class RuleSet:
    name: str
    title_zh: str
    title_en: str
    description: str
    clocks: tuple[ClockSpec, ...]
    path: Path

    def clocks_starting(self, stage: str) -> list[ClockSpec]:
        return [c for c in self.clocks if c.starts_on == stage]

    def clocks_stopping(self, stage: str) -> list[ClockSpec]:
        return [c for c in self.clocks if stage in c.stops_on]

    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(c.rule_id for c in self.clocks))


def _rule_set_paths(extra_dirs: Sequence[str | Path]) -> dict[str, Path]:
    # A centre's directory may replace a shipped rule set by reusing its name.
    paths: dict[str, Path] = {}
    for directory in (RULESET_DIR, *(Path(d) for d in extra_dirs)):
        if not directory.is_dir():
            raise RuleFileError(f"{directory}: rule-set directory not found", directory)
        for path in sorted(directory.glob("*.yaml")):
            paths[path.stem] = path
    return paths


def list_rule_sets(extra_dirs: Sequence[str | Path] = ()) -> list[str]:
    return sorted(_rule_set_paths(extra_dirs))


def load_rule_set(name: str, rulebook: RuleBook, extra_dirs: Sequence[str | Path] = ()) -> RuleSet:
    """Load and validate a rule set: every rule exists in `rulebook` and is a period rule,
    every stage is a case stage."""
    paths = _rule_set_paths(extra_dirs)
    path = paths.get(name)
    if path is None:
        raise UnknownRuleSet(name, sorted(paths))
    top = _Reader(_load_yaml(path), path, "")
    top.check_keys(("name", "title_zh", "title_en", "description", "clocks"))
    declared = top.req_text("name")
    if declared != name:
        top.fail("name", f"{declared!r} does not match the file name {name!r}")
    raw_clocks = top.data.get("clocks")
    if not isinstance(raw_clocks, list) or not raw_clocks:
        top.fail("clocks", "must be a non-empty list")
    clocks: list[ClockSpec] = []
    for index, item in enumerate(raw_clocks):
        sub = _Reader(item, path, f"clocks[{index}]")
        sub.check_keys(("rule", "starts_on", "stops_on", "warn_days"))
        rule_id = sub.req_text("rule")
        try:
            rule = rulebook.get(rule_id)
        except UnknownRule:
            sub.fail("rule", f"unknown rule {rule_id!r}")
        if rule.kind is not RuleKind.PERIOD:
            sub.fail("rule", f"{rule_id} is a pause rule and has no due date")
        starts_on = sub.req_text("starts_on")
        if starts_on not in BINDING_EVENTS:
            sub.fail("starts_on", f"{starts_on!r} is not one of {', '.join(BINDING_EVENTS)}")
        stops_on = sub.text_list("stops_on")
        if not stops_on:
            sub.fail("stops_on", "name at least one stage or milestone")
        for stage in stops_on:
            if stage not in BINDING_EVENTS:
                sub.fail("stops_on", f"{stage!r} is not one of {', '.join(BINDING_EVENTS)}")
        if starts_on in stops_on:
            sub.fail("stops_on", f"the clock cannot stop on its own start stage {starts_on!r}")
        clocks.append(
            ClockSpec(
                rule_id=rule.id,
                starts_on=starts_on,
                stops_on=stops_on,
                warn_days=sub.integer("warn_days", minimum=0),
            )
        )
    return RuleSet(
        name=name,
        title_zh=top.req_text("title_zh"),
        title_en=top.req_text("title_en"),
        description=top.req_text("description"),
        clocks=tuple(clocks),
        path=path,
    )
