"""A real case for packets: registered through the API, taken to 签约 through the case
operations, with evidence files (one withdrawn), an agreement PDF rendered by WeasyPrint
whose hash is on the ledger; a local RFC 3161 TSA (`openssl ts -reply`)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


# --- a local time-stamping authority (EVIDENCE.md §3)

TSA_EXT = """\
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
"""

TSA_CNF = """\
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/tsaserial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args, cwd):
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def local_tsa(tmp_path_factory):
    """(URL, folder with ca.pem) of a TSA on 127.0.0.1 answering with `openssl ts -reply`."""
    if OPENSSL is None:
        print("\nSKIP: openssl not installed, no local TSA")
        pytest.skip("openssl not installed")
    d = tmp_path_factory.mktemp("tsa")
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key", cwd=d)
    _openssl(
        "req", "-new", "-x509", "-key", "ca.key", "-out", "ca.pem", "-days", "30",
        "-subj", "/CN=Test TSA Root", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d,
    )  # fmt: skip
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key", cwd=d)
    _openssl("req", "-new", "-key", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA", cwd=d)
    (d / "ext.cnf").write_text(TSA_EXT)
    _openssl(
        "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tsa.pem", "-days", "30", "-extfile", "ext.cnf", cwd=d,
    )  # fmt: skip
    (d / "tsaserial").write_text("01\n")
    (d / "tsa.cnf").write_text(TSA_CNF.format(dir=d))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                (d / "q.tsq").write_bytes(query)
                subprocess.run(
                    [OPENSSL, "ts", "-reply", "-config", str(d / "tsa.cnf"),
                     "-queryfile", "q.tsq", "-out", "r.tsr"],
                    cwd=d, check=True, capture_output=True,
                )  # fmt: skip
                reply = (d / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", d
    server.shutdown()
