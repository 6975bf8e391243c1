from __future__ import annotations

from pathlib import Path

import pytest

from mediation.deadlines.calendar import WorkCalendar, default_calendar
from mediation.deadlines.rules import RuleBook, load_rulebook

# The repository is checked out next to shared/ (shared/law holds the researched rules,
# the law texts and the worked examples).
SHARED_LAW = Path(__file__).resolve().parents[3] / "shared" / "law"


@pytest.fixture(scope="session")
def rulebook() -> RuleBook:
    return load_rulebook()


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return default_calendar()


@pytest.fixture(scope="session")
def law_texts() -> Path:
    texts = SHARED_LAW / "texts"
    if not texts.is_dir():
        pytest.skip(f"law texts not found at {texts}")
    return texts
