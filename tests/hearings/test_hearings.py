"""Mediation sessions through the case pages: scheduling (remote, on site, circuit) with the
mediator's clash check, notices to the parties, the join link (participants only, from 15
minutes before the start), reschedule/cancel with reasons, minutes; and the rating page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import Api, case_payload, sign_in

TZ = ZoneInfo("Asia/Shanghai")


def _csrf(client) -> str:
    page = client.get("/my")
    return re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()


def _tomorrow() -> str:
    return (datetime.now(TZ).date() + timedelta(days=1)).isoformat()


@pytest.fixture
def setting(app, make_user, mediator_api, session):
    """A case with a claimant account linked to its claimant party, an institution account
    for the respondent, and a signed-in mediator."""
    from mediation.cases.model import Party, PartyRole

    number = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    claimant_id, claimant_token = make_user("wang", "claimant", password="pw-long-enough")
    make_user(
        "bank",
        "institution",
        institution="某人寿保险股份有限公司示范中心支公司",
        password="pw-long-enough",
    )
    make_user("li", "mediator", password="pw-long-enough")
    party = session.scalar(
        select(Party).where(Party.role == PartyRole.CLAIMANT, Party.name == "王秀英")
    )
    party.user_id = claimant_id
    session.commit()

    def client(username):
        c = app.test_client()
        sign_in(c, username, "pw-long-enough")
        return c, _csrf(c)

    return {
        "number": number,
        "client": client,
        "claimant_api": Api(app.test_client(), claimant_token),
        "claimant_id": claimant_id,
    }


def _schedule(client, csrf, number, **form):
    data = {
        "csrf_token": csrf,
        "kind": "remote",
        "day": _tomorrow(),
        "starts": "09:30",
        "ends": "10:30",
    }
    data.update(form)
    return client.post(f"/cases/{number}/hearings", data=data, follow_redirects=True)


def _row(app, hearing_id):
    """The stored session (read in a transaction of its own: SQLite writers wait for it)."""
    from mediation.db import session_scope
    from mediation.hearings.model import Hearing

    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        return s.get(Hearing, hearing_id)


def _move(app, hearing_id, starts_at, ends_at=None):
    """Shift a session in time (UTC), as if the clock had moved on."""
    from mediation.db import session_scope
    from mediation.hearings.model import Hearing

    with session_scope(app.extensions["mediation.sessionmaker"]) as s:
        row = s.get(Hearing, hearing_id)
        row.starts_at = starts_at
        row.ends_at = ends_at or starts_at + timedelta(hours=1)


def _hearings(client, number):
    r = client.get(f"/api/cases/{number}/hearings")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["hearings"]


def test_remote_session_scheduled_noticed_and_joined_only_in_its_window(app, setting, session):
    from mediation.notify import recent_notices
    from mediation.notify.sender import clear_recent

    number = setting["number"]
    mediator, csrf = setting["client"]("li")
    clear_recent()  # the sender keeps a bounded list: start from an empty one
    page = _schedule(mediator, csrf, number, note="请带身份证和保单原件")
    assert "调解会议已安排" in page.get_data(as_text=True)

    (h,) = _hearings(mediator, number)
    assert h["kind"] == "remote" and h["status"] == "scheduled"
    day = datetime.fromisoformat(_tomorrow())
    assert h["when"].startswith(f"{day.year}年{day.month}月{day.day}日（星期")
    assert h["when"].endswith("上午9:30至上午10:30")
    assert h["mediator"] == "li" and h["join_state"] == "early" and h["join"] is None
    en = mediator.get(f"/api/cases/{number}/hearings?lang=en").get_json()["hearings"][0]
    assert en["when"] == f"{day:%A} {day.day} {day:%B %Y}, 9:30 am to 10:30 am"
    assert en["kind_label"] == "Remote (video)"
    row = _row(app, h["id"])
    assert len(row.room) >= 24  # unguessable: 18 random bytes
    # Stored in UTC: 09:30 in Shanghai is 01:30 UTC.
    assert row.starts_at.hour == 1 and row.starts_at.minute == 30
    assert row.room not in mediator.get(f"/api/cases/{number}/hearings").get_data(as_text=True)

    # The claimant got a text message; the event is on the case (and its ledger).
    sent = recent_notices(key="notify.hearing.scheduled")
    texts = [s["text"] for s in sent if s["notice"].phone == "13812345678"]
    assert texts and number in texts[0] and "上午9:30" in texts[0] and "在线视频" in texts[0]
    events = mediator.get(f"/api/cases/{number}/events").get_json()["events"]
    assert events[-1]["kind"] == "hearing_scheduled"

    # The claimant's portal: the session in plain words, the join button not yet.
    claimant, _ = setting["client"]("wang")
    portal = claimant.get(f"/cases/{number}").get_data(as_text=True)
    assert h["when"] in portal and "请带身份证和保单原件" in portal
    assert "视频调解室在开始前 15 分钟开放" in portal and f"/hearings/{h['id']}/join" not in portal
    assert claimant.get(f"/cases/{number}/hearings/{h['id']}/join").status_code == 409

    # Ten minutes before the start the room is open to participants.
    _move(app, h["id"], datetime.utcnow() + timedelta(minutes=10))
    portal = claimant.get(f"/cases/{number}").get_data(as_text=True)
    assert f"/cases/{number}/hearings/{h['id']}/join" in portal and "进入视频调解室" in portal
    joined = claimant.get(f"/cases/{number}/hearings/{h['id']}/join")
    assert joined.status_code == 302
    assert joined.headers["Location"] == f"https://meet.example.org/{row.room}"
    # The room address comes from configuration.
    app.config["VIDEO_ROOM_URL"] = "https://video.centre.example/r/{room}"
    joined = mediator.get(f"/cases/{number}/hearings/{h['id']}/join")
    assert joined.headers["Location"] == f"https://video.centre.example/r/{row.room}"
    # Once the session is over, the room is closed.
    _move(app, h["id"], datetime.utcnow() - timedelta(hours=2))
    assert claimant.get(f"/cases/{number}/hearings/{h['id']}/join").status_code == 409


def test_party_not_invited_neither_sees_nor_joins(app, setting, session, make_user):
    from mediation.cases.model import Party, PartyRole

    number = setting["number"]
    mediator, csrf = setting["client"]("li")
    claimant_party = session.scalar(select(Party.id).where(Party.role == PartyRole.CLAIMANT))
    session.rollback()  # SQLite: an open transaction would hold the write lock
    _schedule(mediator, csrf, number, party=str(claimant_party))
    (h,) = _hearings(mediator, number)
    bank, _ = setting["client"]("bank")
    assert bank.get(f"/cases/{number}").status_code == 200  # the bank sees the case
    assert _hearings(bank, number) == []
    assert bank.get(f"/cases/{number}/hearings/{h['id']}").status_code == 403
    assert bank.get(f"/cases/{number}/hearings/{h['id']}/join").status_code == 403
    # An auditor sees the session but is no participant: no join link for them.
    make_user("audit", "auditor", password="pw-long-enough")
    auditor, _ = setting["client"]("audit")
    (seen,) = _hearings(auditor, number)
    assert seen["participant"] is False and seen["join"] is None
    assert auditor.get(f"/cases/{number}/hearings/{h['id']}/join").status_code == 403
    # A party may not schedule.
    claimant, ccsrf = setting["client"]("wang")
    r = claimant.post(
        f"/cases/{number}/hearings",
        data={"csrf_token": ccsrf, "kind": "remote", "day": _tomorrow(), "starts": "14:00"},
    )
    assert r.status_code == 403


def test_clash_past_place_and_circuit_site(app, setting, session, mediator_api, admin_api):
    number = setting["number"]
    other = mediator_api.post("/api/cases", json=case_payload()).get_json()["number"]
    mediator, csrf = setting["client"]("li")
    assert "调解会议已安排" in _schedule(mediator, csrf, number).get_data(as_text=True)
    # The same mediator at an overlapping time on another case: refused.
    page = _schedule(mediator, csrf, other, starts="10:00", ends="11:00").get_data(as_text=True)
    assert f"调解员在该时段已有调解会议（{_tomorrow()} 09:30）" in page
    assert _hearings(mediator, other) == []
    # Back to back is no clash.
    page = _schedule(
        mediator, csrf, other, kind="on_site", starts="10:30", ends="11:30", place="中心第二调解室"
    ).get_data(as_text=True)
    assert "调解会议已安排" in page
    (h,) = _hearings(mediator, other)
    assert h["where"] == "中心第二调解室" and h["kind_label"] == "现场调解"
    # In the past, without a place, end before start: refused with the reason.
    yesterday = (datetime.now(TZ).date() - timedelta(days=1)).isoformat()
    assert "开始时间已过" in _schedule(mediator, csrf, other, day=yesterday).get_data(as_text=True)
    assert "现场调解需要填写地点" in _schedule(
        mediator, csrf, other, kind="on_site", starts="15:00", ends="16:00"
    ).get_data(as_text=True)
    assert "结束时间必须晚于开始时间" in _schedule(
        mediator, csrf, other, starts="16:00", ends="15:00"
    ).get_data(as_text=True)
    # A circuit session takes its place from the centre's circuit site.
    site = admin_api.post(
        "/api/centre/circuit/sites",
        json={
            "name": "城关镇便民服务中心",
            "kind": "township_service_point",
            "address": "城关镇人民路1号",
        },
    )
    assert site.status_code == 201, site.get_json()
    page = _schedule(
        mediator,
        csrf,
        other,
        kind="circuit",
        starts="14:00",
        ends="15:00",
        site=str(site.get_json()["id"]),
    ).get_data(as_text=True)
    assert "调解会议已安排" in page
    circuit = [h for h in _hearings(mediator, other) if h["kind"] == "circuit"]
    assert circuit[0]["where"] == "城关镇便民服务中心（城关镇人民路1号）"


def test_reschedule_cancel_and_minutes(app, setting, session):
    from mediation.notify import recent_notices

    number = setting["number"]
    mediator, csrf = setting["client"]("li")
    _schedule(mediator, csrf, number)
    (h,) = _hearings(mediator, number)
    url = f"/cases/{number}/hearings/{h['id']}"
    # Rescheduling needs a reason.
    r = mediator.post(
        url + "/reschedule",
        data={"csrf_token": csrf, "day": _tomorrow(), "starts": "15:00", "ends": "16:00"},
        follow_redirects=True,
    )
    assert "此操作必须填写理由" in r.get_data(as_text=True)
    r = mediator.post(
        url + "/reschedule",
        data={
            "csrf_token": csrf,
            "day": _tomorrow(),
            "starts": "15:00",
            "ends": "16:00",
            "reason": "申请人要求改到下午",
        },
        follow_redirects=True,
    )
    assert "下午3:00至下午4:00" in r.get_data(as_text=True)
    assert "13812345678" in [
        n["notice"].phone for n in recent_notices(key="notify.hearing.rescheduled")
    ]
    # Minutes cannot be written before the session starts.
    r = mediator.post(
        url + "/minutes", data={"csrf_token": csrf, "minutes": "双方到场"}, follow_redirects=True
    )
    assert "会议尚未开始" in r.get_data(as_text=True)
    _move(app, h["id"], datetime.utcnow() - timedelta(minutes=30))
    r = mediator.post(
        url + "/minutes",
        data={"csrf_token": csrf, "minutes": "双方到场，保险公司同意重新核赔。"},
        follow_redirects=True,
    )
    assert "保险公司同意重新核赔" in r.get_data(as_text=True)
    (held,) = _hearings(mediator, number)
    assert held["status"] == "held"
    # The claimant sees the session was held, not the mediator's minutes.
    claimant, _ = setting["client"]("wang")
    page = claimant.get(url).get_data(as_text=True)
    assert "已举行" in page and "保险公司同意重新核赔" not in page

    # A second session, cancelled with a reason: the parties are told.
    _schedule(mediator, csrf, number, starts="17:00", ends="17:30")
    second = [x for x in _hearings(mediator, number) if x["status"] == "scheduled"][0]
    r = mediator.post(
        f"/cases/{number}/hearings/{second['id']}/cancel",
        data={"csrf_token": csrf, "reason": "调解员临时出差"},
        follow_redirects=True,
    )
    assert "已取消：调解员临时出差" in r.get_data(as_text=True)
    assert "13812345678" in [
        n["notice"].phone for n in recent_notices(key="notify.hearing.cancelled")
    ]
    kinds = [e["kind"] for e in mediator.get(f"/api/cases/{number}/events").get_json()["events"]]
    for kind in ("hearing_scheduled", "hearing_rescheduled", "hearing_held", "hearing_cancelled"):
        assert kind in kinds
    # The claimant's history lists the sessions.
    history = claimant.get(f"/cases/{number}").get_data(as_text=True)
    assert "安排调解会议" in history and "取消调解会议" in history


def test_rating_page_once_after_the_case_is_closed(app, setting, mediator_api):
    number = setting["number"]
    claimant, csrf = setting["client"]("wang")
    page = claimant.get(f"/cases/{number}/rating").get_data(as_text=True)
    assert "案件结案后可以评价调解服务" in page and "rating-form" not in page
    r = claimant.post(f"/cases/{number}/rating", data={"csrf_token": csrf, "score": "5"})
    assert r.status_code == 409 and "案件结案后才能评价" in r.get_data(as_text=True)
    for to, reason in (("accepted", None), ("withdrawn", "已和解"), ("closed", None)):
        body = {"to": to} if reason is None else {"to": to, "reason": reason}
        assert mediator_api.post(f"/api/cases/{number}/transitions", json=body).status_code == 200
    portal = claimant.get(f"/cases/{number}").get_data(as_text=True)
    assert f"/cases/{number}/rating" in portal and "评价调解服务" in portal
    page = claimant.get(f"/cases/{number}/rating").get_data(as_text=True)
    assert 'id="rating-form"' in page
    r = claimant.post(f"/cases/{number}/rating", data={"csrf_token": csrf, "score": "9"})
    assert r.status_code == 400
    r = claimant.post(
        f"/cases/{number}/rating",
        data={"csrf_token": csrf, "score": "4", "comment": "调解员很耐心"},
        follow_redirects=True,
    )
    text = r.get_data(as_text=True)
    assert "感谢您的评价" in text and "您的评价：满意" in text and "rating-form" not in text
    r = claimant.post(f"/cases/{number}/rating", data={"csrf_token": csrf, "score": "1"})
    assert "您已评价过本案" in r.get_data(as_text=True)
    got = setting["claimant_api"].get(f"/api/centre/cases/{number}/rating").get_json()
    assert got["rating"]["score"] == 4 and got["rating"]["comment"] == "调解员很耐心"
    # The institution may not rate or read it; the mediator reads it.
    bank, bcsrf = setting["client"]("bank")
    assert bank.get(f"/cases/{number}/rating").status_code == 403
    assert bank.post(f"/cases/{number}/rating", data={"csrf_token": bcsrf}).status_code == 403
    mediator, _ = setting["client"]("li")
    assert "您的评价：满意" in mediator.get(f"/cases/{number}/rating").get_data(as_text=True)


def test_recorder_is_offered_to_parties_and_staff_not_auditors(app, setting, make_user):
    number = setting["number"]
    claimant, _ = setting["client"]("wang")
    page = claimant.get(f"/cases/{number}").get_data(as_text=True)
    assert f'data-upload="/api/cases/{number}/recordings"' in page
    assert re.search(r"<div[^>]*data-recorder[^>]*hidden", page)  # shown by app.js only
    make_user("audit", "auditor", password="pw-long-enough")
    auditor, _ = setting["client"]("audit")
    assert "data-recorder" not in auditor.get(f"/cases/{number}").get_data(as_text=True)


def test_a_circuit_rota_day_blocks_other_sessions_but_not_its_own_site(
    app, setting, session, admin_api
):
    from mediation.people.model import User

    number = setting["number"]
    li = session.scalar(select(User.id).where(User.username == "li"))
    session.rollback()
    sites = [
        admin_api.post(
            "/api/centre/circuit/sites",
            json={"name": name, "kind": "township_service_point", "address": address},
        ).get_json()["id"]
        for name, address in (("城关镇服务点", "人民路1号"), ("河口乡服务点", "河口村3组"))
    ]
    rota = admin_api.post(
        "/api/centre/circuit/sessions",
        json={
            "site_id": sites[0],
            "mediator_id": li,
            "day": _tomorrow(),
            "starts_at": "09:00",
            "ends_at": "12:00",
        },
    )
    assert rota.status_code == 201, rota.get_json()
    mediator, csrf = setting["client"]("li")
    page = _schedule(mediator, csrf, number, starts="10:00", ends="11:00").get_data(as_text=True)
    assert f"调解员在该时段已有调解会议（{_tomorrow()} 09:00）" in page
    page = _schedule(
        mediator, csrf, number, kind="circuit", site=str(sites[1]), starts="10:00", ends="11:00"
    ).get_data(as_text=True)
    assert "调解员在该时段已有调解会议" in page
    page = _schedule(
        mediator, csrf, number, kind="circuit", site=str(sites[0]), starts="10:00", ends="11:00"
    ).get_data(as_text=True)
    assert "调解会议已安排" in page
    # After the rota day's hours the mediator is free again.
    assert "调解会议已安排" in _schedule(
        mediator, csrf, number, starts="14:00", ends="15:00"
    ).get_data(as_text=True)
    assert [h["kind"] for h in _hearings(mediator, number)] == ["circuit", "remote"]
