"""User-facing errors: a stable code, an HTTP status and the parameters of the message.
The web layer renders the message in the user's language (mediation.i18n)."""

from __future__ import annotations


class UserError(Exception):
    status = 400

    def __init__(self, code: str, status: int | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        if status is not None:
            self.status = status
        self.params = params

    def message(self, lang: str = "zh") -> str:
        from mediation.i18n import t

        params = dict(self.params)
        # Stage names in a message are shown as the user's words for them.
        for key in ("current", "target"):
            if key in params:
                params[key] = t(f"stage.{params[key]}", lang)
        if "allowed" in params:
            sep = "、" if lang != "en" else ", "
            params["allowed"] = sep.join(t(f"stage.{s}", lang) for s in params["allowed"]) or "—"
        return t(f"error.{self.code}", lang, params)


class NotFound(UserError):
    status = 404

    def __init__(self) -> None:
        super().__init__("not_found")


class Forbidden(UserError):
    status = 403

    def __init__(self) -> None:
        super().__init__("forbidden")


class Conflict(UserError):
    status = 409
