"""Chinese and Arabic numerals as they appear in judgments and complaints."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)


def parse_chinese_integer(text: str) -> int | None:
    """壹拾万 → 100000, 三千五百 → 3500, 二〇一七 → 2017 (digit by digit when no unit)."""
    text = text.strip()
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in SMALL_UNITS or ch in BIG_UNITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (digit or 1) * SMALL_UNITS[ch]
            digit = 0
        else:
            unit = BIG_UNITS[ch]
            section += digit
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = digit = 0
    return total + section + digit


def parse_number(text: str) -> Decimal | None:
    """'7.7' / '3,000,000' / '３０００' / '柒万' → Decimal (units 万/亿 applied)."""
    text = text.strip().translate(_FULLWIDTH).replace(",", "").replace("，", "")
    if not text:
        return None
    multiplier = Decimal(1)
    while text and text[-1] in BIG_UNITS and not _all_chinese(text):
        multiplier *= BIG_UNITS[text[-1]]
        text = text[:-1]
    try:
        return Decimal(text) * multiplier
    except InvalidOperation:
        pass
    value = parse_chinese_integer(text)
    return Decimal(value) * multiplier if value is not None else None


def _all_chinese(text: str) -> bool:
    return all(ch in CHINESE_NUMERAL_CHARS for ch in text)


_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
