"""performance of agreements (payment schedules, payments, alerts) and public disclosure

Revision ID: 0008_performance_disclosure
Revises: 0007_packets_court
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_performance_disclosure"
down_revision = "0007_packets_court"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
