from __future__ import annotations

import dataclasses
import importlib.util
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediation.deadlines.calendar import WorkCalendar, parse_schedule
from mediation.deadlines.counting import (
    CountingError,
    DueDate,
    add_months,
    compute_due,
    days_left,
    explain,
)
from mediation.deadlines.rules import CountUnit, RuleKind

D = date


def due_of(rulebook, calendar, rule_id, start, **kwargs) -> DueDate:
    return compute_due(rulebook.get(rule_id), start, calendar, **kwargs)


# -- months and years (民法典 Art 202) -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2024, 2, 29), 24, D(2026, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2000, 2, 29), 1200, D(2100, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_month_periods_end_on_the_corresponding_day_or_the_month_end(start, months, end):
    assert add_months(start, months) == end


def test_one_month_from_january_31_ends_on_february_28(rulebook, calendar):
    result = due_of(rulebook, calendar, "PMW-33", D(2025, 1, 31))
    assert result.unrolled_end == D(2025, 2, 28)
    assert result.due == D(2025, 2, 28)  # a Friday


def test_one_month_from_january_31_in_a_leap_year_ends_on_february_29(rulebook, calendar):
    assert due_of(rulebook, calendar, "PMW-33", D(2024, 1, 31)).due == D(2024, 2, 29)


def test_two_years_from_february_29_ends_on_a_make_up_saturday(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-250", D(2024, 2, 29))
    # 2026-02-28 is a Saturday the 2026 notice makes a working day: no roll-forward.
    assert result.unrolled_end == D(2026, 2, 28)
    assert result.due == D(2026, 2, 28)


def test_six_months_rolls_past_a_weekend(rulebook, calendar):
    result = due_of(rulebook, calendar, "INTERP-372-THIRD", D(2025, 3, 14))
    assert result.unrolled_end == D(2025, 9, 14)  # Sunday
    assert result.due == D(2025, 9, 15)


# -- start day, roll-forward, make-up days -----------------------------------------------


def test_start_day_is_not_counted(rulebook, calendar):
    assert due_of(rulebook, calendar, "NFRA-20-APPLY", D(2025, 3, 1)).due == D(2025, 3, 31)


def test_roll_over_the_eight_day_national_day_break(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2025, 9, 1))
    assert result.unrolled_end == D(2025, 10, 1)
    assert result.due == D(2025, 10, 9)


def test_roll_over_the_nine_day_spring_festival(rulebook, calendar):
    result = due_of(rulebook, calendar, "JC-2011-4", D(2026, 2, 13))
    assert result.unrolled_end == D(2026, 2, 16)
    assert result.due == D(2026, 2, 24)


def test_natural_day_limits_never_roll(rulebook, calendar):
    result = due_of(rulebook, calendar, "NFRA-18-BASE", D(2025, 9, 16))
    assert result.due == D(2025, 10, 1)
    assert calendar.is_workday(result.due) is False


def test_working_days_count_make_up_weekend_days(rulebook, calendar):
    # 02-13 Fri (1), 02-14 Sat make-up day (2), 02-15..02-23 off, 02-24 Tue (3).
    assert due_of(rulebook, calendar, "CENTRE-ACCEPT", D(2026, 2, 12)).due == D(2026, 2, 24)


def test_working_days_skip_the_holiday(rulebook, calendar):
    # 09-30 Tue (1), 10-01..10-08 off, 10-09 Thu (2).
    assert due_of(rulebook, calendar, "OLM-10-CHOOSE", D(2025, 9, 29)).due == D(2025, 10, 9)


ALL_2025_2026 = [D(2025, 1, 1) + timedelta(days=i) for i in range(0, 700, 3)]


def test_roll_rules_always_end_on_a_working_day(rulebook, calendar):
    roll_rules = [r for r in rulebook.all() if r.roll]
    for rule in roll_rules:
        for start in ALL_2025_2026:
            result = compute_due(rule, start, calendar)
            if result.verified:
                assert calendar.is_workday(result.due), (rule.id, start)
                assert result.unrolled_end <= result.due < result.unrolled_end + timedelta(days=12)


