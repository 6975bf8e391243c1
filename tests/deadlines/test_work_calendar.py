from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from mediation.deadlines.calendar import (
    ScheduleError,
    WorkCalendar,
    default_calendar,
    package_years,
    parse_schedule,
    shipped_schedules,
)

SCHEDULE_2027 = """\
year: 2027
source: "test notice"
holidays:
  - name: 元旦
    days_off: ["2027-01-01..2027-01-03"]
  - name: 春节
    days_off: ["2027-02-05", "2027-02-06..2027-02-12"]
    workdays: ["2027-02-14"]
"""


def test_make_up_weekend_day_is_a_working_day(calendar):
    assert calendar.is_workday(date(2025, 9, 28))  # Sunday, 调休上班
    assert calendar.is_workday(date(2026, 2, 14))  # Saturday, 调休上班


def test_holiday_weekday_is_a_day_off(calendar):
    assert not calendar.is_workday(date(2025, 10, 8))  # Wednesday in the National Day break
    assert not calendar.is_workday(date(2026, 2, 23))  # Monday, last day of Spring Festival


def test_ordinary_days_follow_the_weekday(calendar):
    assert calendar.is_workday(date(2025, 3, 5))
    assert not calendar.is_workday(date(2025, 3, 8))  # Saturday


def test_package_years_are_verified_and_later_years_are_not(calendar):
    assert package_years() >= set(range(2004, 2027))
    assert calendar.is_verified(2025) and calendar.is_verified(2026)
    assert not calendar.is_verified(2027)
    assert not calendar.is_verified(2003)


def test_unverified_year_is_classified_provisionally_by_weekends_and_fixed_days_off(calendar):
    assert not calendar.is_workday(date(2027, 1, 1))  # 元旦, a Friday
    assert not calendar.is_workday(date(2027, 10, 1))
    assert not calendar.is_workday(date(2027, 5, 1))
    assert calendar.is_workday(date(2027, 2, 8))  # Spring Festival week, unknown until the notice
    assert not calendar.is_workday(date(2027, 1, 9))  # Saturday


def test_overrides_win_over_the_package_data():
    cal = WorkCalendar({date(2025, 10, 8): True, date(2025, 3, 5): False})
    assert cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2025, 3, 5))
    assert not default_calendar().is_workday(date(2025, 10, 8))  # shared data untouched


def test_extra_verified_years_with_overrides_verify_a_new_year():
    schedule = parse_schedule(SCHEDULE_2027)
    cal = WorkCalendar(schedule.days, extra_verified_years=[2027])
    assert cal.is_verified(2027)
    assert not cal.is_workday(date(2027, 2, 8))
    assert cal.is_workday(date(2027, 2, 14))  # Sunday make-up day
    assert WorkCalendar.from_schedules([schedule]).is_verified(2027)
    assert not WorkCalendar.from_schedules([schedule]).is_workday(date(2027, 2, 8))


def test_overrides_alone_do_not_verify_a_year():
    cal = WorkCalendar({date(2027, 2, 8): False})
    assert not cal.is_verified(2027)
    assert not cal.is_workday(date(2027, 2, 8))


def test_override_keys_must_be_dates():
    with pytest.raises(TypeError):
        WorkCalendar({datetime(2025, 1, 2, 9, 0): False})
    with pytest.raises(TypeError):
        WorkCalendar({date(2025, 1, 2): "off"})


def test_default_calendar_is_shared():
    assert default_calendar() is default_calendar()


def test_next_workday_skips_the_holiday(calendar):
    assert calendar.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)


@pytest.mark.parametrize("schedule", shipped_schedules(), ids=lambda s: str(s.year))
def test_shipped_schedule_agrees_with_chinesecalendar_on_every_day(schedule):
    d = date(schedule.year, 1, 1)
    disagreements = []
    while d.year == schedule.year:
        transcribed = schedule.days.get(d, d.weekday() < 5)
        if transcribed != chinese_calendar.is_workday(d):
            disagreements.append(d.isoformat())
        d += timedelta(days=1)
    assert disagreements == []


def test_shipped_schedules_cover_2025_and_2026():
    schedules = {s.year: s for s in shipped_schedules()}
    assert set(schedules) >= {2025, 2026}
    assert schedules[2025].source == "国办发明电〔2024〕12号"
    assert schedules[2026].source == "国办发明电〔2025〕7号"
    assert schedules[2026].names[date(2026, 2, 14)] == "春节"


def test_schedule_ranges_expand_inclusively():
    schedule = parse_schedule(SCHEDULE_2027)
    assert schedule.year == 2027
    assert schedule.days_off()[:3] == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    assert len([d for d in schedule.days_off() if d.month == 2]) == 8
    assert schedule.workdays() == [date(2027, 2, 14)]
    assert schedule.names[date(2027, 2, 10)] == "春节"


def test_schedule_parses_from_a_path(tmp_path: Path):
    path = tmp_path / "2027.yaml"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    assert (
        parse_schedule(path).days
        == parse_schedule(str(path)).days
        == parse_schedule(SCHEDULE_2027).days
    )


def _schedule(holidays: str, year: str = "2027", source: str = '"test"') -> str:
    return f"year: {year}\nsource: {source}\nholidays:\n{holidays}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_schedule('  - name: 春节\n    days_off: ["2028-02-05"]\n'), "2028-02-05 is not in 2027"),
        (
            _schedule(
                '  - name: 春节\n    days_off: ["2027-02-06..2027-02-12"]\n'
                '  - name: 调休\n    workdays: ["2027-02-06"]\n'
            ),
            "listed both as a day off and as a working day",
        ),
        (
            _schedule('  - name: 春节\n    days_off: ["2027-02-12..2027-02-06"]\n'),
            "ends before it starts",
        ),
        (_schedule('  - name: 春节\n    days_off: ["2027-02-30"]\n'), "not a valid date"),
        (_schedule('  - name: 春节\n    days_off: ["next friday"]\n'), "holiday 春节 days_off"),
        (_schedule('  - name: 春节\n    workdays: ["2027-02-10"]\n'), "is a weekday"),
        (_schedule('  - name: 国庆节\n    workdays: ["2027-10-02"]\n'), "statutory day off"),
        (_schedule('  - name: 春节\n    days_off: ["2027-02-06"]\n', source="null"), "'source'"),
        (_schedule('  - name: 春节\n    days_off: ["2027-02-06"]\n', year="27"), "'year'"),
        (_schedule("  - days_off: [2027-02-06]\n"), "holidays[0]: 'name' is required"),
        (_schedule('  - name: 春节\n    dates: ["2027-02-06"]\n'), "unknown field(s) dates"),
        ("year: 2027\nsource: x\nholidays: []\n", "'holidays' must be a non-empty list"),
        ("- just a list\n", "expected a mapping"),
        ("year: [unclosed\n", "not valid YAML"),
    ],
)
def test_schedule_errors_name_the_bad_entry(text, message):
    with pytest.raises(ScheduleError) as excinfo:
        parse_schedule(text)
    assert message in str(excinfo.value)


def test_schedule_file_that_cannot_be_read_is_a_schedule_error(tmp_path):
    with pytest.raises(ScheduleError, match="cannot read"):
        parse_schedule(str(tmp_path / "missing.yaml"))
