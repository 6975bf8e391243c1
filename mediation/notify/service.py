"""Sending notices (with an outbox row per notice) and verification codes.

`send(session, notice)` is what other domains call (hearing notices, payment reminders):
it renders the notice, hands it to the configured sender and records it in
`notifications`, in the caller's transaction (the caller commits).

Codes: 6 digits, kept only as a salted SHA-256 bound to user + purpose + object, valid for
10 minutes, used once, locked after 5 wrong tries; a user gets at most one code per purpose
every 60 seconds.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.db import utcnow
from mediation.errors import UserError
from mediation.i18n import LANGUAGES
from mediation.notify.model import Notification, VerificationCode
from mediation.notify.sender import CHANNELS, Notice, Sender, current_sender, log
from mediation.people.access import mask_phone
from mediation.people.model import User

CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(seconds=60)
_CODE = re.compile(r"^\d{6}$")


def _mask(notice: Notice) -> str | None:
    address = notice.address
    if not address:
        return None
    if notice.channel == "email" and "@" in address:
        local, _, domain = address.partition("@")
        return (local[:1] + "***@" + domain)[:120]
    return mask_phone(address)


def _plain(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def send(session: Session, notice: Notice, *, sender: Sender | None = None) -> Notification:
    """Deliver a notice and record it in the outbox. A failing sender is recorded as
    `failed` (and logged), not raised: a notice must never undo the operation it reports."""
    if notice.channel not in CHANNELS:
        raise UserError("invalid_field", field="channel", detail=" | ".join(CHANNELS))
    sender = sender or current_sender()
    if notice.user_id is not None and notice.follow_user_language:
        # A notice is written in its reader's language, not the language of whoever's
        # action caused it.
        language = session.scalar(select(User.language).where(User.id == notice.user_id))
        if language in LANGUAGES and language != notice.lang:
            notice = replace(notice, lang=language)
    row = Notification(
        user_id=notice.user_id,
        case_id=notice.case_id,
        channel=notice.channel,
        recipient=_mask(notice),
        key=notice.key,
        params={k: _plain(v) for k, v in notice.params.items()},
        lang=notice.lang,
        created_at=utcnow(),
    )
    try:
        sender.deliver(notice)
        row.status = "sent"
    except Exception as exc:  # any gateway failure is recorded, not raised
        log.warning("notice %s to user=%s failed: %s", notice.key, notice.user_id, exc)
        row.status = "failed"
        row.error = f"{exc.__class__.__name__}: {exc}"[:500]
    session.add(row)
    session.flush()
    return row


def _digest(salt: str, user_id: int, purpose: str, object_ref: str, code: str) -> str:
    return sha256(f"{salt}|{user_id}|{purpose}|{object_ref}|{code}".encode()).hexdigest()


def issue_code(
    session: Session,
    user_id: int,
    purpose: str,
    object_ref: str,
    notice: Notice,
    *,
    now: datetime | None = None,
    sender: Sender | None = None,
) -> VerificationCode:
    """Make a fresh code for (user, purpose, object) and send it with `notice` (its
    message gets the parameters `code` and `minutes`). Refused within 60 seconds of the
    user's previous code for the same purpose (status 429)."""
    now = now or utcnow()
    last = session.scalar(
        select(VerificationCode.created_at)
        .where(
            VerificationCode.user_id == user_id,
            VerificationCode.purpose == purpose,
            VerificationCode.created_at <= now,
        )
        .order_by(VerificationCode.created_at.desc())
        .limit(1)
    )
    if last is not None and now - last < RESEND_AFTER:
        wait = RESEND_AFTER - (now - last)
        raise UserError("notify.too_soon", status=429, seconds=max(1, int(wait.total_seconds())))
    if notice.channel == "email" and not notice.address:
        # A text message without a number goes to the user's account (the sender looks
        # the number up); an e-mail needs its address.
        raise UserError("notify.no_address", status=409)
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    notice = replace(
        notice,
        user_id=user_id,
        params={**notice.params, "minutes": int(CODE_TTL.total_seconds() // 60)},
        secret_params={"code": code},
    )
    row = send(session, notice, sender=sender)
    entry = VerificationCode(
        user_id=user_id,
        purpose=purpose,
        object_ref=object_ref,
        salt=salt,
        code_hash=_digest(salt, user_id, purpose, object_ref, code),
        channel=notice.channel,
        notification_id=row.id,
        created_at=now,
        expires_at=now + CODE_TTL,
        attempts=0,
    )
    session.add(entry)
    session.flush()
    return entry


def check_code(
    session: Session,
    user_id: int,
    purpose: str,
    object_ref: str,
    code: str | None,
    *,
    now: datetime | None = None,
) -> VerificationCode:
    """Use the user's latest code for (purpose, object). Returns it, marked used (the
    caller commits with its own change), or raises a UserError saying why not.

    A wrong try is COMMITTED before the error is raised, so rolling back the request
    cannot undo the count (the 5-try limit would otherwise be no limit).
    """
    now = now or utcnow()
    code = (code or "").strip()
    if not _CODE.match(code):
        raise UserError("notify.code_format")
    entry = session.scalar(
        select(VerificationCode)
        .where(
            VerificationCode.user_id == user_id,
            VerificationCode.purpose == purpose,
            VerificationCode.object_ref == object_ref,
        )
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if entry is None:
        raise UserError("notify.code_missing", status=409)
    if entry.used_at is not None:
        raise UserError("notify.code_used", status=409)
    if entry.attempts >= MAX_TRIES:
        raise UserError("notify.code_locked", status=429)
    if now >= entry.expires_at:
        raise UserError("notify.code_expired", status=409)
    expected = _digest(entry.salt, user_id, purpose, object_ref, code)
    if not hmac.compare_digest(expected, entry.code_hash):
        entry.attempts += 1
        left = MAX_TRIES - entry.attempts
        session.commit()
        if left <= 0:
            raise UserError("notify.code_locked", status=429)
        raise UserError("notify.code_wrong", left=left)
    entry.used_at = now
    session.flush()
    return entry
