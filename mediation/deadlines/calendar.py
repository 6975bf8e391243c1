"""Working days and days off on the State Council calendar.

A day's status comes, in this order, from: an override (an administrator's entry or an
imported State Council notice), the `chinesecalendar` package's data, and otherwise the
weekday. Years for which neither the package nor an imported notice gives the full
arrangement are *unverified*: their days are still classified, provisionally, so that the
engine can show a provisional date, but no deadline that depends on them is asserted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import yaml
from chinese_calendar import constants as _cc

__all__ = [
    "FIXED_DAYS_OFF",
    "SCHEDULE_DIR",
    "Schedule",
    "ScheduleError",
    "WorkCalendar",
    "default_calendar",
    "package_years",
    "parse_schedule",
    "shipped_schedules",
]

SCHEDULE_DIR = Path(__file__).with_name("schedules")

# 全国年节及纪念日放假办法 (2024) Art 2: the days off fixed by calendar date. Every other
# statutory day off is lunar (春节, 清明, 端午, 中秋) or an Art 6/7 调休 arrangement, known only
# from the year's State Council notice.
FIXED_DAYS_OFF: frozenset[tuple[int, int]] = frozenset(
    {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
)

_ONE_DAY = timedelta(days=1)


@cache
def _package_days() -> dict[date, bool]:
    """Every day the package lists, mapped to True (working day) or False (day off)."""
    days: dict[date, bool] = dict.fromkeys(_cc.holidays, False)
    days.update(dict.fromkeys(_cc.workdays, True))
    return days


@cache
def package_years() -> frozenset[int]:
    """Years whose State Council arrangement the installed chinesecalendar covers."""
    return frozenset(d.year for d in _package_days())


class WorkCalendar:
    """Classifies days as working days or days off.

    `overrides` map a day to True (working day, including a 调休 make-up Saturday or
    Sunday) or False (day off); they win over the package data. A year is verified when
    the package covers it or it is listed in `extra_verified_years` (a year whose notice an
    administrator imported in full).
    """

    __slots__ = ("_days", "_package_years", "_verified_years")

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        extra_verified_years: Iterable[int] = (),
    ) -> None:
        days = _package_days()
        if overrides:
            days = dict(days)
            for day, workday in overrides.items():
                if isinstance(day, datetime) or not isinstance(day, date):
                    raise TypeError(f"override key {day!r} is not a datetime.date")
                if not isinstance(workday, bool):
                    raise TypeError(f"override for {day.isoformat()} must be True or False")
                days[day] = workday
        self._days: dict[date, bool] = days
        self._package_years = package_years()
        extra = frozenset(int(y) for y in extra_verified_years)
        self._verified_years: frozenset[int] = self._package_years | extra

    @classmethod
    def from_schedules(
        cls,
        schedules: Iterable[Schedule],
        overrides: Mapping[date, bool] | None = None,
    ) -> WorkCalendar:
        """A calendar with imported notices: their days become overrides and their years
        verified. Explicit `overrides` win over the schedules."""
        days: dict[date, bool] = {}
        years: list[int] = []
        for schedule in schedules:
            days.update(schedule.days)
            years.append(schedule.year)
        if overrides:
            days.update(overrides)
        return cls(days, years)

    def is_workday(self, d: date) -> bool:
        workday = self._days.get(d)
        if workday is not None:
            return workday
        if d.year not in self._package_years and (d.month, d.day) in FIXED_DAYS_OFF:
            return False
        # 国务院关于职工工作时间的规定 Art 7: Saturday and Sunday are the weekly rest days.
        return d.weekday() < 5

    def is_verified(self, year: int) -> bool:
        return year in self._verified_years

    @property
    def verified_years(self) -> frozenset[int]:
        return self._verified_years

    def next_workday(self, d: date) -> date:
        """The first working day after `d`."""
        d += _ONE_DAY
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def __repr__(self) -> str:
        extra = sorted(self._verified_years - self._package_years)
        return f"<WorkCalendar extra_verified_years={extra}>"


@cache
def default_calendar() -> WorkCalendar:
    """The package calendar without overrides (shared, immutable)."""
    return WorkCalendar()


# -- State Council notice import ---------------------------------------------------------


class ScheduleError(ValueError):
    """A holiday schedule file is malformed; the message names the bad entry."""


@dataclass(frozen=True)
class Schedule:
    """One year's State Council holiday arrangement (国务院办公厅关于…部分节假日安排的通知)."""

    year: int
    source: str
    days: dict[date, bool] = field(default_factory=dict)  # True: 上班, False: 放假
    names: dict[date, str] = field(default_factory=dict)

    def days_off(self) -> list[date]:
        return sorted(d for d, work in self.days.items() if not work)

    def workdays(self) -> list[date]:
        return sorted(d for d, work in self.days.items() if work)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_day(value: object, where: str) -> date:
    if isinstance(value, datetime):
        raise ScheduleError(f"{where}: {value!r} is a timestamp, expected a date YYYY-MM-DD")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ScheduleError(f"{where}: {value!r} is not a valid date ({exc})") from None
    raise ScheduleError(
        f"{where}: {value!r} is not a date YYYY-MM-DD or range YYYY-MM-DD..YYYY-MM-DD"
    )


