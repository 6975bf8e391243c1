"""RFC 8785 JSON Canonicalization Scheme: the exact bytes a ledger entry is hashed as."""

from __future__ import annotations

import json
from typing import Any

import rfc8785

# rfc8785 refuses integers outside the IEEE-754 exact range (RFC 8785 §3.2.2.3).
MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalizationError(ValueError):
    """The value has no RFC 8785 form (NaN, Infinity, huge integers, bytes, dates...)."""


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise CanonicalizationError(str(exc)) from exc


def canonical_simple(value: Any) -> bytes:
    """RFC 8785 bytes of a value already checked to hold only dicts with ASCII keys,
    lists, strings, booleans, null and integers of magnitude below 2^53.

    For such values Python's sorted, compact, non-ASCII-escaping JSON is byte for byte
    the canonical form (same string escapes; ASCII keys sort the same by UTF-16 code
    unit and by code point), at a fraction of the cost. Anything unusual (a lone
    surrogate) goes through rfc8785.
    """
    try:
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        return canonical(value)
