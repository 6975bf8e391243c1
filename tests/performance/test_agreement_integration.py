"""Through the real agreement: signed by everyone, the schedule derived from its clauses,
a missed instalment producing a stored enforcement-application packet that the claimant
downloads and that verifies with the standard tools."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.agreements.conftest import TODAY, issued, sign_as, signing  # noqa: F401


def _scan(app, day: date):
    from mediation.db import session_scope
    from mediation.performance.service import scan

    with app.app_context(), session_scope(app.extensions["mediation.sessionmaker"]) as session:
        return scan(session, day)


def _effective(s):
    for role in ("claimant", "respondent", "mediator"):
        r = sign_as(s, role)
        assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "effective"


def test_schedule_from_the_effective_agreement_and_an_enforcement_packet(issued):  # noqa: F811
    s = issued
    r = s.mediator.post(
        f"/api/cases/{s.number}/performance/schedule", json={"from_agreement": True}
    )
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "performance.wrong_stage"
    _effective(s)
    r = s.mediator.post(
        f"/api/cases/{s.number}/performance/schedule", json={"from_agreement": True}
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert [(i["due_on"], i["amount"], i["payer"]) for i in body["instalments"]] == [
        ("2026-05-01", "12000.00", "respondent"),
        ("2026-06-01", "1000.00", "respondent"),
        ("2026-07-01", "2000.00", "respondent"),
    ]
    assert body["schedule"]["source"].startswith("agreement:")
    # Deriving again changes nothing.
    again = s.mediator.post(
        f"/api/cases/{s.number}/performance/schedule", json={"from_agreement": True}
    ).get_json()
    assert again["schedule"]["id"] == body["schedule"]["id"]
    # Two years from the last due date to apply for enforcement (CPL Art 250).
    assert body["enforcement_due"] == "2028-07-01" or body["enforcement_due"] is None

    result = _scan(s.app, date(2026, 5, 2))
    assert result.alerts == 1 and result.packets == 1, result.packet_errors
    perf = s.claimant.get(f"/api/cases/{s.number}/performance").get_json()
    (alert,) = perf["alerts"]
    assert alert["packet_ready"] and len(alert["packet_sha256"]) == 64
    # The claimant downloads it; the institution may not.
    url = f"/api/cases/{s.number}/performance/alerts/{alert['id']}/packet"
    assert s.institution.get(url).status_code == 403
    r = s.claimant.get(url)
    assert r.status_code == 200 and r.headers["X-Content-SHA256"] == alert["packet_sha256"]
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        names = zf.namelist()
        packet_json = next(n for n in names if n.endswith("packet.json"))
        meta = json.loads(zf.read(packet_json))
        assert "bagit.txt" in {n.rsplit("/", 1)[-1] for n in names}
    text = json.dumps(meta, ensure_ascii=False)
    assert "enforcement" in text and "missed_instalments" in text and "12000.00" in text
    # A second scan builds nothing new.
    assert _scan(s.app, date(2026, 5, 3)).packets == 0


def test_the_daily_scan_derives_the_schedule_of_an_agreement_in_effect(issued):  # noqa: F811
    s = issued
    _effective(s)
    result = _scan(s.app, date(2026, 4, 15))
    assert result.schedules == 1
    perf = s.claimant.get(f"/api/cases/{s.number}/performance").get_json()
    assert len(perf["instalments"]) == 3
    assert _scan(s.app, date(2026, 4, 16)).schedules == 0
    events = s.mediator.get(f"/api/cases/{s.number}/events").get_json()["events"]
    assert [e["kind"] for e in events].count("schedule_set") == 1


def test_the_enforcement_packet_validates_with_bagit(issued, tmp_path):  # noqa: F811
    script = shutil.which("bagit.py") or str(Path(sys.executable).parent / "bagit.py")
    if not Path(script).exists():
        pytest.skip("bagit.py is not installed")
    s = issued
    _effective(s)
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"from_agreement": True})
    _scan(s.app, date(2026, 5, 2))
    alert = s.mediator.get(f"/api/cases/{s.number}/performance").get_json()["alerts"][0]
    r = s.mediator.get(f"/api/cases/{s.number}/performance/alerts/{alert['id']}/packet")
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        zf.extractall(tmp_path)
    bag = next(p.parent for p in tmp_path.rglob("bagit.txt"))
    done = subprocess.run(
        [sys.executable, script, "--validate", str(bag)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr + done.stdout
    # A changed file fails it, named.
    victim = next(p for p in (bag / "data").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"x")
    done = subprocess.run(
        [sys.executable, script, "--validate", str(bag)], capture_output=True, text=True
    )
    assert done.returncode != 0 and victim.name in done.stderr + done.stdout


assert TODAY == date(2026, 4, 14)
