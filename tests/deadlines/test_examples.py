"""The worked examples of shared/law/examples*.yaml (and any files named in the
MEDIATION_LAW_EXAMPLES environment variable, separated by os.pathsep), run through the
engine on the package calendar."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from mediation.deadlines.calendar import WorkCalendar
from mediation.deadlines.counting import compute_due, explain
from mediation.deadlines.rules import RuleBook

from .conftest import SHARED_LAW

UNVERIFIED = "CALENDAR_UNVERIFIED"
KNOWN_INPUTS = {"pauses", "extension_days", "extension_months", "restart_on"}


def _example_files() -> list[Path]:
    files = sorted(SHARED_LAW.glob("examples*.yaml")) if SHARED_LAW.is_dir() else []
    for name in os.environ.get("MEDIATION_LAW_EXAMPLES", "").split(os.pathsep):
        if name.strip():
            files.append(Path(name.strip()))
    return list(dict.fromkeys(files))


def _params() -> list[Any]:
    params = []
    for path in _example_files():
        try:
            with path.open(encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError) as exc:
            # A file named explicitly must be readable: report it as a failing test.
            params.append(
                pytest.param(path, {"error": str(exc)}, None, id=f"{path.name}:unreadable")
            )
            continue
        for index, example in enumerate(data.get("examples") or []):
            example_id = example.get("id", f"#{index}")
            params.append(
                pytest.param(
                    path, data, example, id=f"{path.stem}:{example_id}:{example.get('rule')}"
                )
            )
    if not params:
        searched = f"{SHARED_LAW}/examples*.yaml and $MEDIATION_LAW_EXAMPLES"
        params.append(
            pytest.param(
                None,
                None,
                None,
                marks=pytest.mark.skip(reason=f"no worked examples found ({searched})"),
            )
        )
    return params


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@pytest.mark.parametrize(("path", "data", "example"), _params())
def test_worked_example(
    path: Path,
    data: dict[str, Any],
    example: dict[str, Any],
    rulebook: RuleBook,
    calendar: WorkCalendar,
) -> None:
    if example is None:
        pytest.fail(f"cannot read worked examples from {path}: {data['error']}")
    for year in data.get("calendar_verified_years") or []:
        assert calendar.is_verified(year), f"{path.name} assumes a published calendar for {year}"
    inputs = example.get("inputs") or {}
    unknown = set(inputs) - KNOWN_INPUTS
    assert not unknown, f"example uses inputs the test does not know: {sorted(unknown)}"

    result = compute_due(
        rulebook.get(example["rule"]),
        _day(example["start"]),
        calendar,
        pauses=[(_day(a), _day(b)) for a, b in inputs.get("pauses") or []],
        extension_days=inputs.get("extension_days") or 0,
        restart_on=_day(inputs["restart_on"]) if inputs.get("restart_on") else None,
        extension_months=inputs.get("extension_months") or 0,
    )
    working = "\n  ".join(explain(result, "en"))
    context = f"{example.get('reasoning', '')}\nengine:\n  {working}"

    expected = example["expected_due"]
    if expected == UNVERIFIED:
        assert not result.verified and result.due is None, context
        if example.get("provisional_due") is not None:
            assert result.provisional_due == _day(example["provisional_due"]), context
    else:
        assert result.verified, context
        assert result.due == _day(expected), context


def test_without_example_files_a_single_test_skips_with_the_reason(monkeypatch, tmp_path):
    import sys

    module = sys.modules[__name__]
    monkeypatch.setattr(module, "SHARED_LAW", tmp_path)
    monkeypatch.delenv("MEDIATION_LAW_EXAMPLES", raising=False)
    (param,) = _params()
    (mark,) = param.marks
    assert mark.name == "skip"
    assert "no worked examples found" in mark.kwargs["reason"]
