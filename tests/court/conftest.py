"""A real signed case with a real settlement packet (built by mediation/packets, signed by
the centre's packet CA), a court that registered that CA as its trust anchor, its clerk
and service account, and a second court with its own clerk."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache

import pytest

from tests.conftest import Api, case_payload

SIGNED_ON = date(2026, 3, 10)
RECEIVED_ON = date(2026, 3, 16)  # a Monday


@cache
def agreement_pdf(number: str) -> bytes:
    from weasyprint import HTML

    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
        f"<h1>人民调解协议书</h1><p>案件编号：{number}</p>"
        "<p>被申请人于2026年4月30日前向申请人支付保险金人民币壹拾贰万元整。</p></body></html>"
    )
    return HTML(string=html).write_pdf()


@dataclass
class Court:
    code: str
    clerk: Api
    clerk_user: str
    service: Api


@dataclass
class Setup:
    number: str
    packet_zip: bytes
    packet_id: int
    mediator: Api
    court: Court
    other: Court


def _make_court(app, code: str, name: str, ca_pem: str | None) -> Court:
    from mediation.court import service
    from mediation.db import session_scope
    from mediation.people.model import Centre

    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        centre = s.query(Centre).filter_by(code=app.config["CENTRE_CODE"]).one()
        court = service.register_court(s, centre, code, name, trust_anchor_pem=ca_pem)
        _, clerk_token = service.add_court_user(
            s, court, f"clerk-{code}", f"书记员{code}", password="pw-long-enough"
        )
        _, service_token = service.add_court_user(
            s, court, f"svc-{code}", f"{name}系统", service_account=True
        )
    client = app.test_client()
    return Court(code, Api(client, clerk_token), f"clerk-{code}", Api(client, service_token))


def signed_case(app, mediator_api) -> tuple[str, bytes, int]:
    """A case taken to 签约 with its agreement PDF on the ledger, and a packet built for it."""
    from mediation.cases import operations
    from mediation.cases.model import Case, Stage
    from mediation.cases.service import deadline_context
    from mediation.db import session_scope
    from mediation.evidence.service import add_evidence
    from mediation.packets.build import PacketContext
    from mediation.packets.service import export_packet
    from mediation.people.model import Centre, User

    created = mediator_api.post("/api/cases", json=case_payload())
    assert created.status_code == 201, created.get_data(as_text=True)
    number = created.get_json()["number"]
    ctx = PacketContext.from_app(app)
    with app.app_context(), session_scope(app.extensions["mediation.sessionmaker"]) as s:
        mediator = s.query(User).filter_by(username="mediator1").one()
        centre = s.query(Centre).filter_by(code=app.config["CENTRE_CODE"]).one()
        case = s.query(Case).filter_by(number=number).one()
        dctx = deadline_context(s, centre, RECEIVED_ON)
        for target, day in (
            (Stage.ACCEPTED, date(2026, 3, 3)),
            (Stage.MEDIATION, date(2026, 3, 4)),
        ):
            operations.transition(s, case, mediator, target, dctx, on_date=day)
        pdf = agreement_pdf(number)
        add_evidence(s, case, mediator, io.BytesIO(pdf), "调解协议书.pdf", ctx.evidence_store)
        operations.transition(s, case, mediator, Stage.SIGNED, dctx, on_date=SIGNED_ON)
        row = export_packet(s, case, "settlement", mediator, agreement_pdf=pdf, context=ctx)
        packet_id = row.id
        with ctx.packet_store.open(row.blob_key) as fh:
            data = fh.read()
    return number, data, packet_id


@pytest.fixture
def court_setup(app, mediator_api, fixed_today) -> Setup:
    from mediation.packets.build import PacketContext

    fixed_today(RECEIVED_ON)
    number, data, packet_id = signed_case(app, mediator_api)
    ca_pem = PacketContext.from_app(app).packet_signer.ca_pem.decode()
    court = _make_court(app, "J001", "示范区人民法院", ca_pem)
    other = _make_court(app, "J002", "邻区人民法院", ca_pem)
    return Setup(number, data, packet_id, mediator_api, court, other)


def tamper(zip_bytes: bytes, member_suffix: str, change=lambda b: b + b"\n") -> bytes:
    """The same zip with one member's bytes changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as src, zipfile.ZipFile(out, "w") as dst:
        hit = False
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(member_suffix) and not hit:
                data = change(data)
                hit = True
            dst.writestr(info, data)
    assert hit, member_suffix
    return out.getvalue()


def post_packet(api: Api, data: bytes, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return api.client.post(
        "/api/court/packets" + (f"?{qs}" if qs else ""),
        data={"packet": (io.BytesIO(data), "packet.zip")},
        headers=api.headers,
        content_type="multipart/form-data",
    )
