"""The demo's court: the county court registered with the centre's packet CA as its trust
anchor, with the demo court user as its clerk."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from mediation.court import service
from mediation.court.model import Court
from mediation.people.model import Centre, User

DEMO_COURT = ("SFX-FY", "示范县人民法院", "示范县")


def ensure_demo_court(session: Session, centre: Centre, clerk: User, instance: Path) -> Court:
    code, name, region = DEMO_COURT
    ca_pem = None
    try:
        from mediation.packets.signing import PacketKeys

        ca_pem = PacketKeys(instance).ca_pem(centre.name).decode()
    except ImportError:  # the packets domain is not installed in this build
        pass
    court = service.register_court(
        session, centre, code, name, region=region, trust_anchor_pem=ca_pem
    )
    service.link_user(session, court, clerk)
    return court
