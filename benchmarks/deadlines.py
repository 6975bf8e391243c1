"""Deadline engine benchmarks: due dates per second and the 1M-case due/overdue scan.

    python -m benchmarks.deadlines [--compute-n N] [--scan-n N] [--pg-url URL]

`bench_compute` measures pure due-date computations per second on one core over a mix of
rules like the one a centre's open cases carry, next to a baseline loop of plain date
arithmetic measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from datetime import date, timedelta

from mediation.deadlines.calendar import WorkCalendar, default_calendar
from mediation.deadlines.counting import compute_due
from mediation.deadlines.rules import Rule, load_rulebook

TARGET_PER_SECOND = 50_000

# (rule id, weight, share of cases with a pause). The weights stand for a centre's open
# clocks: mostly mediation periods and judicial-confirmation windows, then bank complaint
# handling, acceptance promises and a few court and enforcement periods.
MIX: tuple[tuple[str, int, float], ...] = (
    ("OLM-24-PRE", 20, 0.2),  # days + roll, appraisal pauses
    ("CPL-205", 20, 0.0),  # days + roll
    ("NFRA-18-BASE", 15, 0.3),  # days, no roll, appraisal / mediation pauses
    ("CENTRE-ACCEPT", 15, 0.0),  # working days
    ("NFRA-33", 5, 0.0),  # working days
    ("JC-2011-5", 8, 0.0),  # days + roll
    ("PMW-33", 7, 0.0),  # months + roll
    ("CPL-152", 5, 0.3),  # months + roll, pauses
    ("CPL-250", 5, 0.0),  # years + roll
)


def make_inputs(
    n: int, seed: int = 20261122
) -> list[tuple[Rule, date, list[tuple[date, date]], int]]:
    """n (rule, start, pauses, extension_days) with starts spread over 2025-2026."""
    rng = random.Random(seed)
    book = load_rulebook()
    rules = [(book.get(rule_id), weight, paused) for rule_id, weight, paused in MIX]
    population = [(rule, paused) for rule, weight, paused in rules for _ in range(weight)]
    first = date(2025, 1, 1)
    span = (date(2026, 11, 30) - first).days
    inputs = []
    for _ in range(n):
        rule, paused = rng.choice(population)
        start = first + timedelta(days=rng.randrange(span))
        pauses: list[tuple[date, date]] = []
        if rng.random() < paused:
            begin = start + timedelta(days=rng.randrange(1, 8))
            pauses.append((begin, begin + timedelta(days=rng.randrange(1, 15))))
        extension = 10 if rule.id == "JC-2011-5" and rng.random() < 0.2 else 0
        inputs.append((rule, start, pauses, extension))
    return inputs


def bench_compute(n: int, calendar: WorkCalendar | None = None, seed: int = 20261122) -> float:
    """Compute n due dates; print and return computations per second."""
    calendar = calendar or default_calendar()
    inputs = make_inputs(n, seed)
    offsets = [timedelta(days=rule.count.n if rule.count else 0) for rule, *_ in inputs]
    starts = [start for _, start, _, _ in inputs]

    began = time.perf_counter()
    for start, offset in zip(starts, offsets, strict=True):
        start + offset
    baseline = n / (time.perf_counter() - began)

    unverified = 0
    began = time.perf_counter()
    for rule, start, pauses, extension in inputs:
        if not compute_due(rule, start, calendar, pauses, extension).verified:
            unverified += 1
    elapsed = time.perf_counter() - began
    rate = n / elapsed
    verdict = "ok" if rate >= TARGET_PER_SECOND else f"BELOW the {TARGET_PER_SECOND}/s target"
    print(
        f"compute: {rate:,.0f} due dates/s (baseline timedelta: {baseline:,.0f} /s; "
        f"{n} computations in {elapsed:.2f} s, {unverified} unverified; {verdict})"
    )
    return rate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compute-n", type=int, default=200_000, help="due dates to compute")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument(
        "--scan-n", type=int, default=1_000_000, help="open cases for the scan (0: skip)"
    )
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://root@127.0.0.1:5432/test",
        help="PostgreSQL for the scan benchmark ('' to skip)",
    )
    args = parser.parse_args(argv)
    bench_compute(args.compute_n, seed=args.seed)
    if args.scan_n:
        from benchmarks.scan import run as bench_scan

        bench_scan(args.scan_n, args.pg_url or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
