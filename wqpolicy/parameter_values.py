"""The shape of a parameter's value, checked at load: what would make it fail when a rule reads it.

An empty value or part (YAML reads `key:` with nothing after as null), a value that is not its declared ``type``,
and list items or mapping entries of different kinds. Each problem names its place inside the value.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from . import ast
from . import types as T
from .display import excerpt
from .values import Duration, is_number, is_whole


class ValueProblem(NamedTuple):
    code: str
    at: tuple  # the path inside the value
    message: str
    hint: str | None = None
    severity: str = "error"
    zh: str | None = None  # the message in Chinese
    hint_zh: str | None = None


def value_problems(value: Any, kind: str | None) -> list[ValueProblem]:
    """What would make a parameter value fail when a rule reads it: an empty value or part, a value that is not
    its declared ``type``, list items or mapping entries of different kinds.

    >>> [(p.at, p.message) for p in value_problems(["a", None], "list")]
    [((1,), '`value[1]` is empty; write a value, or remove the item')]
    """
    if value is None:
        return [
            ValueProblem(
                "WQ-SCHEMA",
                (),
                "the value is empty; write a value, or remove the parameter",
                zh="取值是空的：请写上取值，或删除这个参数",
            )
        ]
    found = list(_empty_parts(value))
    wrong = _not_declared(value, kind)
    if wrong:
        en, zh = number_hints(value, kind) if isinstance(value, str) else (None, None)
        found.append(ValueProblem("WQ-TYPE", (), wrong[0], en, zh=wrong[1], hint_zh=zh))
    elif kind is None and isinstance(value, str) and _typed_number(value):
        # no `type` to check against, but `20 %` or `３` is a number mistyped, which rules would compare as text
        en, zh = number_hints(value, kind)
        found.append(
            ValueProblem(
                "WQ-TYPE",
                (),
                f"`{excerpt(value)}` is text, not a number",
                en,
                zh=f"`{excerpt(value)}` 是文字，不是数字",
                hint_zh=zh,
            )
        )
    found += joined_items(value)
    for group in _alike_groups(value):
        found += _unlike(group)
    return found


def _typed_number(text: str) -> str | None:
    """``text`` as the number (or date) it was meant to be, when it is one mistyped: full-width characters,
    spaces inside it, thousands separators; else None."""
    from .syntax_errors import ascii_for

    meant = "".join(ascii_for(c) or c for c in text).strip()
    joined = re.sub(r"\s+", "", meant)
    percent = re.fullmatch("百分之(.+)", joined)
    if percent:  # 百分之四, 百分之3.5
        number = chinese_number(percent.group(1))
        return f"{number}%" if number else None
    date = re.fullmatch(r"([0-9]{4})[/.年-]([0-9]{1,2})[/.月-]([0-9]{1,2})日?", joined)
    if date:  # 2021/1/1, 2021年1月1日
        joined = "{}-{:0>2}-{:0>2}".format(*date.groups())
    grouped = re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?\D*", joined)  # 1,000万元; not 1,5 (a decimal comma)
    for candidate in (meant, joined, joined.replace(",", "") if grouped else joined):
        if candidate != text and _is_literal(candidate):
            return candidate
    return None


_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}


def chinese_number(text: str) -> str | None:
    """A number from 0 to 100 written in Chinese (`四`, `二十五`, `三点五`, `一百`) or in digits (`3.5`), in digits;
    else None."""
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return text
    whole, _, fraction = text.partition("点")
    if fraction and not all(c in _DIGITS for c in fraction):
        return None
    tens, ten, ones = whole.rpartition("十")
    if whole == "一百":
        number = "100"
    elif ten and tens in ("", *_DIGITS) and tens != "零" and ones in ("", *_DIGITS):
        number = str(int(_DIGITS.get(tens, "1")) * 10 + int(_DIGITS.get(ones, "0")))
    elif not ten and len(whole) == 1 and whole in _DIGITS:
        number = _DIGITS[whole]
    else:
        return None
    return number + ("." + "".join(_DIGITS[c] for c in fraction) if fraction else "")


def _is_literal(text: str) -> bool:
    from .parser import ParseFailure, parse

    try:
        node = parse(text)
    except ParseFailure:
        return False
    if isinstance(node, ast.Unary) and node.op == "-":
        node = node.operand
    return isinstance(node, ast.Literal) and node.kind in ("number", "date", "duration")


def number_hint(text: str, kind: str | None = None) -> str | None:
    """What to write for text that was meant as a number (`20 %` -> `20%`), or which part is not a unit."""
    return number_hints(text, kind)[0]


# Words for yuan the language does not take (it takes 元): 人民币, RMB, 块; and 整 (exactly), which adds nothing.
_YUAN = re.compile(r"(?:人民币|RMB|CNY|块钱|块)", re.IGNORECASE)
_EXACTLY = re.compile(r"[整正]$")
# Measure words after a count or an area, which state the unit and do not scale the number: the number alone
# means the same (the unit is the parameter's `unit:` or its label).
_COUNT_WORDS = ("家次", "个", "家", "次", "项", "人", "名", "份", "件")
_AREA_WORDS = ("平方米", "平米", "平方", "㎡", "m²", "m2", "M2")
_DURATION_WORDS = {
    "年": "year",
    "个月": "month",
    "月": "month",
    "天": "day",
    "日": "day",
    "yr": "year",
    "yrs": "year",
    "mo": "month",
    "mos": "month",
    "d": "day",
}
_SCALES = {"千": 1000, "百": 100, "十": 10}


def number_hints(text: str, kind: str | None = None) -> tuple[str | None, str | None]:
    """(English, Chinese) of what to write for ``text`` that was meant as a number of a parameter of ``kind``,
    only where what to write means what was meant: `1000万元整` -> `1000万元` (整 adds nothing; `1000` would be
    one thousand yuan), `1000万人民币` -> `1000万元`, `5千万` -> `5000万`, `1年` -> `1 year`, `1000平方米` -> `1000`
    for a number (its unit is said by `unit:`). A unit the language does not know and that may scale the
    number gets no figure to write: the message says which part is not understood."""
    if re.fullmatch(r"\s*-\s*[0-9]+\s*(years?|months?|days?)\s*", text):
        return (
            "a duration cannot be negative: give how long, as `1 year`",
            "时长不能是负数：请写明多长时间，例如 `1 year`",
        )
    if re.fullmatch(r"\s*[0-9]*\.[0-9]+\s*(years?|months?|days?)\s*", text):
        return (
            "a duration is whole years, months or days: write `6 months`, not `0.5 year`",
            "时长须为整年、整月或整日：请写 `6 months`，而不是 `0.5 year`",
        )
    meant = _typed_number(text)
    if meant is not None:
        if "," in text and "," not in meant:
            return (
                f"`{text.strip()}` holds a thousands separator; write `{meant}`, without commas",
                f"`{text.strip()}` 中有千位分隔符：请去掉逗号，写成 `{meant}`",
            )
        return f"write `{meant}`", f"请写 `{meant}`"
    m = re.fullmatch(r"([0-9][0-9_.]*)\s*(\D+)", text.strip())
    if not m:
        return None, None
    number, unit = m.group(1), m.group(2).strip()
    written = _unit_written(number, unit, kind)
    if written is not None:
        return f"write `{written}`", f"请写 `{written}`"
    return (
        f"`{unit}` is not a unit of the language (%, 万, 亿, 元; years, months, days)",
        f"`{unit}` 不是本语言可用的单位（%、万、亿、元；years、months、days）",
    )


def _unit_written(number: str, unit: str, kind: str | None) -> str | None:
    """``number`` with ``unit`` written as the language writes it, when that is certain to mean the same."""
    unit = _EXACTLY.sub("", _YUAN.sub("元", unit)).strip()
    unit = unit.replace("元元", "元")
    if unit and unit[0] in _SCALES and (len(unit) == 1 or unit[1] in "万亿元"):
        try:
            scaled = Decimal(number) * _SCALES[unit[0]]
        except InvalidOperation:
            return None
        number, unit = format(scaled.normalize(), "f"), unit[1:]
    if unit in _DURATION_WORDS and kind in (None, "duration") and re.fullmatch("[0-9]+", number):
        word = _DURATION_WORDS[unit]
        return f"{number} {word}" + ("" if number == "1" else "s")
    if (unit in _COUNT_WORDS and kind in (None, "integer", "number")) or (
        unit in _AREA_WORDS and kind in (None, "number")
    ):
        return number
    candidate = number + unit
    return candidate if unit and _is_literal(candidate) else None


def joined_items(value: Any, name: str = "value", at: tuple = ()) -> Iterator[ValueProblem]:
    """List items of text joined with a Chinese comma (`[a，b]` is one item, `a，b`): an error for codes, which
    are never written so, and a warning for other text, which may mean it. ``name`` is what the list is
    called in the messages (`value`, `remove`)."""
    for key, item in _children(value):
        if isinstance(item, str) and isinstance(value, list) and re.search("[，、]", item):
            parts = re.split("[，、]", item)
            codes = all(re.fullmatch(r"[A-Za-z0-9_.]+", p.strip()) for p in parts)
            listed = ", ".join(p.strip() for p in parts)
            yield ValueProblem(
                "WQ-TYPE",
                at + (key,),
                f"`{_where(at + (key,), name)}` is one item, `{item}`, holding a Chinese comma",
                f"to list {len(parts)} items, separate them with `,` (ASCII): [{listed}]",
                "error" if codes else "warning",
                zh=f"`{_where(at + (key,), name)}` 是含有中文逗号的一项：`{item}`",
                hint_zh=f"若要列出 {len(parts)} 项，请用半角逗号 `,` 分隔：[{listed}]",
            )
        elif isinstance(item, (list, dict)):
            yield from joined_items(item, name, at + (key,))


def _children(value: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(value, list):
        return enumerate(value)
    return value.items() if isinstance(value, dict) else ()


def _where(at: tuple, name: str = "value") -> str:
    return name + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in at)


def _empty_parts(value: Any, at: tuple = ()) -> Iterator[ValueProblem]:
    # YAML reads `key:` or `- ` with nothing after as null, which no operation of the language accepts.
    for key, item in _children(value):
        if item is None:
            part = "item" if isinstance(key, int) else "entry"
            # `{en: The bureau, with experts}` is en: "The bureau" and a key "with experts" with no value
            quoted = " " in str(key)
            yield ValueProblem(
                "WQ-SCHEMA",
                at + (key,),
                f"`{_where(at + (key,))}` is empty; write a value, or remove the {part}",
                "in `{…}` a comma ends the text: quote text that holds a comma" if quoted else None,
                zh=f"`{_where(at + (key,))}` 是空的：请写上取值，或删除这一项",
                hint_zh="在 `{…}` 内逗号会结束文字：含逗号的文字请加引号" if quoted else None,
            )
        else:
            yield from _empty_parts(item, at + (key,))


# declared type -> (does the value have it, what such a value is, in English and Chinese)
_DECLARED: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    "number": (is_number, "a number", "数字"),
    "ratio": (is_number, "a number or percentage", "数字或百分比"),
    "money": (is_number, "an amount", "金额"),
    "integer": (is_whole, "a whole number", "整数"),
    "date": (lambda v: isinstance(v, datetime.date), "a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "duration": (lambda v: isinstance(v, Duration), "a duration such as `6 months`", "时长（如 `6 months`）"),
    "string": (lambda v: isinstance(v, str), "text", "文字"),
    "bool": (lambda v: isinstance(v, bool), "true or false", "是否值（true 或 false）"),
    "list": (lambda v: isinstance(v, list), "a list", "列表"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping", "代码表"),
}


def _not_declared(value: Any, kind: str | None) -> tuple[str, str] | None:
    """(English, Chinese) when ``value`` is not of its declared ``kind``, else None."""
    if kind not in _DECLARED or _DECLARED[kind][0](value):
        return None
    if isinstance(value, (list, dict)):
        shown, shown_zh = str(T.of_value(value)), T.zh(T.of_value(value))
    else:
        shown = shown_zh = excerpt(_scalar_text(value))
    return (
        f"declared {kind} but its value ({shown}) is not {_DECLARED[kind][1]}; correct the value or the `type`",
        f"声明的类型是 {kind}，但取值（{shown_zh}）不是{_DECLARED[kind][2]}：请更正取值或 `type`",
    )


def _scalar_text(v: object) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def _alike_groups(value: Any, at: tuple = ()) -> Iterator[list[tuple[tuple, Any]]]:
    """The parts of a value that rules use as one type, so must be of one kind: a list's items and the
    top-level mapping's entries (the codes of a mapping), and among those that are records, each field.
    A record may lack a field the others have: reading it gives unknown, which rules handle."""
    if isinstance(value, list) or (isinstance(value, dict) and not at):
        group = [(at + (k,), v) for k, v in _children(value)]
        yield group
        fields: dict = {}
        for where, record in group:
            for field, v in _children(record) if isinstance(record, dict) else ():
                fields.setdefault(field, []).append((where + (field,), v))
        yield from fields.values()
    for k, v in _children(value):
        yield from _alike_groups(v, at + (k,))


def _unlike(group: list[tuple[tuple, Any]]) -> Iterator[ValueProblem]:
    """Members of ``group`` whose kind differs from the first's (empty members are reported apart)."""
    known = [(at, v) for at, v in group if v is not None]
    for at, v in known[1:]:
        first, want = known[0]
        if not _same_kind(T.of_value(v), T.of_value(want)):
            yield ValueProblem(
                "WQ-TYPE",
                at,
                f"`{_where(at)}` is {_kind(v)}, unlike `{_where(first)}` ({_kind(want)}); make them the same kind",
                zh=f"`{_where(at)}` 为{_kind_zh(v)}，而 `{_where(first)}` 为{_kind_zh(want)}：请改成同一类",
            )


def _kind(v: object) -> str:
    return "record" if isinstance(v, dict) else str(T.of_value(v))


def _kind_zh(v) -> str:
    return "记录" if isinstance(v, dict) else T.zh(T.of_value(v))


def _same_kind(a, b) -> bool:
    # Any two mappings are alike here: records are compared field by field in their own group.
    if isinstance(a, (T.MapOf, T.Record)) and isinstance(b, (T.MapOf, T.Record)):
        return True
    if isinstance(a, T.ListOf) and isinstance(b, T.ListOf):
        return _same_kind(a.item, b.item)
    return T.fits(a, b)