def test_working_day_rules_end_on_the_nth_working_day(rulebook, calendar):
    for rule in [r for r in rulebook.all() if r.count and r.count.unit is CountUnit.WORKING_DAYS]:
        for start in ALL_2025_2026:
            result = compute_due(rule, start, calendar)
            if not result.verified:
                continue
            counted = [
                start + timedelta(days=i)
                for i in range(1, (result.due - start).days + 1)
                if calendar.is_workday(start + timedelta(days=i))
            ]
            assert len(counted) == rule.count.n and counted[-1] == result.due, (rule.id, start)


# -- unverified calendar years (TIME_LIMITS §2.10) ----------------------------------------


def test_roll_deadline_in_an_unpublished_year_is_unverified(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2026, 12, 20))
    assert not result.verified and result.due is None
    assert result.provisional_due == D(2027, 1, 19)
    assert result.unverified_years == (2027,)


def test_roll_deadline_in_a_published_year_stays_verified_near_the_year_end(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2026, 12, 1))
    assert result.verified and result.due == D(2026, 12, 31)


def test_rolling_into_an_unpublished_year_is_unverified(rulebook):
    cal = WorkCalendar({D(2026, 12, 31): False})
    result = due_of(rulebook, cal, "CPL-205", D(2026, 12, 1))
    assert not result.verified
    # 2027-01-01 is a fixed day off, then a weekend: provisionally Monday 01-04.
    assert result.provisional_due == D(2027, 1, 4)


def test_working_day_count_reaching_an_unpublished_year_is_unverified(rulebook, calendar):
    result = due_of(rulebook, calendar, "CENTRE-ACCEPT", D(2026, 12, 30))
    assert not result.verified
    assert result.provisional_due == D(2027, 1, 5)  # 12-31, (01-01 off), 01-04, 01-05


def test_natural_days_need_no_calendar(rulebook, calendar):
    result = due_of(rulebook, calendar, "NFRA-18-BASE", D(2026, 12, 25))
    assert result.verified and result.due == D(2027, 1, 9)
    assert due_of(rulebook, calendar, "NFRA-20-DECIDE", D(2030, 5, 1)).due == D(2030, 5, 31)


def test_years_before_the_package_data_are_unverified(rulebook, calendar):
    assert not due_of(rulebook, calendar, "CPL-205", D(2003, 3, 1)).verified


def test_an_imported_notice_makes_the_year_verified(rulebook):
    schedule = parse_schedule(
        'year: 2027\nsource: "test"\nholidays:\n'
        '  - name: 测试\n    days_off: ["2027-01-19..2027-01-20"]\n'
    )
    cal = WorkCalendar.from_schedules([schedule])
    result = due_of(rulebook, cal, "CPL-205", D(2026, 12, 20))
    assert result.verified and result.due == D(2027, 1, 21)


# -- pauses, extensions, restarts --------------------------------------------------------


def test_pause_adds_its_length_before_the_roll(rulebook, calendar):
    # 30 days after 09-01 is 10-01; a 2-day pause gives 10-03, in the break: rolls to 10-09.
    result = due_of(
        rulebook, calendar, "OLM-24-PRE", D(2025, 9, 1), pauses=[(D(2025, 9, 10), D(2025, 9, 12))]
    )
    assert result.excluded_days == 2
    assert result.unrolled_end == D(2025, 10, 3)
    assert result.due == D(2025, 10, 9)


def test_pause_starting_on_the_last_day_still_counts(rulebook, calendar):
    result = due_of(
        rulebook, calendar, "NFRA-18-BASE", D(2025, 6, 3), pauses=[(D(2025, 6, 18), D(2025, 6, 20))]
    )
    assert result.due == D(2025, 6, 20)


def test_pause_after_the_unrolled_end_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="after the unrolled end"):
        due_of(
            rulebook,
            calendar,
            "NFRA-18-BASE",
            D(2025, 6, 3),
            pauses=[(D(2025, 6, 19), D(2025, 6, 25))],
        )


def test_pause_ending_before_it_starts_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="ends before it starts"):
        due_of(
            rulebook,
            calendar,
            "NFRA-18-BASE",
            D(2025, 6, 3),
            pauses=[(D(2025, 6, 9), D(2025, 6, 5))],
        )


def test_pause_before_the_start_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="before the period's start"):
        due_of(
            rulebook,
            calendar,
            "NFRA-18-BASE",
            D(2025, 6, 3),
            pauses=[(D(2025, 6, 1), D(2025, 6, 5))],
        )


