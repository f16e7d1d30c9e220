"""The builtin functions: the one table the checker and the compiler both read.

Each entry gives its arity, how its result type follows from its argument types, whether it takes a
collection (``sum(x for x in xs)`` / ``sum(xs)``), and its implementation. Unknown arguments make a
``strict`` function's result unknown; the others (any, all, known, value_or) follow Kleene logic.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import types as T
from .display import decimal_text
from .values import UNKNOWN, EvalFault, Year, is_number, is_whole, quantize


@dataclass(frozen=True)
class Builtin:
    name: str
    min_args: int
    max_args: int
    doc: str
    result: Callable  # (arg types) -> type, or raises TypeError(message)
    impl: Callable  # (*values) -> value; collection functions get one list
    collection: bool = False  # the single argument is a collection (or a generator form)
    strict: bool = True
    known_impl: Callable | None = None  # impl for a list known to hold no unknown (generated loops check as they go)


def _need(t, want, what):
    if not T.fits(t, want):
        raise TypeError(f"{what} must be {want}, not {t}")


def _items(t, what="the argument"):
    if t == T.ANY:
        return T.ANY
    if not isinstance(t, T.ListOf):
        raise TypeError(f"{what} must be a list, not {t}")
    return t.item


def _numbers(args):
    t = _items(args[0]) if len(args) == 1 else T.NUMBER
    for a in args if len(args) > 1 else [t]:
        _need(a, T.NUMBER, "each value")
    return T.NUMBER


def _orderable(args):
    ts = [_items(args[0])] if len(args) == 1 else list(args)
    t = ts[0]
    for other in ts[1:]:
        t = T.join(t, other)
        if t is None:
            raise TypeError("values of different types cannot be compared")
    if t not in (T.NUMBER, T.DATE, T.ANY, T.STRING):
        raise TypeError(f"{t} values have no order")
    return t


def _bools(args):
    _need(_items(args[0]), T.BOOL, "each value")
    return T.BOOL


def _known_only(values):
    return all(v is not UNKNOWN for v in values)


_ZERO = Decimal(0)


def _sum(xs):
    if not _known_only(xs):
        return UNKNOWN
    return _sum_known(xs)


def _sum_known(xs):
    try:
        return sum(xs, _ZERO)  # 0 + x1 + x2 + …, left to right, in C (a Decimal is immutable: one zero serves)
    except TypeError:  # something not a number: fault as the plain loop does, with its message (`+=`)
        total = Decimal(0)
        for x in xs:
            total += x
        return total


def _extreme(pick):
    def impl(*args):
        xs = args[0] if len(args) == 1 else args
        if not _known_only(xs):
            return UNKNOWN
        if not xs:
            return UNKNOWN
        return pick(xs)

    return impl


def _mean(xs):
    if not xs or not _known_only(xs):
        return UNKNOWN
    return _mean_known(xs)


def _mean_known(xs):
    return _sum_known(xs) / Decimal(len(xs)) if xs else UNKNOWN


def _any(xs):
    seen_unknown = False
    for x in xs:
        if x is True:
            return True
        if x is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else False


def _all(xs):
    seen_unknown = False
    for x in xs:
        if x is False:
            return False
        if x is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else True


def _count(xs):
    if not _known_only(xs):
        return UNKNOWN
    return Decimal(sum(1 for x in xs if x is not False))


def _distinct(xs):
    if not _known_only(xs):
        return UNKNOWN
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def round_step(places) -> Decimal | None:
    """The step ``round(x, places)`` rounds to (2 -> 0.01), or None when ``places`` is not a whole number from
    0 to 12."""
    if not isinstance(places, (int, Decimal)) or places != int(places) or not 0 <= places <= 12:
        return None
    return Decimal(1).scaleb(-int(places))


def _round(x, places):
    step = round_step(places)
    if step is None:
        shown = decimal_text(places)
        raise EvalFault(
            f"round: places must be a whole number from 0 to 12, not {shown}",
            None,
            f"round：小数位数须为 0 到 12 的整数，而不是 {shown}",
        )
    return quantize(x, step, ROUND_HALF_UP)


def _len(x):
    return Decimal(len(x))


def _year(d):
    return Year(d.year)


def _date(y, m, d):
    parts = (y, m, d)
    if not all(is_whole(x) for x in parts):  # never truncate: date(2021, 6, 30.5) is a mistake, not 2021-06-30
        raise EvalFault(
            f"date({_parts(parts)}): each part must be a whole number",
            None,
            f"date({_parts(parts)})：年、月、日须为整数",
        )
    try:
        return datetime.date(int(y), int(m), int(d))
    except ValueError as e:
        raise EvalFault(f"date({_parts(parts)}): {e}", None, f"date({_parts(parts)})：不是有效日期（{e}）") from None
    except OverflowError:  # a part beyond a C integer (date(10^15, 1, 1)) is out of range, as a smaller one is
        name, x = next(((n, x) for n, x in zip(("year", "month", "day"), parts) if abs(x) >= 2**31), ("a part", y))
        zh = {"year": "年", "month": "月", "day": "日"}.get(name, "一部分")
        raise EvalFault(
            f"date({_parts(parts)}): {name} {decimal_text(x)} is out of range",
            None,
            f"date({_parts(parts)})：{zh} {decimal_text(x)} 超出范围",
        ) from None


def _parts(parts) -> str:
    return ", ".join(decimal_text(x) if is_number(x) else str(x) for x in parts)


def _value_or(x, default):
    return default if x is UNKNOWN else x  # the compiler writes it inline, telling the context (absent.py)


def _known(x) -> bool:
    return x is not UNKNOWN  # the compiler writes it inline, telling the context (absent.py)


def _same(args):
    t = T.join(args[0], args[1])
    if t is None:
        raise TypeError(f"both values must have one type, not {args[0]} and {args[1]}")
    return t


def _length_of(args):
    if not (args[0] in (T.STRING, T.ANY) or isinstance(args[0], (T.ListOf, T.MapOf))):
        raise TypeError(f"len needs a list or text, not {args[0]}")
    return T.NUMBER


def _count_type(args):
    _items(args[0])
    return T.NUMBER


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin(
            "sum",
            1,
            1,
            "sum(xs): the total of a list of numbers (0 for none)",
            _numbers,
            _sum,
            collection=True,
            known_impl=_sum_known,
        ),
        Builtin(
            "count",
            1,
            1,
            "count(x for x in xs if c): how many items pass (a list of booleans counts its trues)",
            _count_type,
            _count,
            collection=True,
        ),
        Builtin(
            "mean",
            1,
            1,
            "mean(xs): the arithmetic mean; unknown for an empty list",
            _numbers,
            _mean,
            collection=True,
            known_impl=_mean_known,
        ),
        Builtin(
            "min",
            1,
            8,
            "min(a, b, …) or min(xs): the smallest value; unknown for an empty list",
            _orderable,
            _extreme(min),
            collection=True,
        ),
        Builtin(
            "max",
            1,
            8,
            "max(a, b, …) or max(xs): the largest value; unknown for an empty list",
            _orderable,
            _extreme(max),
            collection=True,
        ),
        Builtin(
            "any",
            1,
            1,
            "any(c for x in xs): true if one item is true (Kleene: else unknown if one is unknown)",
            _bools,
            _any,
            collection=True,
            strict=False,
        ),
        Builtin(
            "all",
            1,
            1,
            "all(c for x in xs): true if every item is true (Kleene)",
            _bools,
            _all,
            collection=True,
            strict=False,
        ),
        Builtin(
            "distinct",
            1,
            1,
            "distinct(xs): the list without repeats, first occurrence kept",
            lambda a: T.ListOf(_items(a[0])),
            _distinct,
            collection=True,
        ),
        Builtin("len", 1, 1, "len(xs): the number of items of a list (or characters of text)", _length_of, _len),
        Builtin(
            "round",
            2,
            2,
            "round(x, places): x rounded half-up to `places` decimals (round(x, 2) = to the fen)",
            lambda a: (_need(a[0], T.NUMBER, "the value"), _need(a[1], T.NUMBER, "places"), T.NUMBER)[-1],
            _round,
        ),
        Builtin(
            "abs", 1, 1, "abs(x): the absolute value", lambda a: (_need(a[0], T.NUMBER, "the value"), T.NUMBER)[-1], abs
        ),
        Builtin(
            "year",
            1,
            1,
            "year(d): the calendar year of a date",
            lambda a: (_need(a[0], T.DATE, "the value"), T.NUMBER)[-1],
            _year,
        ),
        Builtin(
            "date",
            3,
            3,
            "date(y, m, d): the date of a year, month and day",
            lambda a: ([_need(x, T.NUMBER, "each part") for x in a], T.DATE)[-1],
            _date,
        ),
        Builtin(
            "known",
            1,
            1,
            "known(x): true when x has a value, false when it is missing (never unknown)",
            lambda a: T.BOOL,
            _known,
            strict=False,
        ),
        Builtin("value_or", 2, 2, "value_or(x, d): x, or d when x is missing", _same, _value_or, strict=False),
    ]
}
