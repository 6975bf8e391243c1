"""What parties see of their case: progress steps and the next time limit in plain words."""

from __future__ import annotations

from mediation.cases.model import Stage
from mediation.web.present import next_deadline, progress


def test_progress_follows_the_main_path_and_shows_side_exits_where_they_happened():
    states = [(s["stage"], s["state"]) for s in progress(Stage.INVESTIGATION)]
    assert states[:4] == [
        ("intake", "done"),
        ("accepted", "done"),
        ("investigation", "current"),
        ("mediation", "todo"),
    ]
    assert [s["stage"] for s in progress(Stage.FAILED)] == [
        "intake",
        "accepted",
        "investigation",
        "mediation",
        "failed",
        "closed",
    ]
    assert [s["stage"] for s in progress(Stage.REJECTED)] == ["intake", "rejected", "closed"]
    assert [s["stage"] for s in progress(Stage.JUDICIAL_CONFIRMATION)][4:7] == [
        "signed",
        "judicial_confirmation",
        "performance",
    ]


def _clock(**kw):
    base = {
        "status": "running",
        "due_on": "2026-03-05",
        "days_left": 2,
        "title": "决定是否受理",
        "calendar_verified": True,
    }
    base.update(kw)
    return base


def test_next_deadline_speaks_plainly_in_both_languages():
    case = {"clocks": [_clock(), _clock(due_on="2026-04-01", days_left=29, title="调解期限")]}
    assert (
        next_deadline(case, "zh") == "决定是否受理：应在2026年3月5日（星期四）前完成，还有 2 天。"
    )
    assert next_deadline(case, "en") == "决定是否受理: due by Thu 05 Mar 2026, 2 days left."
    late = {"clocks": [_clock(days_left=-3)]}
    assert "已超过 3 天" in next_deadline(late, "zh")
    unverified = {"clocks": [_clock(due_on="2027-01-19", days_left=40, calendar_verified=False)]}
    assert next_deadline(unverified, "zh").endswith("（明年放假安排尚未公布，日期可能顺延。）")
    assert next_deadline({"clocks": [_clock(status="stopped")]}, "zh") is None


def test_online_filing_is_for_claimants_and_keeps_the_draft_between_steps(app, signed_in):
    staff, _ = signed_in("med", "mediator")
    assert staff.get("/my/new/who").status_code == 403
    client, token = signed_in("li", "claimant")
    r = client.post(
        "/my/new/who", data={"csrf_token": token, "name": "李桂兰", "phone": "13900001111"}
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/my/new/institution")
    r = client.post(
        "/my/new/institution",
        data={"csrf_token": token, "institution": "某银行", "dispute_type": "crypto"},
    )
    assert r.status_code == 400 and "dispute_type" in r.get_data(as_text=True)
    client.post(
        "/my/new/institution",
        data={"csrf_token": token, "institution": "某银行", "dispute_type": "banking"},
    )
    client.post("/my/new/facts", data={"csrf_token": token, "facts": "理财到期亏损"})
    client.post(
        "/my/new/request",
        data={"csrf_token": token, "request": "赔偿本金", "amount_claimed": "50000"},
    )
    r = client.post("/my/new/review", data={"csrf_token": token})
    assert r.status_code == 302 and "/cases/" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "赔偿本金" in page and 'aria-current="step">登记' in page
    assert (
        client.post("/my/new/review", data={"csrf_token": token}).status_code == 400
    )  # the draft is gone
