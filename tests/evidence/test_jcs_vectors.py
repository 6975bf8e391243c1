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
