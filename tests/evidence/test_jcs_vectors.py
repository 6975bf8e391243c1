"""RFC 8785 canonical JSON against the cyberphone/json-canonicalization vectors."""

from __future__ import annotations

import json
import math

import pytest

from mediation.evidence.jcs import CanonicalizationError, canonical


def test_every_published_vector(shared_data):
    folder = shared_data / "jcs-vectors"
    names = sorted(p.name for p in (folder / "input").glob("*.json"))
    assert len(names) == 6
    for name in names:
        value = json.loads((folder / "input" / name).read_text(encoding="utf-8"))
        assert canonical(value) == (folder / "output" / name).read_bytes(), name


@pytest.mark.parametrize(
    ("ieee_hex", "text"),
    [
        ("4340000000000001", b"9007199254740994"),
        ("4340000000000002", b"9007199254740996"),
        ("444b1ae4d6e2ef50", b"1e+21"),
        ("3eb0c6f7a0b5ed8d", b"0.000001"),
        ("3eb0c6f7a0b5ed8c", b"9.999999999999997e-7"),
        ("8000000000000000", b"0"),
    ],
)
def test_number_samples(ieee_hex, text):
    import struct

    (number,) = struct.unpack(">d", bytes.fromhex(ieee_hex))
    assert canonical(number) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 2**53, b"bytes"])
def test_values_without_a_canonical_form_are_refused(bad):
    with pytest.raises(CanonicalizationError):
        canonical({"x": bad})


def test_chinese_text_and_key_order():
    assert canonical({"b": "调解", "a": 1}) == '{"a":1,"b":"调解"}'.encode()


def test_fast_path_equals_rfc8785_on_ledger_shaped_values():
    """canonical_simple (json.dumps) must give rfc8785's bytes for every value the ledger
    accepts: ASCII keys; strings with any characters; ints; bools; null; nesting."""
    import random

    import rfc8785

    from mediation.evidence.jcs import canonical_simple

    rng = random.Random(8785)
    alphabet = (
        'aZ09_-. "\\/\b\f\n\r\t\x00\x01\x1f\x7f\u00e9\u2028\u2029\u4e2d\u6587\ud7ff\ue000'
        "\uffff\U0001f600\U00010000"
    )

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))

    def value(depth: int = 0):
        kind = rng.randrange(7 if depth < 3 else 5)
        if kind == 0:
            return text()
        if kind == 1:
            return rng.randrange(-(2**53) + 1, 2**53)
        if kind == 2:
            return rng.choice([True, False])
        if kind == 3:
            return None
        if kind == 4:
            return rng.randrange(-1000, 1000)
        if kind == 5:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        keys = ["".join(rng.choice("abcXYZ_09.-") for _ in range(rng.randrange(1, 6)))]
        keys += [rng.choice(["v", "case", "payload", "A", "a", "_", "-"]) for _ in range(3)]
        return {k: value(depth + 1) for k in keys}

    for _ in range(3000):
        v = {"payload": value(), "seq": rng.randrange(2**40), "note": text()}
        assert canonical_simple(v) == rfc8785.dumps(v)
    lone = {"x": "\ud800"}  # a lone surrogate has no UTF-8 form: refused, as rfc8785 does
    with pytest.raises(rfc8785.CanonicalizationError):
        rfc8785.dumps(lone)
    with pytest.raises(CanonicalizationError):
        canonical_simple(lone)