def test_later_pause_may_start_in_time_gained_by_an_earlier_one(rulebook, calendar):
    result = due_of(
        rulebook,
        calendar,
        "NFRA-18-BASE",
        D(2025, 6, 3),
        pauses=[(D(2025, 6, 20), D(2025, 6, 22)), (D(2025, 6, 5), D(2025, 6, 10))],
    )
    assert result.excluded_days == 7 and result.due == D(2025, 6, 25)


def test_overlapping_pauses_are_not_deducted_twice(rulebook, calendar):
    result = due_of(
        rulebook,
        calendar,
        "NFRA-18-BASE",
        D(2025, 6, 3),
        pauses=[(D(2025, 6, 5), D(2025, 6, 10)), (D(2025, 6, 8), D(2025, 6, 12))],
    )
    assert result.excluded_days == 7 and result.due == D(2025, 6, 25)


def test_pause_on_a_working_day_rule_excludes_the_working_days_inside_it(rulebook, calendar):
    # CENTRE-ACCEPT from Mon 2025-03-03: due Thu 03-06. A pause 03-04..03-10 holds back the
    # working days 03-05, 03-06, 03-07, 03-10 (4), so the count ends 4 working days later.
    result = due_of(
        rulebook, calendar, "CENTRE-ACCEPT", D(2025, 3, 3), pauses=[(D(2025, 3, 4), D(2025, 3, 10))]
    )
    assert result.excluded_days == 4
    assert result.due == D(2025, 3, 12)


def test_extension_is_added_before_the_roll(rulebook, calendar):
    result = due_of(rulebook, calendar, "JC-2011-5", D(2025, 5, 20), extension_days=10)
    assert result.unrolled_end == D(2025, 6, 14)
    assert result.due == D(2025, 6, 16)
    assert result.extension_days == 10


def test_total_length_extension_matches_the_extended_rule(rulebook, calendar):
    base = rulebook.get("NFRA-18-BASE")
    extra = base.extension("NFRA-18-EXT2").days_added(base)
    assert (
        compute_due(base, D(2025, 4, 1), calendar, extension_days=extra).due
        == due_of(rulebook, calendar, "NFRA-18-EXT2", D(2025, 4, 1)).due
        == D(2025, 5, 31)
    )


def test_month_extension_counts_from_the_original_start(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-152", D(2025, 8, 31), extension_months=6)
    assert result.unrolled_end == D(2026, 8, 31)
    assert result.due == D(2026, 8, 31)


def test_negative_extension_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="negative"):
        due_of(rulebook, calendar, "JC-2011-5", D(2025, 5, 20), extension_days=-1)


def test_restart_counts_the_whole_limit_from_the_new_materials(rulebook, calendar):
    result = due_of(rulebook, calendar, "NFRA-18-BASE", D(2025, 3, 3), restart_on=D(2025, 3, 10))
    assert result.start == D(2025, 3, 10)
    assert result.due == D(2025, 3, 25)


def test_restart_drops_pause_time_before_the_new_start(rulebook, calendar):
    result = due_of(
        rulebook,
        calendar,
        "NFRA-18-BASE",
        D(2025, 3, 3),
        restart_on=D(2025, 3, 10),
        pauses=[(D(2025, 3, 5), D(2025, 3, 8)), (D(2025, 3, 9), D(2025, 3, 12))],
    )
    assert result.excluded_days == 2
    assert result.due == D(2025, 3, 27)


def test_restart_before_the_start_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="before the start"):
        due_of(rulebook, calendar, "NFRA-18-BASE", D(2025, 3, 3), restart_on=D(2025, 3, 1))


def test_invariable_period_ignores_pauses_and_extensions(rulebook, calendar):
    plain = due_of(rulebook, calendar, "INTERP-372-THIRD", D(2025, 3, 14))
    paused = due_of(
        rulebook,
        calendar,
        "INTERP-372-THIRD",
        D(2025, 3, 14),
        pauses=[(D(2025, 4, 1), D(2025, 5, 1))],
        extension_days=10,
    )
    assert paused.due == plain.due and paused.excluded_days == 0
    assert any(step.code == "fixed_period" for step in paused.steps)


