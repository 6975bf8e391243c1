"""agreements: drafts from templates, signatures, verification codes, notifications

Revision ID: 0006_agreements
Revises: 0005_centre_operations
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_agreements"
down_revision = "0005_centre_operations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
