"""Turning cases and clocks into JSON-ready dicts, with personal data masked for viewers
who may not see it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from mediation.cases.model import Case, CaseEvent, Party, PartyKind
from mediation.deadlines.counting import days_left, explain
from mediation.deadlines.model import Clock, ClockStatus
from mediation.deadlines.rules import RuleBook
from mediation.deadlines.service import DeadlineContext, compute_clock
from mediation.i18n import t
from mediation.people import access
from mediation.people.model import User


def local_time(at: datetime) -> str:
    """A stored UTC time as the centre's wall-clock time, e.g. 2026-11-24 16:24."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return at.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def party_json(party: Party, viewer: User, case: Case) -> dict:
    full = access.sees_personal_data(viewer, case, party)
    person = party.kind == PartyKind.PERSON
    return {
        "id": party.id,
        "role": party.role.value,
        "kind": party.kind.value,
        "name": party.name if (full or not person) else access.mask_name(party.name),
        "id_number": party.id_number if full else access.mask_id_number(party.id_number),
        "phone": party.phone if full else access.mask_phone(party.phone),
        "address": party.address if full else None,
        "agent_name": party.agent_name,
        "agent_phone": party.agent_phone if full else access.mask_phone(party.agent_phone),
    }


def case_summary_json(case: Case, viewer: User, lang: str) -> dict:
    return {
        "number": case.number,
        "stage": case.stage.value,
        "stage_label": t(f"stage.{case.stage.value}", lang),
        "dispute_type": case.dispute_type.value,
        "amount_claimed": str(case.amount_claimed) if case.amount_claimed is not None else None,
        "channel": case.channel.value,
        "region": case.region,
        "received_on": case.received_on.isoformat(),
        "next_due_on": case.next_due_on.isoformat() if case.next_due_on else None,
        "urgency": case.urgency.value,
        "paused": case.paused,
        "version": case.version,
        "claimants": [party_json(p, viewer, case)["name"] for p in case.claimants],
        "respondents": [p.name for p in case.respondents],
    }


def clock_json(clock: Clock, ctx: DeadlineContext, lang: str) -> dict:
    rule = ctx.rulebook.get(clock.rule_id)
    result = compute_clock(clock, rule, ctx)
    paused_days = sum(
        ((p.ended_on or max(ctx.today, p.started_on)) - p.started_on).days for p in clock.pauses
    )
    due = clock.due_on
    left = days_left(due, ctx.today) if due and clock.status != ClockStatus.STOPPED else None
    return {
        "id": clock.id,
        "rule": rule.id,
        "title": rule.title_en if lang == "en" else rule.title_zh,
        "status": clock.status.value,
        "started_on": clock.started_on.isoformat(),
        "due_on": due.isoformat() if due else None,
        "calendar_verified": not clock.provisional,
        "days_left": left,
        "urgency": clock.urgency.value,
        "paused_days": paused_days,
        "pauses": [
            {
                "reason": p.reason.value,
                "note": p.note,
                "from": p.started_on.isoformat(),
                "to": p.ended_on.isoformat() if p.ended_on else None,
            }
            for p in clock.pauses
        ],
        "extension_days": clock.extension_days,
        "extensions": [
            {
                "days": e.days,
                "approver": e.approver,
                "legal_ground": e.legal_ground,
                "at": e.at.isoformat() + "Z",
            }
            for e in clock.extensions
        ],
        "stopped_on": clock.stopped_on.isoformat() if clock.stopped_on else None,
        # Met: the act the limit is for happened on or before the due date (24:00 that day).
        "met": bool(clock.stopped_on and due and clock.stopped_on <= due),
        "soft": rule.soft,
        "citation": [citation_json(rule.citation)],
        "counting": explain(result, lang),
    }


def event_json(event: CaseEvent, lang: str) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind.value,
        "label": t(f"event.{event.kind.value}", lang),
        "from_stage": event.from_stage.value if event.from_stage else None,
        "to_stage": event.to_stage.value if event.to_stage else None,
        "actor": event.actor.display_name if event.actor else None,
        "at": event.at.isoformat() + "Z",
        "at_local": local_time(event.at),
        "effective_on": event.effective_on.isoformat() if event.effective_on else None,
        "reason": event.reason,
        "data": event.data or {},
    }


