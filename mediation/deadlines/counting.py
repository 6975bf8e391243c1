"""Due dates of time limits, counted by the conventions of shared/law/TIME_LIMITS.md §2.

Pure functions: no I/O, no database. `compute_due` returns the due date together with the
steps that produced it, so the web layer can show the working in Chinese or English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from mediation.deadlines.calendar import WorkCalendar
from mediation.deadlines.rules import CountUnit, Rule

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "CountingError",
    "DueDate",
    "Step",
    "add_months",
    "compute_due",
    "days_left",
    "explain",
]

MIN_DATE = date(1949, 1, 1)
MAX_DATE = date(2200, 12, 31)
_ONE_DAY = timedelta(days=1)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class CountingError(ValueError):
    """The inputs do not describe a period that can be counted."""


class Step(NamedTuple):
    """One step of a computation: a code and its parameters (dates as datetime.date)."""

    code: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DueDate:
    rule_id: str
    start: date  # effective start (after a restart); not itself counted
    due: date | None  # None when the calendar for a day that matters is unverified
    provisional_due: date  # always set; equals `due` when verified
    verified: bool
    unrolled_end: date  # the period's end before any roll-forward
    excluded_days: int  # paused days not counted (working days for a working-day rule)
    extension_days: int  # extension applied (working days for a working-day rule)
    steps: tuple[Step, ...]
    unverified_years: tuple[int, ...] = ()
    extension_months: int = 0


def add_months(d: date, months: int) -> date:
    """民法典 Art 202: the corresponding day of the due month, or that month's last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    last = _MONTH_DAYS[month0]
    if month0 == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    day = d.day
    return date(year, month0 + 1, day if day <= last else last)


def days_left(due: date, today: date) -> int:
    """Days from `today` to `due`: 0 on the last day, negative once overdue."""
    return (due - today).days


def _check_date(d: object, what: str) -> date:
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        raise CountingError(f"{what} must be a date, got {d!r}")
    if d < MIN_DATE or d > MAX_DATE:
        raise CountingError(
            f"{what} {d.isoformat()} is outside the supported range "
            f"{MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}"
        )
    return d


def _prepare_pauses(
    pauses: Sequence[tuple[date, date]], start: date, effective_start: date, steps: list[Step]
) -> list[tuple[date, date]]:
    """Validated pauses, clipped to the effective start, overlaps merged, in date order."""
    checked: list[tuple[date, date]] = []
    for pause in pauses:
        try:
            first, last = pause
        except (TypeError, ValueError):
            raise CountingError(
                f"a pause must be a (from, to) pair of dates, got {pause!r}"
            ) from None
        first = _check_date(first, "pause start")
        last = _check_date(last, "pause end")
        if last < first:
            raise CountingError(
                f"pause {first.isoformat()}..{last.isoformat()} ends before it starts"
            )
        if first < start:
            raise CountingError(
                f"pause {first.isoformat()}..{last.isoformat()} starts before the period's "
                f"start {start.isoformat()}"
            )
        # TIME_LIMITS §2.9: after a restart the limit runs afresh; only pause time after the
        # new start is deducted.
        if last <= effective_start:
            steps.append(
                Step("pause_before_start", {"from": first, "to": last, "start": effective_start})
            )
            continue
        if first < effective_start:
            first = effective_start
        checked.append((first, last))
    if len(checked) < 2:
        return checked
    checked.sort()
    # Overlapping pauses (an appraisal during mediation, say) stop the clock once.
    merged = [checked[0]]
    for first, last in checked[1:]:
        prev_first, prev_last = merged[-1]
        if first <= prev_last:
            if last > prev_last:
                merged[-1] = (prev_first, last)
        else:
            merged.append((first, last))
    return merged


def _advance_workdays(calendar: WorkCalendar, d: date, n: int) -> date:
    """The n-th working day after d (TIME_LIMITS §2.4)."""
    is_workday = calendar.is_workday
    while n:
        d += _ONE_DAY
        if is_workday(d):
            n -= 1
    return d


def _count_workdays(calendar: WorkCalendar, first: date, last: date) -> int:
    """Working days in (first, last]."""
    is_workday = calendar.is_workday
    count = 0
    d = first
    while d < last:
        d += _ONE_DAY
        if is_workday(d):
            count += 1
    return count


