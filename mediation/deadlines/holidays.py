"""Importing a State Council schedule into the override table."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, extract, select
from sqlalchemy.orm import Session

from mediation.deadlines.calendar import Schedule
from mediation.deadlines.model import CalendarYear, DayKind, HolidayOverride
from mediation.deadlines.service import load_calendar


def import_schedule(session: Session, schedule: Schedule) -> int:
    """Replace the year's overrides with the schedule and mark the year verified.
    Idempotent: importing the same file twice gives the same table."""
    session.execute(
        delete(HolidayOverride).where(
            HolidayOverride.day >= date(schedule.year, 1, 1),
            HolidayOverride.day <= date(schedule.year, 12, 31),
        )
    )
    for day, workday in sorted(schedule.days.items()):
        session.add(
            HolidayOverride(
                day=day,
                kind=DayKind.WORKDAY if workday else DayKind.DAY_OFF,
                name=schedule.names.get(day),
                source=schedule.source,
            )
        )
    year = session.get(CalendarYear, schedule.year)
    if year is None:
        session.add(CalendarYear(year=schedule.year, source=schedule.source))
    else:
        year.source = schedule.source
    session.flush()
    return len(schedule.days)


def year_summary(session: Session, year: int) -> tuple[bool, list[tuple[date, bool, str | None]]]:
    calendar = load_calendar(session)
    names = {
        o.day: o.name
        for o in session.scalars(
            select(HolidayOverride).where(extract("year", HolidayOverride.day) == year)
        )
    }
    days = []
    d = date(year, 1, 1)
    while d.year == year:
        weekend = d.weekday() >= 5
        work = calendar.is_workday(d)
        if work == weekend:  # a day off on a weekday, or a working weekend day
            days.append((d, work, names.get(d)))
        d += timedelta(days=1)
    return calendar.is_verified(year), days


def set_day(
    session: Session, day: date, workday: bool, name: str | None, source: str
) -> HolidayOverride:
    """An administrator's correction of one day (e.g. a late-published 调休)."""
    row = session.get(HolidayOverride, day)
    kind = DayKind.WORKDAY if workday else DayKind.DAY_OFF
    if row is None:
        row = HolidayOverride(day=day, kind=kind, name=name, source=source)
        session.add(row)
    else:
        row.kind, row.name, row.source = kind, name, source
    session.flush()
    return row


def remove_day(session: Session, day: date) -> bool:
    row = session.get(HolidayOverride, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
