"""Signing in person at the centre: a party without a portal account signs the paper
agreement; the mediator records who signed, the identity document checked (masked, salted
hash), when, and the scan of the signed page (evidence, on the ledger), confirmed by a code
texted to the party's phone where one is on file. Nobody signs for a party that has an
account; only the case's mediator records; the last signature still makes it take effect."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from tests.agreements.conftest import CLAUSES, TODAY, forget_rate_limit, sign_as
from tests.conftest import Api

ID_NUMBER = "410102195203041234"


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _claimant_party(s) -> int:
    from mediation.cases.model import Party, PartyRole

    with s.app.extensions["mediation.engine"].begin() as conn:
        return conn.execute(
            select(Party.id).where(Party.case_id == s.case_id, Party.role == PartyRole.CLAIMANT)
        ).scalar_one()


def _no_account(s, *, phone: str | None = "13812345678") -> int:
    from mediation.cases.model import Party, PartyRole

    with s.app.extensions["mediation.engine"].begin() as conn:
        conn.execute(
            update(Party)
            .where(Party.case_id == s.case_id, Party.role == PartyRole.CLAIMANT)
            .values(user_id=None, phone=phone)
        )
    return _claimant_party(s)


def _issue(s):
    r = s.mediator.post(f"/api/cases/{s.number}/agreement", json={"clauses": CLAUSES})
    assert r.status_code == 201, r.get_json()
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/issue", json={})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _code_for(s) -> str:
    from mediation.notify.sender import recent_notices

    return recent_notices(key="notify.code.agreement.sign_in_person")[-1]["code"]


def _record(api: Api, number: str, party: int, *, code=None, scan=None, **extra):
    import io

    data = {
        "party": str(party),
        "signatory_name": "王秀英",
        "id_document": ID_NUMBER,
        "scan": (io.BytesIO(scan if scan is not None else png_bytes()), "signed-page.png"),
        **extra,
    }
    if code is not None:
        data["code"] = code
    return api.post(
        f"/api/cases/{number}/agreement/in-person",
        data=data,
        content_type="multipart/form-data",
    )


def _ledger(app, case_id: int) -> list[dict]:
    from mediation.evidence.model import LedgerEntry

    with app.extensions["mediation.sessionmaker"]() as s:
        rows = s.scalars(
            select(LedgerEntry).where(LedgerEntry.case_id == case_id).order_by(LedgerEntry.seq)
        ).all()
        return [
            {"type": r.entry_type, "file": r.file_sha256, **json.loads(r.body)["payload"]}
            for r in rows
        ]


@pytest.fixture
def paper(signing):
    """An issued agreement whose claimant has no account but a phone on file."""
    party = _no_account(signing)
    body = _issue(signing)
    assert body["in_person_slots"] == [
        {
            "role": "claimant",
            "party": party,
            "party_name": "王秀英",
            "code_required": True,
            "phone_masked": "138****5678",
        }
    ]
    signing.party = party
    return signing


def test_issue_no_longer_needs_a_claimant_account_and_the_party_signs_in_person(paper, app):
    import hashlib

    s = paper
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/in-person/code", json={"party": s.party})
    assert r.status_code == 200, r.get_json()
    from mediation.notify.sender import recent_notices

    sent = recent_notices(key="notify.code.agreement.sign_in_person")[-1]
    # Texted to the party's phone, in Chinese, naming the case.
    assert sent["notice"].phone == "13812345678"
    assert s.number in sent["text"] and "验证码" in sent["text"]
    scan = png_bytes(3, 3)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    local = now.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    r = _record(s.mediator, s.number, s.party, code=_code_for(s), scan=scan, signed_at=local)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    claimant = next(x for x in body["signers"] if x["role"] == "claimant")
    assert claimant["signed"] and claimant["method"] == "in_person_code"
    assert claimant["in_person"]["signatory"] == "王秀英"
    assert claimant["in_person"]["id_document"] == "4101**********1234"
    assert claimant["in_person"]["paper_sha256"] == hashlib.sha256(scan).hexdigest()
    assert claimant["signed_at"] == now.strftime("%Y-%m-%dT%H:%M:00Z")  # stored as UTC
    assert body["in_person_slots"] == [] and body["status"] == "issued"

    # The other two sign online; the last signature makes it take effect as before.
    assert sign_as(s, "respondent").status_code == 200
    r = sign_as(s, "mediator")
    assert r.status_code == 200 and r.get_json()["status"] == "effective"
    assert r.get_json()["effective_on"] == TODAY.isoformat()
    case = s.mediator.get(f"/api/cases/{s.number}").get_json()
    assert case["stage"] == "signed"

    # The executed PDF's signature page says how the claimant signed.
    pdf = s.mediator.get(f"/api/cases/{s.number}/agreement/executed.pdf").data
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "调解员核验身份证件，并经预留手机短信验证码确认" in re.sub(r"\s", "", text)

    # The scan is case evidence with its hash on the ledger; the signature entry names it.
    entries = _ledger(app, s.case_id)
    added = [e for e in entries if e["type"] == "evidence.added"]
    assert [e["file"] for e in added] == [hashlib.sha256(scan).hexdigest()]
    assert added[0]["channel"] == "in_person_signing"
    signed = [e for e in entries if e["type"] == "agreement.signed"]
    paper_entry = next(e for e in signed if e.get("in_person"))
    assert paper_entry["method"] == "in_person_code"
    assert paper_entry["paper_sha256"] == hashlib.sha256(scan).hexdigest()
    assert paper_entry["party"] == s.party
    # No ID number, name or phone on the ledger; the row keeps only masked + salted hash.
    everything = json.dumps(entries, ensure_ascii=False)
    assert ID_NUMBER not in everything and "王秀英" not in everything
    assert "13812345678" not in everything
    from mediation.agreements.model import AgreementSignature
    from mediation.agreements.service import document_matches

    with app.extensions["mediation.sessionmaker"]() as db:
        row = db.scalars(
            select(AgreementSignature).where(AgreementSignature.paper_sha256.is_not(None))
        ).one()
        assert row.signer_id == s.mediator_id and row.code_id is not None
        assert ID_NUMBER not in row.id_document_hash
        assert document_matches(row.id_document_hash, ID_NUMBER)
        assert not document_matches(row.id_document_hash, "410102195203049999")

    result = app.test_cli_runner().invoke(args=["verify", "--case", s.number, "--workers", "1"])
    assert result.exit_code == 0, result.output


def test_without_a_phone_on_file_the_paper_and_document_stand_alone(signing):
    s = signing
    party = _no_account(s, phone=None)
    body = _issue(s)
    assert body["in_person_slots"][0]["code_required"] is False
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/in-person/code", json={"party": party})
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "agreements.no_phone_on_file"
    r = _record(s.mediator, s.number, party)
    assert r.status_code == 200, r.get_json()
    claimant = next(x for x in r.get_json()["signers"] if x["role"] == "claimant")
    assert claimant["method"] == "in_person_paper"
    # Once signed, a second record of the same party is refused.
    r = _record(s.mediator, s.number, party)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "agreements.party_already_signed"


def test_nobody_signs_for_a_party_that_has_an_account(issued):
    """The claimant and the institution's respondent sign themselves."""
    from mediation.cases.model import Party, PartyRole

    s = issued
    with s.app.extensions["mediation.engine"].begin() as conn:
        parties = dict(
            conn.execute(select(Party.role, Party.id).where(Party.case_id == s.case_id)).all()
        )
    body = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert body["in_person_slots"] == []
    for role in (PartyRole.CLAIMANT, PartyRole.RESPONDENT):
        r = _record(s.mediator, s.number, parties[role])
        assert r.status_code == 403, r.get_json()
        assert r.get_json()["error"]["code"] == "agreements.party_has_account"
        r = s.mediator.post(
            f"/api/cases/{s.number}/agreement/in-person/code", json={"party": parties[role]}
        )
        assert r.status_code == 403
    signers = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert not any(x["signed"] for x in signers["signers"])


