"""Verification codes and the notice outbox: 6 digits kept only as a hash, 10-minute expiry,
single use, 5 wrong tries, one code a minute; a failing sender is recorded, not raised."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.db import utcnow
from mediation.errors import UserError
from mediation.notify import Notice, check_code, issue_code, recent_notices, send
from mediation.notify.model import Notification, VerificationCode
from mediation.notify.sender import LogSender, Sender, load_sender

PURPOSE = "agreement.sign"
OBJ = "agreement:1:" + "ab" * 32


class FailingSender(Sender):
    def deliver(self, notice: Notice) -> None:
        raise ConnectionError("gateway down")


def _notice() -> Notice:
    return Notice(
        channel="sms", key="notify.code.generic", params={"centre": "示范中心"}, phone="13812345678"
    )


@pytest.fixture
def user_id(make_user):
    uid, _ = make_user("code-user", "claimant")
    return uid


def _issue(session, user_id, now, obj=OBJ):
    entry = issue_code(session, user_id, PURPOSE, obj, _notice(), now=now, sender=LogSender())
    session.commit()
    code = recent_notices(user_id=user_id)[-1]["code"]
    return entry, code


def _fails(session, user_id, code, now, expected, obj=OBJ):
    with pytest.raises(UserError) as info:
        check_code(session, user_id, PURPOSE, obj, code, now=now)
    session.rollback()
    assert info.value.code == expected, info.value.code
    return info.value


def test_code_is_sent_logged_and_stored_only_as_a_hash(session, user_id, caplog):
    caplog.set_level(logging.INFO, logger="mediation.notify")
    entry, code = _issue(session, user_id, utcnow())
    assert len(code) == 6 and code.isdigit()
    assert code in caplog.text and "mediation.notify" in caplog.text
    row = session.get(VerificationCode, entry.id)
    assert code not in (row.code_hash, row.salt) and len(row.code_hash) == 64
    outbox = session.get(Notification, row.notification_id)
    assert outbox.status == "sent" and outbox.key == "notify.code.generic"
    assert code not in str(outbox.params) and outbox.params == {"centre": "示范中心", "minutes": 10}
    assert outbox.recipient == "138****5678"
    text = recent_notices(user_id=user_id)[-1]["text"]
    assert code in text and "10 分钟内有效" in text


def test_one_code_a_minute(session, user_id):
    now = utcnow()
    _issue(session, user_id, now)
    with pytest.raises(UserError) as info:
        issue_code(session, user_id, PURPOSE, OBJ, _notice(), now=now + timedelta(seconds=20))
    assert info.value.status == 429 and info.value.code == "notify.too_soon"
    assert info.value.params["seconds"] == 40
    assert "40 秒后再试" in info.value.message("zh")
    assert "40 seconds" in info.value.message("en")
    session.rollback()
    _issue(session, user_id, now + timedelta(seconds=61))


def test_code_expires_after_ten_minutes(session, user_id):
    now = utcnow()
    _, code = _issue(session, user_id, now)
    err = _fails(
        session, user_id, code, now + timedelta(minutes=10, seconds=1), "notify.code_expired"
    )
    assert err.message("zh") == "验证码已过期，请重新获取。"
    assert check_code(session, user_id, PURPOSE, OBJ, code, now=now + timedelta(minutes=9))


def test_code_works_once(session, user_id):
    now = utcnow()
    _, code = _issue(session, user_id, now)
    check_code(session, user_id, PURPOSE, OBJ, code, now=now)
    session.commit()
    _fails(session, user_id, code, now, "notify.code_used")


def test_five_wrong_tries_lock_the_code_even_when_the_request_rolls_back(session, user_id):
    now = utcnow()
    _, code = _issue(session, user_id, now)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        err = _fails(session, user_id, wrong, now, "notify.code_wrong")
        assert err.params["left"] == left
    assert "还可以再试 1 次" in err.message("zh")
    _fails(session, user_id, wrong, now, "notify.code_locked")
    # Locked: even the right code no longer works.
    _fails(session, user_id, code, now, "notify.code_locked")
    attempts = session.scalar(
        select(VerificationCode.attempts).where(VerificationCode.user_id == user_id)
    )
    assert attempts == 5


def test_code_is_bound_to_its_object_and_format_is_checked(session, user_id):
    now = utcnow()
    _, code = _issue(session, user_id, now)
    _fails(session, user_id, code, now, "notify.code_missing", obj="agreement:1:" + "cd" * 32)
    _fails(session, user_id, "12ab56", now, "notify.code_format")
    # A newer code replaces the older one.
    _, newer = _issue(session, user_id, now + timedelta(seconds=61))
    if newer != code:
        _fails(session, user_id, code, now + timedelta(seconds=62), "notify.code_wrong")
    assert check_code(session, user_id, PURPOSE, OBJ, newer, now=now + timedelta(seconds=62))


def test_failing_sender_is_recorded_not_raised(session, user_id):
    row = send(
        session,
        Notice(channel="sms", key="notify.code.generic", user_id=user_id),
        sender=FailingSender(),
    )
    session.commit()
    assert row.status == "failed" and "gateway down" in row.error


def test_sender_is_chosen_by_configuration():
    assert isinstance(load_sender("log"), LogSender)
    assert isinstance(load_sender("tests.agreements.test_codes:FailingSender"), FailingSender)
    with pytest.raises(UserError) as info:
        load_sender("no.such.module:Sender")
    assert info.value.code == "notify.bad_sender"
