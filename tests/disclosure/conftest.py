"""The performance tests' signed case (parties, accounts, pinned date) serves here too."""

from tests.performance.conftest import parties, pin_today, signed  # noqa: F401
