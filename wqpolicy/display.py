"""How values look to people and in JSON text: exact decimals without exponents, grouped thousands,
ratios as percentages, and {name} placeholders in messages and labels filled with them."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .values import UNKNOWN, Year, is_number, quantize

CENT = Decimal("0.01")
# Characters of a value shown in a message, at most, and in a report's `read:` line (engine settings): a 512 KiB
# value is not echoed back.
EXCERPT, READ_EXCERPT = 60, 240


def bilingual(zh: str, en: str, lang: str = "both", sep: str = " ", both: str | None = None) -> str:
    """Words for people in ``lang``: the Chinese (zh), the English (en), or both — the Chinese, ``sep``, the
    English, or ``both`` when the pair is said otherwise together.

    >>> bilingual("结论", "Outcome"), bilingual("结论", "Outcome", "zh"), bilingual("通过", "passed", "en")
    ('结论 Outcome', '结论', 'passed')
    """
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    return both if both is not None else f"{zh}{sep}{en}"


def unsigned_zero(d: Decimal) -> Decimal:
    """``d``, with the sign of a zero dropped: 0 * -1, or -0.001 rounded to the fen, is 0 to people, not -0."""
    return d.copy_abs() if d.is_zero() else d


def decimal_text(v: int | Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros: 0.0375, 12066000."""
    if type(v) is int:
        return str(v)  # a whole number's own digits (what the lines below give it, without the Decimal)
    d = v if type(v) is Decimal else Decimal(v)
    text = str(d)  # what format(d, "f") gives, in fewer steps, unless written with an exponent
    if "E" in text:
        text = format(d, "f")
    if len(text) <= 28 or _digits(text) <= 28:
        # the usual number, of no more digits than a Decimal keeps: its own text, trimmed, is what normalize()
        # below gives
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    d = unsigned_zero(d)
    if d == d.to_integral_value():
        return format(quantize(d, Decimal(1)), "f")
    return format(d.normalize(), "f")


def _digits(text: str) -> int:
    """The significant digits of a number's fixed-point text (its sign, leading zeros and point aside)."""
    significant = text.lstrip("-0.")
    return len(significant) - ("." in significant)


def money_text(v: int | Decimal) -> str:
    """Money in its JSON form: exactly two decimals, rounded half-up, never "-0.00": 3682950.00."""
    if type(v) is int:
        return f"{v}.00"
    d = v if type(v) is Decimal else Decimal(v)
    try:
        # quantize's own first try, without the call; str of a finite Decimal of exponent -2 is its "f" format
        text = str(d.quantize(CENT, ROUND_HALF_UP))
    except InvalidOperation:
        text = format(quantize(d, CENT, ROUND_HALF_UP), "f")
    return "0.00" if text == "-0.00" else text


def exact_money_text(v: int | Decimal) -> str:
    """Money as read by a rule: two decimals like every amount (12276500.00), more only when the exact figure has
    them (9999999.995: a rule compares the exact figure, so its values must show it, not a rounded one)."""
    if type(v) is int:
        return f"{v}.00"
    d = v if type(v) is Decimal else Decimal(v)
    try:
        fen = d.quantize(CENT)  # quantize's own first try, without the call
    except InvalidOperation:
        fen = quantize(d, CENT)
    if d != fen:
        return decimal_text(d)
    text = str(fen)  # exponent -2: no exponent written
    return "0.00" if text == "-0.00" else text


def _cut(d: Decimal, step: str) -> str:
    """A long decimal cut at ``step`` (toward zero, never rounded up), with an ellipsis to say more digits
    follow: 0.33333333…, 59.9999… (not 60.…: a share just under a threshold must not look as if it met it)."""
    text = format(unsigned_zero(quantize(d, Decimal(step), ROUND_DOWN)), "f")
    trimmed = text.rstrip("0")
    return (text if trimmed.endswith(".") else trimmed) + "…"


def display(v: Any, kind: str | None = None) -> str:
    """A value for people: 1,234,567 for large numbers (a year, the result of year(), stays 2024), 4.5% for a
    ratio parameter, 0.03666667… for long decimals."""
    if type(v) is int and -1000 < v < 1000 and kind != "ratio":
        return str(v)  # the usual count, as the lines below give it (no thousands to group), without their steps
    if v is UNKNOWN or v is None:
        return "unknown"
    if kind == "ratio" and is_number(v):
        pct = Decimal(v) * 100
        exponent = pct.as_tuple().exponent  # an int for a finite number ('n', 'N', 'F' otherwise)
        if isinstance(exponent, int) and exponent < -4:
            return _cut(pct, "1e-4") + "%"
        return decimal_text(pct) + "%"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        d = Decimal(v)
        grouped = d and d.adjusted() >= 3 and not isinstance(v, Year)  # four digits or more: group the thousands
        exponent = d.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -10:
            text = _cut(d, "1e-8")
            if grouped:  # 3,333,333.33333333…
                whole, _, rest = text.partition(".")
                return f"{int(whole):,}.{rest}" if rest else text
            return text
        if grouped:
            text = f"{d:,f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return decimal_text(d)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(display(x) for x in v) + "]"
    if isinstance(v, dict):
        if v and all(isinstance(x, dict) for x in v.values()):
            return "{" + ", ".join(v) + "}"
        return "{" + ", ".join(f"{k}: {display(x)}" for k, x in v.items()) + "}"
    return str(v)


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless one: "1 error", "2 warnings", "0 policy versions"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for wide (Chinese, full-width) characters, one for the rest."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (Chinese counts double), for aligned columns."""
    return text + " " * max(0, width - columns(text))


def fill(template: str, values: dict, kinds: dict, shown: dict[str, str] | None = None) -> str:
    """``template`` with each ``{name}`` replaced by the value ``name`` as people read it (at most EXCERPT
    characters of it). ``shown`` (name -> text), when given, keeps each value's text for the next template (the
    other language's). One pass over the template: a value whose text holds a placeholder (``{b}``, an input
    string) is shown as it is, never filled in turn.

    >>> fill("{a} and {b}", {"a": "{b}", "b": 1}, {})
    '{b} and 1'
    """
    if "{" not in template:
        return template

    def one(m: re.Match) -> str:
        k = m.group(1)
        if k not in values:
            return m.group(0)
        text = shown.get(k) if shown is not None else None
        if text is None:
            text = excerpt(display(values[k], kinds.get(k)))
            if shown is not None:
                shown[k] = text
        return text

    return _PLACEHOLDER.sub(one, template)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``value`` as text, cut to ``limit`` characters and `…` when longer.

    >>> excerpt("x" * 100, 10)
    'xxxxxxxxxx…'
    """
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + "…"