def test_only_the_cases_mediator_records_and_checks_come_before_the_body(paper, make_user):
    s = paper
    _, admin = make_user("admin-x", "admin")
    _, auditor = make_user("auditor-x", "auditor")
    _, court = make_user("court-x", "court")
    _, other_claimant = make_user("claimant-x", "claimant")
    for token in (admin, auditor, court, other_claimant):
        api = Api(s.app.test_client(), token)
        r = _record(api, s.number, s.party)
        assert r.status_code == 403, (token, r.get_json())
        r = api.post(f"/api/cases/{s.number}/agreement/in-person/code", json={"party": s.party})
        assert r.status_code == 403
    # The institution can see the case but cannot record for the claimant.
    assert _record(s.institution, s.number, s.party).status_code == 403
    # Another mediator, once the case has its own mediator, is refused too.
    from mediation.cases.model import Case

    with s.app.extensions["mediation.engine"].begin() as conn:
        conn.execute(update(Case).where(Case.id == s.case_id).values(mediator_id=s.mediator_id))
    _, other = make_user("med-other", "mediator")
    r = _record(Api(s.app.test_client(), other), s.number, s.party)
    assert r.status_code == 403
    assert r.get_json()["error"]["code"] == "agreements.not_recorder"
    # A body that is not even a form does not matter: refused first.
    r = Api(s.app.test_client(), other).post(
        f"/api/cases/{s.number}/agreement/in-person", data=b"\x00" * 10
    )
    assert r.status_code == 403
    body = s.mediator.get(f"/api/cases/{s.number}/agreement").get_json()["agreement"]
    assert not any(x["signed"] for x in body["signers"])