def _unverified_years(calendar: WorkCalendar, first_year: int, last_year: int) -> tuple[int, ...]:
    if first_year == last_year:
        return () if calendar.is_verified(first_year) else (first_year,)
    return tuple(y for y in range(first_year, last_year + 1) if not calendar.is_verified(y))


def compute_due(
    rule: Rule,
    start: date,
    calendar: WorkCalendar,
    pauses: Sequence[tuple[date, date]] = (),
    extension_days: int = 0,
    restart_on: date | None = None,
    *,
    extension_months: int = 0,
) -> DueDate:
    """The due date of `rule` for a start event on `start`.

    `pauses` are (from, to) date pairs, each excluding to - from days (TIME_LIMITS §2.7);
    `extension_days` (and, for month rules, `extension_months`) lengthen the unrolled period
    (§2.8); `restart_on` replaces the start (§2.9). Raises CountingError for inputs that do
    not describe a countable period.
    """
    count = rule.count
    if count is None:
        raise CountingError(
            f"{rule.id} is a pause rule: it stops other rules' clocks and has no due date"
        )
    if type(start) is not date:
        start = _check_date(start, "start")
    elif start < MIN_DATE or start > MAX_DATE:
        _check_date(start, "start")
    if extension_days < 0 or extension_months < 0:
        raise CountingError("an extension cannot be negative")
    if extension_months and count.unit not in (CountUnit.MONTHS, CountUnit.YEARS):
        raise CountingError(f"{rule.id} counts {count.unit}; an extension in months does not apply")

    steps: list[Step] = [Step("start", {"date": start})]
    if rule.status == "review":
        steps.append(Step("rule_under_review", {"note": rule.status_note or ""}))
    if rule.soft:
        steps.append(Step("soft_target", {}))
    effective = start
    if restart_on is not None:
        restart_on = _check_date(restart_on, "restart date")
        if restart_on < start:
            raise CountingError(
                f"restart date {restart_on.isoformat()} is before the start {start.isoformat()}"
            )
        effective = restart_on
        # NFRA Art 18 ¶3: the limit runs afresh from receipt of the new materials.
        steps.append(
            Step(
                "restart", {"date": restart_on, "original": start, "provided": rule.restart.allowed}
            )
        )

    if rule.fixed_period and (pauses or extension_days or extension_months):
        # 民诉法解释 Art 127: an invariable period is never suspended or extended.
        steps.append(
            Step("fixed_period", {"pauses": len(pauses), "extension_days": extension_days})
        )
        pauses = ()
        extension_days = extension_months = 0
    periods = _prepare_pauses(pauses, start, effective, steps) if pauses else ()

    n = count.n
    unit = count.unit
    excluded = 0
    unverified: tuple[int, ...] = ()

    if unit is CountUnit.WORKING_DAYS:
        end = _advance_workdays(calendar, effective, n)
        steps.append(Step("count_working_days", {"n": n, "from": effective, "end": end}))
        if extension_days:
            end = _advance_workdays(calendar, end, extension_days)
            steps.append(Step("extension_working_days", {"days": extension_days, "end": end}))
        last_classified = end
        for first, last in periods:
            if first > end:
                raise CountingError(
                    f"pause {first.isoformat()}..{last.isoformat()} starts after the end of "
                    f"the period {end.isoformat()}"
                )
            # A pause excludes the working days in (from, to], just as a pause on a day
            # count excludes to - from days; the count goes on past them.
            skipped = _count_workdays(calendar, first, last)
            if skipped:
                end = _advance_workdays(calendar, end, skipped)
            excluded += skipped
            if last > last_classified:
                last_classified = last
            steps.append(
                Step("pause_working_days", {"from": first, "to": last, "days": skipped, "end": end})
            )
        if end > last_classified:
            last_classified = end
        unrolled = provisional = end
        # TIME_LIMITS §2.10: every counted day must be classified on a verified calendar.
        unverified = _unverified_years(calendar, (effective + _ONE_DAY).year, last_classified.year)
    else:
        if unit is CountUnit.DAYS:
            end = effective + timedelta(days=n)
            steps.append(Step("count_days", {"n": n, "from": effective, "end": end}))
        else:
            months = n * 12 if unit is CountUnit.YEARS else n
            try:
                end = add_months(effective, months)
            except ValueError:
                raise CountingError(
                    f"{rule.id}: the period's end is outside the supported range"
                ) from None
            steps.append(
                Step(
                    "count_months",
                    {
                        "n": n,
                        "unit": unit.value,
                        "from": effective,
                        "end": end,
                        "month_end": end.day != effective.day,
                    },
                )
            )
            if extension_months:
                end = add_months(effective, months + extension_months)
                steps.append(Step("extension_months", {"months": extension_months, "end": end}))
        if extension_days:
            end += timedelta(days=extension_days)
            steps.append(Step("extension_days", {"days": extension_days, "end": end}))
        for first, last in periods:
            if first > end:
                raise CountingError(
                    f"pause {first.isoformat()}..{last.isoformat()} starts after the unrolled "
                    f"end of the period {end.isoformat()}"
                )
            skipped = (last - first).days
            end += timedelta(days=skipped)
            excluded += skipped
            steps.append(Step("pause", {"from": first, "to": last, "days": skipped, "end": end}))
        unrolled = end

        if not rule.roll:
            # TIME_LIMITS §2.5: natural days (NFRA Art 43 ¶2) are not moved past a day off.
            provisional = end
            steps.append(Step("no_roll_rule", {"date": end}))
        else:
            # 民事诉讼法 Art 85 ¶3, 民法典 Art 203: a last day on a 法定休假日 moves to the first
            # day after it; every day looked at must be on a verified calendar (§2.10).
            is_workday = calendar.is_workday
            d = end
            while not is_workday(d):
                d += _ONE_DAY
            provisional = d
            unverified = _unverified_years(calendar, end.year, d.year)
            if d == end:
                steps.append(Step("no_roll_needed", {"date": d, "provisional": bool(unverified)}))
            else:
                steps.append(
                    Step(
                        "roll",
                        {
                            "from": end,
                            "to": d,
                            "days": (d - end).days,
                            "provisional": bool(unverified),
                        },
                    )
                )

    if provisional > MAX_DATE:
        raise CountingError(f"{rule.id}: the period's end is outside the supported range")
    if unverified:
        steps.append(
            Step("calendar_unverified", {"years": unverified, "provisional_due": provisional})
        )
        due = None
    else:
        due = provisional
        steps.append(Step("due", {"date": due}))
    return DueDate(
        rule.id,
        effective,
        due,
        provisional,
        not unverified,
        unrolled,
        excluded,
        extension_days,
        tuple(steps),
        unverified,
        extension_months,
    )


