"""A real case for packets: registered through the API, taken to 签约 through the case
operations, with evidence files (one withdrawn), an agreement PDF rendered by WeasyPrint
whose hash is on the ledger; a local RFC 3161 TSA (`openssl ts -reply`)."""

from __future__ import annotations

import io
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from pathlib import Path

import pytest

from tests.conftest import case_payload

OPENSSL = shutil.which("openssl")
VENV_BIN = Path(sys.executable).parent
BAGIT = VENV_BIN / "bagit.py"

AGREEMENT_HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<style>body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"; }</style>
</head><body><h1>人民调解协议书</h1>
<p>案件编号：{number}</p>
<p>经调解，双方自愿达成如下协议：被申请人于2026年12月31日前向申请人支付人民币叁万元整。</p>
</body></html>"""


@dataclass
class PacketCase:
    case_id: int
    number: str
    mediator_id: int
    agreement_pdf: bytes
    agreement_seq: int
    evidence: dict[str, bytes]  # current file name -> bytes
    withdrawn: str


def render_agreement(number: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=AGREEMENT_HTML.replace("{number}", number)).write_pdf(pdf_variant="pdf/a-3b")


@pytest.fixture
def packet_case(app, make_user, mediator_api) -> PacketCase:
    from mediation.cases import operations
    from mediation.cases.model import Case, Stage
    from mediation.cases.service import deadline_context
    from mediation.db import session_scope
    from mediation.evidence.ledger import append_entry
    from mediation.evidence.service import _record_blob, add_evidence, withdraw_evidence
    from mediation.packets.build import PacketContext
    from mediation.people.model import Centre, User

    created = mediator_api.post("/api/cases", json=case_payload())
    assert created.status_code == 201, created.get_data(as_text=True)
    number = created.get_json()["number"]
    ctx = PacketContext.from_app(app)
    files = {
        "借款合同.pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n",
        "还款记录 2026年.txt": "2026-01-05 还款 1000.00 元\n2026-02-05 还款 1000.00 元\n".encode(),
        "录音说明.txt": "通话录音的文字说明。\n".encode(),
    }
    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        mediator = s.query(User).filter_by(username="mediator1").one()
        centre = s.query(Centre).filter_by(code=app.config["CENTRE_CODE"]).one()
        case = s.query(Case).filter_by(number=number).one()
        today = date(2026, 3, 3)
        dctx = deadline_context(s, centre, today)
        for target in (Stage.ACCEPTED, Stage.MEDIATION):
            operations.transition(s, case, mediator, target, dctx, on_date=today)
        for name, data in files.items():
            add_evidence(s, case, mediator, io.BytesIO(data), name, ctx.evidence_store)
        wrong = add_evidence(
            s,
            case,
            mediator,
            io.BytesIO(b"superseded statement\n"),
            "旧说明.txt",
            ctx.evidence_store,
        )
        withdraw_evidence(s, wrong, mediator, "上传有误")
        pdf = render_agreement(number)
        stored = ctx.evidence_store.put(io.BytesIO(pdf))
        _record_blob(s, stored)
        entry = append_entry(
            s,
            case.id,
            "agreement.executed",
            mediator.id,
            {"sha256": stored.sha256, "size": stored.size},
            file_sha256=stored.sha256,
        )
        operations.transition(s, case, mediator, Stage.SIGNED, dctx, on_date=today)
        assert sha256(pdf).hexdigest() == stored.sha256
        return PacketCase(case.id, number, mediator.id, pdf, entry.seq, files, "旧说明.txt")
