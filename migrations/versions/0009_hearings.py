"""scheduled mediation sessions (on site, circuit, remote)

Revision ID: 0009_hearings
Revises: 0008_performance_disclosure
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_hearings"
down_revision = "0008_performance_disclosure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