def _expand(entry: object, where: str) -> list[date]:
    """A date or an inclusive range 'A..B' (A on or before B)."""
    if isinstance(entry, str) and ".." in entry:
        first_text, _, last_text = entry.partition("..")
        first = _parse_day(first_text, where)
        last = _parse_day(last_text, where)
        if last < first:
            raise ScheduleError(f"{where}: range {entry!r} ends before it starts")
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [_parse_day(entry, where)]


def parse_schedule(text_or_path: str | os.PathLike[str]) -> Schedule:
    """Parse and validate a holiday schedule (YAML text or a path to a YAML file).

    Format::

        year: 2027
        source: "国办发明电〔2026〕N号"
        holidays:
          - name: 春节
            days_off: ["2027-02-05", "2027-02-06..2027-02-12"]
            workdays: ["2027-02-14"]
    """
    if isinstance(text_or_path, os.PathLike):
        origin = os.fspath(text_or_path)
        text = Path(origin).read_text(encoding="utf-8")
    elif "\n" not in text_or_path and text_or_path.endswith((".yaml", ".yml")):
        origin = text_or_path
        try:
            text = Path(text_or_path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ScheduleError(f"{origin}: cannot read ({exc.strerror})") from None
    else:
        origin = "schedule"
        text = text_or_path
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{origin}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ScheduleError(f"{origin}: expected a mapping with year, source and holidays")
    unknown = set(data) - {"year", "source", "holidays"}
    if unknown:
        raise ScheduleError(f"{origin}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")

    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        raise ScheduleError(f"{origin}: 'year' must be a year between 1949 and 2200, got {year!r}")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ScheduleError(f"{origin}: 'source' (the notice's document number) is required")
    holidays = data.get("holidays")
    if not isinstance(holidays, list) or not holidays:
        raise ScheduleError(f"{origin}: 'holidays' must be a non-empty list")

    days: dict[date, bool] = {}
    names: dict[date, str] = {}
    for index, holiday in enumerate(holidays):
        where = f"{origin}: holidays[{index}]"
        if not isinstance(holiday, dict):
            raise ScheduleError(f"{where}: expected a mapping with name, days_off, workdays")
        name = holiday.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ScheduleError(f"{where}: 'name' is required")
        where = f"{origin}: holiday {name}"
        unknown = set(holiday) - {"name", "days_off", "workdays"}
        if unknown:
            raise ScheduleError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        for key, workday in (("days_off", False), ("workdays", True)):
            entries = holiday.get(key) or []
            if not isinstance(entries, list):
                raise ScheduleError(f"{where}: '{key}' must be a list")
            for entry in entries:
                for day in _expand(entry, f"{where} {key}"):
                    if day.year != year:
                        raise ScheduleError(f"{where} {key}: {day.isoformat()} is not in {year}")
                    if day in days and days[day] != workday:
                        raise ScheduleError(
                            f"{where} {key}: {day.isoformat()} is listed both as a day off "
                            f"and as a working day (also under {names[day]})"
                        )
                    # 放假办法 Art 6/7: a 调休 make-up working day replaces a weekend day.
                    if workday and day.weekday() < 5:
                        raise ScheduleError(
                            f"{where} workdays: {day.isoformat()} is a weekday; make-up "
                            "working days (调休上班) fall on a Saturday or Sunday"
                        )
                    # 放假办法 (2024) Art 2 fixes these days off from 2025 on.
                    if workday and year >= 2025 and (day.month, day.day) in FIXED_DAYS_OFF:
                        raise ScheduleError(
                            f"{where} workdays: {day.isoformat()} is a statutory day off "
                            "(放假办法 Art 2) and cannot be a working day"
                        )
                    days[day] = workday
                    names.setdefault(day, name)
    return Schedule(year=year, source=source.strip(), days=days, names=names)


def shipped_schedules() -> list[Schedule]:
    """The schedules transcribed into this package (schedules/*.yaml), by year."""
    return [parse_schedule(path) for path in sorted(SCHEDULE_DIR.glob("*.yaml"))]
