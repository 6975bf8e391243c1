"""The centre this installation serves, created on first upgrade."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.people.model import Centre


def ensure_centre(session: Session, config: Mapping) -> Centre:
    centre = session.scalar(select(Centre).where(Centre.code == config["CENTRE_CODE"]))
    if centre is None:
        centre = Centre(
            code=config["CENTRE_CODE"],
            name=config["CENTRE_NAME"],
            rule_set=config["RULE_SET"],
            warning_days=int(config["WARNING_DAYS"]),
        )
        session.add(centre)
        session.flush()
    return centre
