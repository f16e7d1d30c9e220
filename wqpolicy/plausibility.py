"""Whether a parameter's value is plausible for its kind: the bounds of each kind (a ratio from 0 to 100 %, money
and counts not below 0) and those a policy declares (`min`, `max`); a percentage written as a plain number; a
revision that changes a value more than tenfold; the figures a text states, to find an inherited text that still
quotes a value a revision changed; an entry of a mapping that lacks a field all its siblings have.

A ratio is written as a percentage (`70%`) or as a fraction of one (`0.7`): a plain number above 1 for a ratio
(`70`, read as 7000 %) is the slip of a percentage without its sign, an error that says to write `70%`.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, NamedTuple

from .display import decimal_text, display
from .values import Duration, is_number

# The bounds of each kind of parameter when the policy declares none: (lowest, highest), None for no bound. A
# number with a `unit` (an area, say) is a measure, never below 0. These are the meanings of the kinds (a ratio is
# a share of a whole), not numbers of any policy.
KIND_BOUNDS: dict[str, tuple[Any, Any]] = {
    "ratio": (Decimal(0), Decimal(1)),
    "money": (Decimal(0), None),
    "integer": (Decimal(0), None),
}
MEASURE_BOUNDS = (Decimal(0), None)

# How much a revision may multiply or divide a value before `check` asks whether that was meant (a warning): a
# slip of one 0 makes a value exactly ten times what it was.
TENFOLD = Decimal(10)


class Finding(NamedTuple):
    """A problem with a value: English and Chinese words, what to write (when that is certain), its severity."""

    message: str
    zh: str
    hint: str | None = None
    hint_zh: str | None = None
    severity: str = "error"


def bounds(kind: str | None, unit: str | None, low: Any = None, high: Any = None) -> tuple[Any, Any]:
    """(lowest, highest) allowed for a parameter of ``kind``: the declared ``low``/``high`` where given, else the
    kind's own (KIND_BOUNDS; a number with a ``unit`` is a measure, not below 0)."""
    default = KIND_BOUNDS.get(kind or "", MEASURE_BOUNDS if kind == "number" and unit else (None, None))
    return (default[0] if low is None else low, default[1] if high is None else high)


def bound_text(kind: str | None, low: Any, high: Any) -> tuple[str, str]:
    """The bounds in words, (English, Chinese): `0% to 100%`, `at least 0` / `0% 至 100%`, `不小于 0`."""
    lo = display(low, kind) if low is not None else None
    hi = display(high, kind) if high is not None else None
    if lo is not None and hi is not None:
        return f"{lo} to {hi}", f"{lo} 至 {hi}"
    if lo is not None:
        return f"at least {lo}", f"不小于 {lo}"
    if hi is not None:
        return f"at most {hi}", f"不大于 {hi}"
    return "no bounds", "无范围限制"


def written_as_percentage(raw: Any) -> bool:
    """Whether a ratio's value was written with a percent sign (`70%`, `百分之七十`) rather than as a number."""
    return isinstance(raw, str) and ("%" in raw or "％" in raw or "百分之" in raw)


def value_findings(raw: Any, value: Any, kind: str | None, low: Any, high: Any) -> list[Finding]:
    """What is implausible about ``value`` (``raw`` as written) for a parameter of ``kind`` within
    (``low``, ``high``): a ratio above 1 written as a plain number (with what to write: the same number with
    `%`), or a value outside the bounds (no hint: which value was meant is not known)."""
    if not _comparable(value, low) and not _comparable(value, high):
        return []
    if kind == "ratio" and is_number(value) and value > 1 and not written_as_percentage(raw):
        number = decimal_text(value)
        fraction = decimal_text(Decimal(value) / 100)
        return [
            Finding(
                f"a ratio written as a plain number: `{number}` is {decimal_text(Decimal(value) * 100)}%",
                f"比例写成了普通数字：`{number}` 即 {decimal_text(Decimal(value) * 100)}%",
                f"write `{number}%`; a ratio is a percentage (`{number}%`) or a fraction of one (`{fraction}`)",
                f"请写 `{number}%`；比例写作百分数（`{number}%`）或小数（`{fraction}`）",
            )
        ]
    too_low = _comparable(value, low) and value < low
    too_high = _comparable(value, high) and value > high
    if not (too_low or too_high):
        return []
    shown = display(value, kind)
    en, zh = bound_text(kind, low, high)
    return [
        Finding(
            f"the value {shown} is outside the bounds of this parameter ({en})",
            f"取值 {shown} 超出该参数的范围（{zh}）",
            "correct the value, or the bounds in `min:` / `max:`",
            "更正取值，或更正 `min:` / `max:` 中的范围",
        )
    ]


def _comparable(value: Any, bound: Any) -> bool:
    if bound is None or value is None or isinstance(value, bool) or isinstance(bound, bool):
        return False
    if is_number(value) and is_number(bound):
        return True
    return isinstance(value, datetime.date) and isinstance(bound, datetime.date)


