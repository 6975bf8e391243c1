"""settlement packets, courts, court clerks, submissions and rulings

Revision ID: 0007_packets_court
Revises: 0006_agreements
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_packets_court"
down_revision = "0006_agreements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