def case_json(
    case: Case, viewer: User, clocks: list[Clock], ctx: DeadlineContext, lang: str
) -> dict:
    out = case_summary_json(case, viewer, lang)
    out.update(
        {
            "request": case.request,
            "facts": case.facts,
            "rejection_reason": case.rejection_reason,
            "parties": [party_json(p, viewer, case) for p in case.parties],
            "clocks": [clock_json(c, ctx, lang) for c in clocks],
            "events": [event_json(e, lang) for e in case.events],
        }
    )
    return out


def citation_json(c) -> dict:
    return {
        "law": c.law,
        "article": c.article,
        "quote": c.quote,
        "document_number": c.document_number,
    }


def rule_json(book: RuleBook, rule_id: str, lang: str) -> dict:
    rule = book.get(rule_id)
    return {
        "id": rule.id,
        "title": rule.title_en if lang == "en" else rule.title_zh,
        "count": rule.count.n if rule.count else None,
        "unit": rule.count.unit.value if rule.count else None,
        "roll": rule.roll,
        "excludes": sorted(rule.exclude_reasons),
        "extensions": [e.id for e in rule.extensions],
        "status": rule.status.value,
        "promise": rule.promise,
        "citation": [citation_json(rule.citation)],
    }


WEEKDAYS_ZH = "一二三四五六日"


def plain_date(d: date, lang: str) -> str:
    if lang == "en":
        return d.strftime("%a %d %b %Y")
    return f"{d.year}年{d.month}月{d.day}日（星期{WEEKDAYS_ZH[d.weekday()]}）"


# The usual path of a case, shown to parties as steps; side exits are shown when taken.
MAIN_PATH = ("intake", "accepted", "investigation", "mediation", "signed", "performance", "closed")


def progress(stage) -> list[dict]:
    value = stage.value
    path = list(MAIN_PATH)
    if value not in path:
        # 不予受理 / 调解不成 / 撤回 / 司法确认: put the stage where it happened.
        anchor = {
            "rejected": "intake",
            "withdrawn": "accepted",
            "failed": "mediation",
            "judicial_confirmation": "signed",
        }
        path.insert(path.index(anchor[value]) + 1, value)
        if value in ("rejected", "withdrawn", "failed"):
            path = path[: path.index(value) + 1] + ["closed"]
    current = path.index(value)
    return [
        {"stage": s, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, s in enumerate(path)
    ]


def next_deadline(case: dict, lang: str) -> str | None:
    """The most pressing running time limit, in words a claimant understands."""
    running = [c for c in case["clocks"] if c["status"] != "stopped" and c["due_on"]]
    if not running:
        return None
    clock = min(running, key=lambda c: c["due_on"])
    due = plain_date(date.fromisoformat(clock["due_on"]), lang)
    if clock["status"] == "paused":
        return t("portal.deadline_paused", lang, {"what": clock["title"]})
    left = clock["days_left"]
    key = (
        "portal.deadline_overdue"
        if left < 0
        else "portal.deadline_today"
        if left == 0
        else "portal.deadline"
    )
    text = t(key, lang, {"what": clock["title"], "due": due, "n": abs(left)})
    if not clock["calendar_verified"]:
        text += t("portal.deadline_unverified", lang)
    return text


ROLE_LABEL = {
    "claimant": "case.claimant",
    "institution": "case.respondent",
    "mediator": "role.mediator",
    "admin": "role.admin",
}


def message_json(message, viewer: User, lang: str) -> dict:
    author = message.author
    # Other parties see the author's role, not a person's name.
    shown = (
        author.display_name
        if (viewer.reads_all_cases or author.id == viewer.id or author.role.value == "institution")
        else t(ROLE_LABEL.get(author.role.value, "role.mediator"), lang)
    )
    return {
        "id": message.id,
        "kind": message.kind.value,
        "label": t(f"message.{message.kind.value}", lang),
        "author": shown,
        "author_role": author.role.value,
        "body": message.body,
        "amount": str(message.amount) if message.amount is not None else None,
        "at": message.at.isoformat() + "Z",
        "at_local": local_time(message.at),
    }