def tenfold(old: Any, new: Any) -> bool:
    """Whether ``new`` is TENFOLD times ``old`` or more, or a tenth of it or less (numbers of one sign): a 0 or
    a 万 too many or too few."""
    if not (is_number(old) and is_number(new)) or isinstance(old, bool) or isinstance(new, bool):
        return False
    if old == 0 or new == 0 or (old > 0) != (new > 0):
        return False
    ratio = Decimal(new) / Decimal(old)
    return ratio >= TENFOLD or ratio * TENFOLD <= 1


# Chinese numerals for the counts a text may state (六大产业, 五大功能).
_NUMERALS = "零一二三四五六七八九十"
_ENGLISH = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
# The words a count stands before in Chinese (六大产业, 五个, 三项, 两类).
_COUNTED = "大个项类种家条"


def figure_pattern(value: Any, kind: str | None) -> re.Pattern | None:
    """A pattern for the ways a text may state ``value`` of a parameter of ``kind`` as a figure: money as
    `1000万`, `10,000,000` or `10000000`; a ratio as `3%`; a count of a list or mapping (its number of items) as
    `六大`, `6个`, `six`; a duration as `1 year`, `1年`; a number as itself, not inside a longer number or a clause
    id (3.2.3). None when there is nothing to look for."""
    forms: list[str] = []
    if isinstance(value, (list, dict)):
        n = len(value)
        if 1 < n <= 10:
            return re.compile(
                rf"(?:[{_NUMERALS[n]}{n}](?:[{_COUNTED}])|\b{_ENGLISH[n]}\b)",
                re.IGNORECASE,
            )
        return None
    if isinstance(value, Duration):
        return _duration_pattern(value)
    if isinstance(value, datetime.date):
        forms.append(re.escape(value.isoformat()))
    elif is_number(value) and not isinstance(value, bool):
        d = Decimal(value)
        if kind == "ratio":
            percent = decimal_text(d * 100)
            return re.compile(rf"(?<![\d.,]){re.escape(percent)}\s*[%％]")
        text = decimal_text(d)
        forms.append(re.escape(text))
        if d == d.to_integral_value() and abs(d) >= 1000:
            forms.append(re.escape(f"{int(d):,}"))
        for unit, scale in (("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4)):
            part = d / scale
            if d and abs(d) >= scale and part == part.quantize(Decimal("0.01")):
                forms.append(re.escape(decimal_text(part)) + unit)
    if not forms:
        return None
    return re.compile(rf"(?<![\d.,])(?:{'|'.join(sorted(forms, key=len, reverse=True))})(?![\d%％]|\.\d)")


def _duration_pattern(value: Duration) -> re.Pattern | None:
    text = str(value)  # `1 year`, `6 months`
    m = re.fullmatch(r"(\d+) (year|month|day)s?", text)
    if not m:
        return None
    n, unit = m.group(1), m.group(2)
    zh = {"year": "年", "month": "个?月", "day": "[天日]"}[unit]
    numeral = _NUMERALS[int(n)] if int(n) <= 10 else n
    return re.compile(rf"(?<![\d.])(?:{n}\s*{unit}s?\b|[{n}{numeral}]{zh})")


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def quoted(text: str, pattern: re.Pattern) -> re.Match | None:
    """Where ``text`` states the figure ``pattern`` looks for, its {placeholders} left out (a template states
    the value in force, whatever it is)."""
    return pattern.search(_PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text))


# The keys under which a policy document holds texts written for people (a note, a label, a rule's message, an
# outcome's words, a description).
TEXT_KEYS = ("note", "label", "message", "outcomes", "description", "effective_note", "title")


def texts(doc: dict) -> list[tuple[tuple, str]]:
    """Every text written for people in a policy document, with its path: notes, labels, messages, outcome words,
    descriptions — never a value, an expression or a code."""
    out: list[tuple[tuple, str]] = []

    def walk(node: Any, path: tuple, inside: bool) -> None:
        if isinstance(node, str):
            if inside:
                out.append((path, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                if k in ("value", "expr", "condition", "when", "fields", "each", "order_by", "carry"):
                    continue
                walk(v, path + (k,), inside or k in TEXT_KEYS)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,), inside)

    for key, value in doc.items():
        if key in ("clause_map", "source"):
            continue
        walk(value, (key,), key in TEXT_KEYS)
    return out


def missing_fields(value: Any) -> list[tuple[str, str, str]]:
    """(entry, field, sibling) for each entry of a mapping of records that lacks a field every other entry has
    (at least two others): a new industry without `subsectors`, say, which every rule reading it finds unknown."""
    if not isinstance(value, dict) or len(value) < 3 or not all(isinstance(v, dict) for v in value.values()):
        return []
    out = []
    for key, entry in value.items():
        others = [(k, v) for k, v in value.items() if k != key]
        shared = set.intersection(*(set(v) for _, v in others))
        for field in sorted(shared - set(entry)):
            out.append((str(key), str(field), str(others[0][0])))
    return out
