"""The shape of a parameter's value, checked at load: what would make it fail when a rule reads it.

An empty value or part (YAML reads `key:` with nothing after as null), a value that is not its declared ``type``,
and list items or mapping entries of different kinds. Each problem names its place inside the value.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

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


def value_problems(value, kind: str | None) -> list[ValueProblem]:
    """What would make a parameter value fail when a rule reads it: an empty value or part, a value that is not
    its declared ``type``, list items or mapping entries of different kinds.

    >>> [(p.at, p.message) for p in value_problems(["a", None], "list")]
    [((1,), '`value[1]` is empty; write a value, or remove the item')]
    """
    if value is None:
        return [ValueProblem("WQ-SCHEMA", (), "the value is empty; write a value, or remove the parameter")]
    found = list(_empty_parts(value))
    wrong = _not_declared(value, kind)
    if wrong:
        found.append(ValueProblem("WQ-TYPE", (), wrong, number_hint(value) if isinstance(value, str) else None))
    elif kind is None and isinstance(value, str) and _typed_number(value):
        # no `type` to check against, but `20 %` or `３` is a number mistyped, which rules would compare as text
        found.append(ValueProblem("WQ-TYPE", (), f"`{excerpt(value)}` is text, not a number", number_hint(value)))
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


def number_hint(text: str) -> str | None:
    """What to write for text that was meant as a number (`20 %` -> `20%`), or which part is not a unit."""
    if re.fullmatch(r"\s*-\s*[0-9]+\s*(years?|months?|days?)\s*", text):
        return "a duration cannot be negative: give how long, as `1 year`"
    if re.fullmatch(r"\s*[0-9]*\.[0-9]+\s*(years?|months?|days?)\s*", text):
        return "a duration is whole years, months or days: write `6 months`, not `0.5 year`"
    meant = _typed_number(text)
    if meant is not None:
        return f"write `{meant}`"
    m = re.fullmatch(r"([0-9][0-9_.]*)\s*(\D+)", text.strip())
    if m:
        return (
            f"`{m.group(2)}` is not a unit of the language (%, 万, 亿, 元); write `{m.group(1)}` and say the "
            "unit in `unit:` or the label"
        )
    return None


def joined_items(value, name: str = "value", at=()):
    """List items of text joined with a Chinese comma (`[a，b]` is one item, `a，b`): an error for codes, which
    are never written so, and a warning for other text, which may mean it. ``name`` is what the list is
    called in the messages (`value`, `remove`)."""
    for key, item in _children(value):
        if isinstance(item, str) and isinstance(value, list) and re.search("[，、]", item):
            parts = re.split("[，、]", item)
            codes = all(re.fullmatch(r"[A-Za-z0-9_.]+", p.strip()) for p in parts)
            yield ValueProblem(
                "WQ-TYPE",
                at + (key,),
                f"`{_where(at + (key,), name)}` is one item, `{item}`, holding a Chinese comma",
                f"to list {len(parts)} items, separate them with `,` (ASCII): [{', '.join(p.strip() for p in parts)}]",
                "error" if codes else "warning",
            )
        elif isinstance(item, (list, dict)):
            yield from joined_items(item, name, at + (key,))


def _children(value):
    if isinstance(value, list):
        return enumerate(value)
    return value.items() if isinstance(value, dict) else ()


def _where(at: tuple, name: str = "value") -> str:
    return name + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in at)


def _empty_parts(value, at=()):
    # YAML reads `key:` or `- ` with nothing after as null, which no operation of the language accepts.
    for key, item in _children(value):
        if item is None:
            part = "item" if isinstance(key, int) else "entry"
            # `{en: The bureau, with experts}` is en: "The bureau" and a key "with experts" with no value
            hint = "in `{…}` a comma ends the text: quote text that holds a comma" if " " in str(key) else None
            yield ValueProblem(
                "WQ-SCHEMA", at + (key,), f"`{_where(at + (key,))}` is empty; write a value, or remove the {part}", hint
            )
        else:
            yield from _empty_parts(item, at + (key,))


_DECLARED = {  # declared type -> (does the value have it, what such a value is)
    "number": (is_number, "a number"),
    "ratio": (is_number, "a number or percentage"),
    "money": (is_number, "an amount"),
    "integer": (is_whole, "a whole number"),
    "date": (lambda v: isinstance(v, datetime.date), "a date (YYYY-MM-DD)"),
    "duration": (lambda v: isinstance(v, Duration), "a duration such as `6 months`"),
    "string": (lambda v: isinstance(v, str), "text"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping"),
}


def _not_declared(value, kind) -> str | None:
    if kind not in _DECLARED or _DECLARED[kind][0](value):
        return None
    shown = T.of_value(value) if isinstance(value, (list, dict)) else excerpt(_scalar_text(value))
    return f"declared {kind} but its value ({shown}) is not {_DECLARED[kind][1]}; correct the value or the `type`"


def _scalar_text(v) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def _alike_groups(value, at=()):
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


def _unlike(group):
    """Members of ``group`` whose kind differs from the first's (empty members are reported apart)."""
    known = [(at, v) for at, v in group if v is not None]
    for at, v in known[1:]:
        first, want = known[0]
        if not _same_kind(T.of_value(v), T.of_value(want)):
            yield ValueProblem(
                "WQ-TYPE",
                at,
                f"`{_where(at)}` is {_kind(v)}, unlike `{_where(first)}` ({_kind(want)}); make them the same kind",
            )


def _kind(v) -> str:
    return "record" if isinstance(v, dict) else str(T.of_value(v))


def _same_kind(a, b) -> bool:
    # Any two mappings are alike here: records are compared field by field in their own group.
    if isinstance(a, (T.MapOf, T.Record)) and isinstance(b, (T.MapOf, T.Record)):
        return True
    if isinstance(a, T.ListOf) and isinstance(b, T.ListOf):
        return _same_kind(a.item, b.item)
    return T.fits(a, b)
