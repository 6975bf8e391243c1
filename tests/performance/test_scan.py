"""The daily scan: reminders N days before a due date, and on a missed payment one alert
(case message, notices to the mediator and the claimant, an alert on the queue and the
case page, an enforcement-application packet), each once per instalment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.performance.conftest import SCHEDULE


def _scan(app, day: date, **kw):
    from mediation.db import session_scope
    from mediation.performance.service import scan

    with app.app_context(), session_scope(app.extensions["mediation.sessionmaker"]) as session:
        return scan(session, day, **kw)


def _notices(app, key: str) -> list[tuple[int, int]]:
    from mediation.notify.model import Notification

    with app.extensions["mediation.sessionmaker"]() as session:
        return [
            (n.user_id, n.case_id)
            for n in session.scalars(select(Notification).where(Notification.key == key))
        ]


def _count_events(app, case_id: int, kind: str) -> int:
    from mediation.cases.model import CaseEvent

    with app.extensions["mediation.sessionmaker"]() as session:
        return session.scalar(
            select(func.count()).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
        )


def test_reminders_go_to_payer_and_claimant_once_n_days_before(signed):
    s = signed
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE})
    # 2026-04-20 (claimant pays) is 4 days after 04-16: no reminder with the default 3 days.
    assert _scan(s.app, date(2026, 4, 16)).reminders == 0
    result = _scan(s.app, date(2026, 4, 17))
    assert result.reminders == 1 and result.alerts == 0
    # The claimant is the payer of that instalment and is reminded once.
    assert _notices(s.app, "performance.notice.reminder") == [(s.claimant_id, s.case_id)]
    assert _scan(s.app, date(2026, 4, 18)).reminders == 0
    # 2026-05-01 (respondent pays) with a 14-day window: the institution and the claimant.
    result = _scan(s.app, date(2026, 4, 18), reminder_days=14)
    assert result.reminders == 1
    got = _notices(s.app, "performance.notice.reminder")
    assert sorted(got[1:]) == sorted([(s.institution_id, s.case_id), (s.claimant_id, s.case_id)])
    assert _count_events(s.app, s.case_id, "payment_reminder") == 2


def test_a_missed_payment_raises_one_alert_with_message_notices_and_queue_entry(signed):
    s = signed
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE})
    s.mediator.post(
        f"/api/cases/{s.number}/performance/payments",
        json={"instalment": 1, "amount": "200", "paid_on": "2026-04-14"},
    )
    # Due 04-20, partly paid: missed the day after.
    assert _scan(s.app, date(2026, 4, 20)).alerts == 0
    result = _scan(s.app, date(2026, 4, 21))
    assert result.alerts == 1
    # Once per instalment: later scans raise nothing new for it.
    assert _scan(s.app, date(2026, 4, 22)).alerts == 0
    assert _scan(s.app, date(2026, 4, 30)).alerts == 0
    assert _count_events(s.app, s.case_id, "payment_missed") == 1
    notices = _notices(s.app, "performance.notice.missed")
    assert sorted(notices) == sorted([(s.mediator_id, s.case_id), (s.claimant_id, s.case_id)])
    messages = s.claimant.get(f"/api/cases/{s.number}/messages").get_json()["messages"]
    assert any("逾期未履行" in m["body"] and "300.50" in m["body"] for m in messages)
    body = s.claimant.get(f"/api/cases/{s.number}/performance").get_json()
    (alert,) = body["alerts"]
    assert alert["missed"][0]["seq"] == 1 and alert["outstanding"] == "300.50"
    assert alert["resolved"] is False
    # Without an executed agreement there is no packet yet; the reason is kept.
    assert alert["packet_ready"] is False
    # The mediator's queue and the case page show it.
    from tests.conftest import sign_in

    client = s.app.test_client()
    sign_in(client, "med-p", "pw-long-enough")
    queue = client.get("/workspace").get_data(as_text=True)
    assert 'id="performance-alerts"' in queue and s.number in queue
    page = client.get(f"/cases/{s.number}").get_data(as_text=True)
    assert "perf-alert" in page and "逾期未履行" in page
    # The second instalment misses on its own day: a second alert for it only.
    assert _scan(s.app, date(2026, 5, 2)).alerts == 1
    # Paying the rest resolves the first alert.
    s.mediator.post(
        f"/api/cases/{s.number}/performance/payments",
        json={"instalment": 1, "amount": "300.50", "paid_on": "2026-04-14"},
    )
    alerts = s.mediator.get(f"/api/cases/{s.number}/performance").get_json()["alerts"]
    assert [a["resolved"] for a in alerts] == [True, False]


def test_performance_scan_command_and_nightly(signed):
    s = signed
    s.mediator.post(f"/api/cases/{s.number}/performance/schedule", json={"items": SCHEDULE})
    runner = s.app.test_cli_runner()
    result = runner.invoke(args=["performance", "scan", "--today", "2026-04-17"])
    assert result.exit_code == 0, result.output
    assert "1 reminders, 0 missed-payment alerts" in result.output
    result = runner.invoke(args=["performance", "scan", "--today", "2026-04-17"])
    assert "0 reminders" in result.output
    # `mediation nightly` runs the same scan as of the real date, after every due date here.
    result = runner.invoke(args=["nightly"])
    assert result.exit_code == 0, result.output
    assert "performance scan" in result.output and "1 missed-payment alerts" in result.output
