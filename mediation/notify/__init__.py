"""Notices to people (SMS, e-mail) through a pluggable sender, the outbox of what was sent,
and one-time verification codes."""

from mediation.notify.sender import LogSender, Notice, Sender, recent_notices
from mediation.notify.service import check_code, issue_code, send

__all__ = ["LogSender", "Notice", "Sender", "check_code", "issue_code", "recent_notices", "send"]
