"""Who delivers a notice: a `Sender` takes a rendered `Notice` and hands it to an SMS
gateway, a mail server, or (by default) the log.

`NOTIFY_SENDER` in the configuration picks the sender: "log" (the default `LogSender`) or
"package.module:Class" for a class whose no-argument constructor returns a `Sender`.
"""

from __future__ import annotations

import abc
import importlib
import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from mediation.errors import UserError
from mediation.i18n import t

log = logging.getLogger("mediation.notify")

CHANNELS = ("sms", "email")


@dataclass(frozen=True)
class Notice:
    """One message to one person.

    `params` are stored in the outbox; `secret_params` (a verification code) are only
    rendered into the text handed to the sender, never stored.
    """

    channel: str  # sms | email
    key: str  # message key in the catalogue, e.g. "notify.code.agreement.sign"
    params: Mapping[str, object] = field(default_factory=dict)
    lang: str = "zh"
    user_id: int | None = None
    phone: str | None = None
    email: str | None = None
    case_id: int | None = None
    secret_params: Mapping[str, object] = field(default_factory=dict)
    # False where `user_id` is not the reader (a code texted to a party without an account
    # on a mediator's behalf): the text then stays in `lang`.
    follow_user_language: bool = True

    @property
    def address(self) -> str | None:
        return self.phone if self.channel == "sms" else self.email

    def text(self) -> str:
        return t(self.key, self.lang, {**self.params, **self.secret_params})


class Sender(abc.ABC):
    @abc.abstractmethod
    def deliver(self, notice: Notice) -> None:
        """Hand the notice over; raise on failure (the outbox records it as failed)."""


# The most recent notices of this process, newest last: a log sender's only "inbox", which
# tests (and browser tests whose server runs in a thread of the test process) read.
_RECENT: deque[tuple[Notice, str]] = deque(maxlen=200)
_RECENT_LOCK = threading.Lock()


class LogSender(Sender):
    """Writes each notice to the "mediation.notify" logger and keeps the latest ones."""

    def deliver(self, notice: Notice) -> None:
        text = notice.text()
        with _RECENT_LOCK:
            _RECENT.append((notice, text))
        log.info(
            "notice %s via %s to user=%s address=%s: %s",
            notice.key,
            notice.channel,
            notice.user_id,
            notice.address,
            text,
        )


def recent_notices(*, user_id: int | None = None, key: str | None = None) -> list[dict]:
    """The notices the log sender kept, newest last, optionally of one user or one key.
    Each: {"notice": Notice, "text": str, "code": str | None}."""
    with _RECENT_LOCK:
        items = list(_RECENT)
    return [
        {"notice": n, "text": text, "code": n.secret_params.get("code")}
        for n, text in items
        if (user_id is None or n.user_id == user_id) and (key is None or n.key == key)
    ]


def clear_recent() -> None:
    with _RECENT_LOCK:
        _RECENT.clear()


def load_sender(name: str | None) -> Sender:
    """ "log" (or nothing) → LogSender; "package.module:Class" → that class."""
    if not name or name == "log":
        return LogSender()
    module_name, _, class_name = str(name).partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        sender = cls()
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        raise UserError("notify.bad_sender", status=500, name=str(name)) from exc
    if not isinstance(sender, Sender):
        raise UserError("notify.bad_sender", status=500, name=str(name))
    return sender


def current_sender() -> Sender:
    """The configured sender of the running Flask app (one per app), else a LogSender."""
    try:
        from flask import current_app

        app = current_app._get_current_object()
    except RuntimeError:
        return LogSender()
    sender = app.extensions.get("mediation.notify.sender")
    if sender is None:
        sender = load_sender(app.config.get("NOTIFY_SENDER"))
        app.extensions["mediation.notify.sender"] = sender
    return sender
