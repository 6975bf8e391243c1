"""The agreement PDF: PDF/A-3b, Noto CJK fonts embedded, and `pdftotext` gives back exactly
the agreement's words (whitespace aside); the executed PDF adds the signature page and seal."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime

import pytest

from mediation.agreements import render
from mediation.agreements.templates import validate_clauses

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")), reason="poppler-utils missing"
)

DOC = render.AgreementDoc(
    centre_name="示范县金融纠纷调解中心",
    case_number="2026-0007",
    dispute_zh="理财",
    received_on="2026-03-02",
    version=2,
    parties=(
        render.PartyLine(
            "claimant", "person", "王秀英", "410102195203041234", "示范县城关镇幸福路1号"
        ),
        render.PartyLine(
            "respondent", "institution", "某银行股份有限公司示范县支行", agent_name="刘专员"
        ),
    ),
    clauses=tuple(
        validate_clauses(
            [
                {
                    "template": "refund",
                    "fields": {"amount": "88000", "pay_by": "2026-05-01", "product": "“稳盈”理财"},
                },
                {
                    "template": "waiver",
                    "fields": {
                        "contract": "JK2020-001",
                        "penalty": "321.5",
                        "done_by": "2026-05-10",
                    },
                },
                {
                    "template": "instalments",
                    "fields": {
                        "total": "2000",
                        "instalments": "2026-06-01 1000\n2026-07-01 1000",
                        "account": "6222 0000 1111 2222",
                    },
                },
                {"template": "apology", "fields": {"manner": "in_person", "by": "2026-04-30"}},
                {"template": "withdrawal", "fields": {"within_days": "10"}},
            ]
        )
    ),
    mediator_name="李调解",
)


def _strip(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _tool(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def issued_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "agreement.pdf"
    path.write_bytes(render.render_pdf(DOC, {"clauses": list(DOC.clauses)}))
    return path


def test_pdftotext_returns_the_agreement_text(issued_pdf):
    extracted = _tool("pdftotext", "-enc", "UTF-8", str(issued_pdf), "-")
    assert _strip(extracted) == _strip(render.agreement_text(DOC))
    assert "人民币88000.00元（大写：捌万捌仟元整）" in _strip(extracted)


def test_fonts_are_embedded_noto_cjk(issued_pdf):
    out = _tool("pdffonts", str(issued_pdf))
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    assert any("Noto-Serif-CJK-SC" in r[0] for r in rows), out
    for r in rows:
        # name type... encoding emb sub uni object-id: every font embedded, with ToUnicode.
        emb, uni = r[-5], r[-3]
        assert (emb, uni) == ("yes", "yes"), out


def test_pdf_a3b_markers_and_attached_terms(issued_pdf):
    from pypdf import PdfReader

    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--check", str(issued_pdf)], check=True, capture_output=True)
    reader = PdfReader(str(issued_pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]{1,3}3", xmp), xmp
    assert re.search(r"pdfaid:conformance[^A-Z]{1,3}B", xmp), xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    attachments = reader.attachments
    assert "agreement-terms.json" in attachments
    assert "JK2020-001" in attachments["agreement-terms.json"][0].decode()


def test_executed_pdf_has_the_signature_page_and_seal(tmp_path):
    sha = "0123456789abcdef" * 4
    lines = [
        render.SignatureLine("claimant", "王秀英", datetime(2026, 4, 14, 2, 0, 5), "sms_code", sha),
        render.SignatureLine("mediator", "李调解", datetime(2026, 4, 14, 3, 0, 0), "sms_code", sha),
    ]
    path = tmp_path / "executed.pdf"
    path.write_bytes(
        render.render_executed_pdf(
            DOC,
            {},
            lines,
            signed_sha256=sha,
            effective_on="2026-04-14",
            seal_uri=render.seal_data_uri(DOC.centre_name),
        )
    )
    text = _strip(_tool("pdftotext", "-enc", "UTF-8", str(path), "-"))
    assert _strip(render.agreement_text(DOC)) in text
    assert "签署页" in text and sha in text
    assert "10:00:05" in text and "02:00:05" not in text  # UTC 02:00:05 is 10:00:05 in Beijing
    assert "本协议于2026年4月14日经最后一方签署而生效" in text
    # The seal is drawn (an image or vector content) and named.
    assert "示范县金融纠纷调解中心（印章）" in text
    # Every font, the seal's lettering included, is embedded.
    fonts = _tool("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts if line.strip())


def test_generated_seal_names_the_centre():
    svg = render.seal_svg("示范县金融纠纷调解中心")
    assert svg.startswith("<svg") and "#d0021b" in svg
    assert all(ch in svg for ch in "示范县金融纠纷调解中心")