# -- explanation -------------------------------------------------------------------------

_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日（星期{_WEEKDAYS_ZH[d.weekday()]}）"


def _en_date(d: date) -> str:
    return f"{_WEEKDAYS_EN[d.weekday()]} {d.isoformat()}"


_UNIT_ZH = {"months": "个月", "years": "年"}

# One template per step code and language; parameters are formatted by _render.
_TEMPLATES: dict[str, dict[str, str]] = {
    "zh": {
        "start": "起算日{date}，当日不计入，自次日开始计算（民法典第二百零一条）。",
        "rule_under_review": "注意：本规则尚待法律审核（{note}）。",
        "soft_target": "本期限为工作目标（“一般”“可以”），非强制期限。",
        "restart": "期限自{date}重新计算（原起算日{original}）。",
        "restart_unprovided": "按指示自{date}重新计算（原起算日{original}）；本规则本身未规定重新计算。",
        "fixed_period": "本期限为不变期间，不扣除暂停、不予延长（民诉法解释第一百二十七条）。",
        "pause_before_start": "{from}至{to}的暂停在起算日{start}之前，不予扣除。",
        "count_days": "{from}后第{n}日为{end}。",
        "count_months": "自{from}起{n}{unit_zh}，到期月的对应日{end}为期间的最后一日（民法典第二百零二条）。",
        "count_months_end": "自{from}起{n}{unit_zh}，到期月没有对应日，以月末日{end}为期间的最后一日（民法典第二百零二条）。",
        "count_working_days": "自{from}次日起第{n}个工作日为{end}（调休上班日计入，放假日不计入）。",
        "extension_days": "延长{days}日，期间末日为{end}。",
        "extension_months": "延长{months}个月，期间末日为{end}。",
        "extension_working_days": "延长{days}个工作日，期间末日为{end}。",
        "pause": "{from}至{to}不计入期限（{days}日），期间末日顺延至{end}。",
        "pause_working_days": "{from}至{to}不计入期限（{days}个工作日），期间末日顺延至{end}。",
        "no_roll_rule": "本期限按自然日计算，末日{date}遇节假日不顺延。",
        "no_roll_needed": "{date}为工作日{provisional_zh}，无需顺延。",
        "roll": "{from}为法定休假日{provisional_zh}，以休假日后的第一日{to}为期间届满日（民事诉讼法第八十五条、民法典第二百零三条）。",
        "calendar_unverified": "{years}年国务院节假日安排尚未公布，无法确定届满日；仅按周末和固定法定节日推算，暂定为{provisional_due}。",
        "due": "期限届满日：{date}（当日二十四时止）。",
    },
    "en": {
        "start": "Start {date}; that day is not counted, counting begins the next day (Civil Code Art 201).",
        "rule_under_review": "Note: this rule awaits legal review ({note}).",
        "soft_target": "This is a target, not a binding limit.",
        "restart": "The limit runs afresh from {date} (original start {original}).",
        "restart_unprovided": "Restarted from {date} as instructed (original start {original}); the rule itself provides no restart.",
        "fixed_period": "An invariable period: pauses and extensions are not applied (Civil Procedure Interpretation Art 127).",
        "pause_before_start": "Pause {from} to {to} lies before the start {start} and is not deducted.",
        "count_days": "{n} days after {from} is {end}.",
        "count_months": "{n} {unit_en} after {from}: the corresponding day {end} is the last day (Civil Code Art 202).",
        "count_months_end": "{n} {unit_en} after {from}: the due month has no corresponding day, so its last day {end} is the last day (Civil Code Art 202).",
        "count_working_days": "The {nth} working day after {from} is {end} (make-up working days count, days off do not).",
        "extension_days": "Extended by {days} days: the period ends {end}.",
        "extension_months": "Extended by {months} months: the period ends {end}.",
        "extension_working_days": "Extended by {days} working days: the period ends {end}.",
        "pause": "{from} to {to} is not counted ({days} days): the period now ends {end}.",
        "pause_working_days": "{from} to {to} is not counted ({days} working days): the period now ends {end}.",
        "no_roll_rule": "Natural days: the last day {date} is not moved past a day off.",
        "no_roll_needed": "{date} is a working day{provisional_en}: no roll-forward.",
        "roll": "{from} is a statutory day off{provisional_en}: the period ends on the first day after it, {to} (Civil Procedure Law Art 85, Civil Code Art 203).",
        "calendar_unverified": "The State Council holiday schedule for {years} is not published, so no due date can be asserted; counting only weekends and the fixed statutory days off gives {provisional_due} (provisional).",
        "due": "Due: {date} (until 24:00 that day).",
    },
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _render(step: Step, lang: str) -> str:
    fmt_date = _zh_date if lang == "zh" else _en_date
    code = step.code
    params: dict[str, Any] = {}
    for key, value in step.params.items():
        if isinstance(value, date):
            params[key] = fmt_date(value)
        elif key == "years":
            params[key] = ("、" if lang == "zh" else ", ").join(str(y) for y in value)
        else:
            params[key] = value
    if "provisional" in params:
        provisional = params.pop("provisional")
        params["provisional_zh"] = "（按暂定日历）" if provisional else ""
        params["provisional_en"] = " (on the provisional calendar)" if provisional else ""
    if code == "count_working_days":
        params["nth"] = _ordinal(step.params["n"])
    elif code == "count_months":
        unit = step.params.get("unit", "months")
        params["unit_zh"] = _UNIT_ZH.get(unit, "")
        params["unit_en"] = unit if step.params["n"] != 1 else unit.rstrip("s")
        if step.params.get("month_end"):
            code = "count_months_end"
    elif code == "restart" and not step.params.get("provided", True):
        code = "restart_unprovided"
    template = _TEMPLATES[lang].get(code)
    if template is None:
        return f"{step.code}: {step.params}"
    return template.format(**params)


def explain(due: DueDate, lang: str = "zh") -> list[str]:
    """The steps of a computation as sentences in Chinese ('zh', default) or English ('en')."""
    key = "en" if lang.lower().startswith("en") else "zh"
    return [_render(step, key) for step in due.steps]
