"""Parsing and validating request input into domain values, with errors users can read."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request

from mediation.errors import UserError

MIN_DATE = date(1949, 10, 1)
MAX_DATE = date(2199, 12, 31)


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        if request.content_length == 0 and not request.data:
            return {}
        raise UserError("invalid_json")
    if not isinstance(data, dict):
        raise UserError("invalid_json")
    return data


def parse_date(value: Any, field: str, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise UserError("missing_field", field=field)
        return None
    if not isinstance(value, str):
        raise UserError("invalid_date", value=str(value))
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise UserError("invalid_date", value=value) from None
    if not MIN_DATE <= d <= MAX_DATE:
        raise UserError(
            "date_out_of_range", value=value, low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat()
        )
    return d


def parse_enum(cls: type[enum.Enum], value: Any, field: str, required: bool = True):
    if value is None or value == "":
        if required:
            raise UserError("missing_field", field=field)
        return None
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        if field in ("to", "stage"):
            raise UserError("unknown_stage", stage=str(value)) from None
        raise UserError("invalid_field", field=field, detail=f"{value!s} ∉ {{{allowed}}}") from None


def parse_text(value: Any, field: str, required: bool = True, max_len: int = 5000) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError("missing_field", field=field)
        return None
    if not isinstance(value, str):
        raise UserError("invalid_field", field=field, detail="string")
    value = value.strip()
    if len(value) > max_len:
        raise UserError("invalid_field", field=field, detail=f"≤ {max_len}")
    return value


def parse_amount(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UserError("invalid_field", field=field, detail="amount")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise UserError("invalid_field", field=field, detail="amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
        raise UserError("invalid_field", field=field, detail="0 ≤ amount < 10^14")
    return amount.quantize(Decimal("0.01"))


def parse_int(
    value: Any, field: str, required: bool = True, low: int | None = None, high: int | None = None
) -> int | None:
    if value is None or value == "":
        if required:
            raise UserError("missing_field", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UserError("invalid_field", field=field, detail="integer")
    try:
        n = int(value)
    except ValueError:
        raise UserError("invalid_field", field=field, detail="integer") from None
    if (low is not None and n < low) or (high is not None and n > high):
        raise UserError("invalid_field", field=field, detail=f"{low}..{high}")
    return n


def parse_bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")
