"""Errors of centre operations and who may run them.

CentreError is a UserError, so the web layer renders it like every other user-facing
error; its texts live in mediation.centre.messages.
"""

from __future__ import annotations

from mediation.centre.messages import t
from mediation.errors import Forbidden, UserError
from mediation.people.model import Role, User


class CentreError(UserError):
    def message(self, lang: str = "zh") -> str:
        return t(f"error.{self.code}", lang, self.params)


def require_admin(user: User | None) -> User:
    """Centre operations are the administrator's (the system itself passes None in CLI)."""
    if user is not None and user.role != Role.ADMIN:
        raise Forbidden()
    return user
