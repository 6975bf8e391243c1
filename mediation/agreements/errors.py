"""Errors of the agreements domain that name a clause and a field in the user's words."""

from __future__ import annotations

from mediation.errors import UserError


class AgreementError(UserError):
    """A validation error of clause `clause` (0-based), template `template`, field `field`.
    The message says, in the user's language, e.g. "第 2 项条款（分期还款）的“各期”：…"."""

    def __init__(
        self,
        code: str,
        clause: int | None = None,
        template: str | None = None,
        field: str | None = None,
        status: int = 400,
        **params: object,
    ) -> None:
        super().__init__(code, status=status, **params)
        self.clause = clause
        self.template = template
        self.field = field

    def message(self, lang: str = "zh") -> str:
        from mediation.i18n import t

        params = dict(self.params)
        if "stage" in params:
            params["stage"] = t(f"stage.{params['stage']}", lang)
        if "action" in params:
            params["action"] = t(f"agreements.action.{params['action']}", lang)
        body = t(f"error.{self.code}", lang, params)
        if self.clause is None:
            return body
        where = t(
            "agreements.where",
            lang,
            {
                "n": self.clause + 1,
                "template": t(f"agreements.template.{self.template}", lang),
                "field": t(f"agreements.field.{self.field}", lang) if self.field else "—",
            },
        )
        return f"{where}{body}"

    @property
    def field_path(self) -> str | None:
        if self.clause is None:
            return None
        return (
            f"clauses[{self.clause}].fields.{self.field}"
            if self.field
            else f"clauses[{self.clause}]"
        )