def test_wrong_code_bad_scan_and_bad_time_are_refused_and_nothing_is_recorded(paper, app):
    s = paper
    r = s.mediator.post(f"/api/cases/{s.number}/agreement/in-person/code", json={"party": s.party})
    assert r.status_code == 200
    code = _code_for(s)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    r = _record(s.mediator, s.number, s.party, code=wrong)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "notify.code_wrong"
    r = _record(s.mediator, s.number, s.party)  # no code although a phone is on file
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "notify.code_format"
    r = _record(s.mediator, s.number, s.party, code=code, scan=b"just some text, not a scan")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "agreements.bad_scan"
    r = _record(s.mediator, s.number, s.party, code=code, signed_at="2099-01-01T10:00")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "agreements.bad_signed_at"
    r = _record(s.mediator, s.number, s.party, code=code, id_document="12")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "agreements.bad_id_document"
    assert _ledger(app, s.case_id)[-1]["type"] != "agreement.signed"
    assert not [e for e in _ledger(app, s.case_id) if e["type"] == "evidence.added"]
    # The right code still works after all that.
    forget_rate_limit(app, s.mediator_id)
    r = _record(s.mediator, s.number, s.party, code=code)
    assert r.status_code == 200, r.get_json()


def test_the_editor_page_records_an_in_person_signature(paper, app):
    import io

    from tests.conftest import sign_in

    s = paper
    client = app.test_client()
    sign_in(client, "med-a", "pw-" + "x" * 8)
    page = client.get(f"/cases/{s.number}/agreement")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'id="in-person"' in html and "现场签署登记" in html and "138****5678" in html
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    r = client.post(
        f"/cases/{s.number}/agreement/in-person/code",
        data={"csrf_token": token, "party": str(s.party)},
    )
    assert r.status_code == 302
    r = client.post(
        f"/cases/{s.number}/agreement/in-person",
        data={
            "csrf_token": token,
            "party": str(s.party),
            "signatory_name": "王秀英",
            "id_document": ID_NUMBER,
            "code": _code_for(s),
            "scan": (io.BytesIO(png_bytes()), "page.png"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = r.data.decode()
    assert "已登记现场签署" in html
    assert "现场签署：王秀英（证件 4101**********1234）" in html
    assert 'id="in-person"' not in html  # nothing left to record
    # Without the CSRF token the form is refused.
    r = client.post(f"/cases/{s.number}/agreement/in-person", data={"party": str(s.party)})
    assert r.status_code in (400, 403)
    # English labels too.
    page = client.get(f"/cases/{s.number}/agreement?lang=en").data.decode()
    assert "In person at the centre, confirmed by a texted code" in page


def test_the_issued_text_says_who_signs_in_person(paper):
    text = paper.mediator.get(f"/api/cases/{paper.number}/agreement").get_json()["agreement"][
        "text"
    ]
    assert "（现场签署）" in text and "现场签署由调解员核验身份证件" in text


def test_an_all_online_text_says_online(issued):
    text = issued.mediator.get(f"/api/cases/{issued.number}/agreement").get_json()["agreement"][
        "text"
    ]
    assert "现场签署" not in text and "（在线签署）" in text