@pytest.mark.parametrize("start", [D(1948, 12, 31), D(2201, 1, 1)])
def test_dates_out_of_range_are_errors(rulebook, calendar, start):
    with pytest.raises(CountingError, match="outside the supported range"):
        due_of(rulebook, calendar, "CPL-205", start)


def test_end_past_the_supported_range_is_an_error(rulebook, calendar):
    with pytest.raises(CountingError, match="outside the supported range"):
        due_of(rulebook, calendar, "CPL-250", D(2199, 6, 1))


def test_pause_rule_has_no_due_date(rulebook, calendar):
    assert rulebook.get("NFRA-23").kind is RuleKind.PAUSE
    with pytest.raises(CountingError, match="pause rule"):
        due_of(rulebook, calendar, "NFRA-23", D(2025, 3, 3))


def test_due_date_is_immutable(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2025, 4, 5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.due = D(2030, 1, 1)


def test_days_left_is_zero_on_the_last_day_and_negative_after():
    assert days_left(D(2025, 5, 6), D(2025, 5, 1)) == 5
    assert days_left(D(2025, 5, 6), D(2025, 5, 6)) == 0
    assert days_left(D(2025, 5, 6), D(2025, 5, 8)) == -2


# -- explanation -------------------------------------------------------------------------


def test_explain_in_chinese_shows_the_roll_forward(rulebook, calendar):
    lines = explain(due_of(rulebook, calendar, "CPL-205", D(2025, 4, 5)))
    assert lines[0].startswith("起算日2025年4月5日")
    assert any(
        "2025年5月5日（星期一）为法定休假日" in line and "2025年5月6日" in line for line in lines
    )
    assert lines[-1] == "期限届满日：2025年5月6日（星期二）（当日二十四时止）。"


def test_explain_in_english_shows_pause_and_no_roll(rulebook, calendar):
    result = due_of(
        rulebook, calendar, "NFRA-18-BASE", D(2025, 6, 3), pauses=[(D(2025, 6, 6), D(2025, 6, 15))]
    )
    lines = explain(result, "en")
    assert "15 days after Tue 2025-06-03 is Wed 2025-06-18." in lines
    assert any(
        line.startswith("Fri 2025-06-06 to Sun 2025-06-15 is not counted (9 days)")
        for line in lines
    )
    assert lines[-1] == "Due: Fri 2025-06-27 (until 24:00 that day)."


def test_explain_unverified_in_both_languages(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2026, 12, 20))
    zh = explain(result, "zh")
    en = explain(result, "en")
    assert "2027年国务院节假日安排尚未公布" in zh[-1] and "2027年1月19日" in zh[-1]
    assert "2027" in en[-1] and "Tue 2027-01-19 (provisional)" in en[-1]
    assert not any(line.startswith("Due:") for line in en)


def test_explain_working_days_and_month_end(rulebook, calendar):
    work = explain(due_of(rulebook, calendar, "NFRA-33", D(2025, 9, 26)), "en")
    assert "The 7th working day after Fri 2025-09-26 is Mon 2025-10-13" in work[1]
    month = explain(due_of(rulebook, calendar, "PMW-33", D(2025, 3, 31)), "zh")
    assert any("到期月没有对应日，以月末日2025年4月30日" in line for line in month)
    assert any("工作目标" in line for line in month)  # a soft target


def test_steps_carry_codes_and_dates_for_the_web_layer(rulebook, calendar):
    result = due_of(rulebook, calendar, "CPL-205", D(2025, 4, 5))
    assert [s.code for s in result.steps] == ["start", "count_days", "roll", "due"]
    assert result.steps[2].params == {
        "from": D(2025, 5, 5),
        "to": D(2025, 5, 6),
        "days": 1,
        "provisional": False,
    }


# -- speed -------------------------------------------------------------------------------


def test_mixed_computations_are_fast():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "deadlines.py"
    spec = importlib.util.spec_from_file_location("deadline_benchmarks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    inputs = module.make_inputs(10_000)
    calendar = WorkCalendar()
    began = time.perf_counter()
    for rule, start, pauses, extension in inputs:
        compute_due(rule, start, calendar, pauses, extension)
    # The benchmark's target is 50,000/s; this only guards against gross regressions.
    assert time.perf_counter() - began < 2.0
