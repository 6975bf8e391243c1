"""Normalising Chinese text before comparing a transcript with a reference, and the
character error rate (CER) itself.

Normalisation: traditional -> simplified (OpenCC t2s), full-width -> half-width forms,
Arabic numbers read out in Chinese characters (356 -> 三百五十六, 2024年 -> 二零二四年,
3.5 -> 三点五, 50% -> 百分之五十), then everything that is not a letter or a digit
(punctuation, spaces) removed and Latin letters lower-cased.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = "零一二三四五六七八九"
_UNITS = ((10**8, "亿"), (10**4, "万"), (1000, "千"), (100, "百"), (10, "十"))


def _below_10000(n: int) -> str:
    out = ""
    zero = False
    for value, unit in _UNITS[2:]:
        d = n // value
        n %= value
        if d:
            if zero:
                out += "零"
                zero = False
            out += DIGITS[d] + unit
        elif out:
            zero = True
    if n:
        if zero:
            out += "零"
        out += DIGITS[n]
    return out


def cardinal(n: int) -> str:
    """Chinese reading of a non-negative integer: 356 -> 三百五十六, 10 -> 十."""
    if n == 0:
        return "零"
    parts = []
    for value, unit in _UNITS[:2]:
        if n >= value:
            parts.append(cardinal(n // value) + unit)
            n %= value
            if n and n < value // 10:
                parts.append("零")
    if n:
        parts.append(_below_10000(n))
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def digits(s: str) -> str:
    return "".join(DIGITS[int(c)] for c in s)


_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?(%|年)?")


def _number(m: re.Match) -> str:
    whole, frac, suffix = m.group(1), m.group(2), m.group(3)
    if suffix == "年" and frac is None and len(whole) == 4:
        return digits(whole) + "年"  # years are read digit by digit
    if len(whole) > 1 and whole.startswith("0") or len(whole) > 12:
        text = digits(whole)  # codes, phone numbers
    else:
        text = cardinal(int(whole))
    if frac:
        text += "点" + digits(frac)
    if suffix == "%":
        return "百分之" + text
    return text + (suffix or "")


def numbers_to_chinese(text: str) -> str:
    return _NUMBER.sub(_number, text)


def normalize(text: str, simplified: bool = True) -> str:
    text = unicodedata.normalize("NFKC", text)
    if simplified:
        from nlp.asr import to_simplified

        text = to_simplified(text)
    text = numbers_to_chinese(text)
    return "".join(c for c in text.lower() if c.isalnum())


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(hypothesis: str, reference: str) -> tuple[int, int]:
    """(edits, reference length) after normalisation; CER = edits / length."""
    h, r = normalize(hypothesis), normalize(reference)
    return edit_distance(h, r), len(r)
