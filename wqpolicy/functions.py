"""The builtin functions: the one table the checker and the compiler both read.

Each entry gives its arity, how its result type follows from its argument types, whether it takes a
collection (``sum(x for x in xs)`` / ``sum(xs)``), and its implementation. Unknown arguments make a
``strict`` function's result unknown; the others (any, all, known, value_or) follow Kleene logic.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
    doc_zh: str = ""  # ``doc`` in Chinese


class ArgumentTypes(TypeError):
    """Arguments of the wrong types, as a function's ``result`` refuses them: ``str()`` in English, ``zh`` in
    Chinese."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh


# What the arguments are called in messages, in Chinese.
_WHAT_ZH = {
    "each value": "每个值",
    "the value": "值",
    "places": "小数位数",
    "each part": "年、月、日各部分",
    "the date": "日期",
    "the argument": "参数",
}


def _need(t: T.Type | None, want: T.Type, what: str) -> None:
    if not T.fits(t, want):
        raise ArgumentTypes(f"{what} must be {want}, not {t}", f"{_WHAT_ZH[what]}应为{T.zh(want)}，而不是{T.zh(t)}")


def _needing(t: T.Type | None, want: T.Type, what: str, result: T.Type) -> T.Type:
    """``result``, once ``t`` is checked to be ``want`` (``_need``): a builtin's result type that does not depend
    on its argument's."""
    _need(t, want, what)
    return result


def _items(t: T.Type, what: str = "the argument") -> T.Type | None:
    if t == T.ANY:
        return T.ANY
    if not isinstance(t, T.ListOf):
        raise ArgumentTypes(f"{what} must be a list, not {t}", f"{_WHAT_ZH[what]}应为列表，而不是{T.zh(t)}")
    return t.item


def _numbers(args: Sequence[T.Type]) -> T.Type:
    t = _items(args[0]) if len(args) == 1 else T.NUMBER
    for a in args if len(args) > 1 else [t]:
        _need(a, T.NUMBER, "each value")
    return T.NUMBER


def _orderable(args: Sequence[T.Type]) -> T.Type:
    ts = [_items(args[0])] if len(args) == 1 else list(args)
    t = ts[0]
    for other in ts[1:]:
        t = T.join(t, other)
        if t is None:
            raise ArgumentTypes("values of different types cannot be compared", "不同类型的值不能比较大小")
    if t not in (T.NUMBER, T.DATE, T.ANY, T.STRING):
        raise ArgumentTypes(f"{t} values have no order", f"{T.zh(t)}没有大小之分")
    return t


def _bools(args: Sequence[T.Type]) -> T.Type:
    _need(_items(args[0]), T.BOOL, "each value")
    return T.BOOL


def _known_only(values: Iterable[Any]) -> bool:
    for v in values:  # noqa: SIM110 - a plain loop: all() over a generator costs 6x as much for a short list
        if v is UNKNOWN:
            return False
    return True


_ZERO = Decimal(0)


def _sum(xs: Sequence[Any]) -> Any:
    if not _known_only(xs):
        return UNKNOWN
    return _sum_known(xs)


def _sum_known(xs: Sequence[Any]) -> Any:
    try:
        return sum(xs, _ZERO)  # 0 + x1 + x2 + …, left to right, in C (a Decimal is immutable: one zero serves)
    except TypeError:  # something not a number: fault as the plain loop does, with its message (`+=`)
        total = Decimal(0)
        for x in xs:
            total += x
        return total


def _extreme(pick: Callable[[Sequence[Any]], Any]) -> Callable[..., Any]:
    def impl(*args: Any) -> Any:
        xs = args[0] if len(args) == 1 else args
        if not _known_only(xs):
            return UNKNOWN
        if not xs:
            return UNKNOWN
        return pick(xs)

    return impl


def _mean(xs: Sequence[Any]) -> Any:
    if not xs or not _known_only(xs):
        return UNKNOWN
    return _mean_known(xs)


def _mean_known(xs: Sequence[Any]) -> Any:
    return _sum_known(xs) / Decimal(len(xs)) if xs else UNKNOWN


def _any(xs: Iterable[Any]) -> Any:
    seen_unknown = False
    for x in xs:
        if x is True:
            return True
        if x is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else False


def _all(xs: Iterable[Any]) -> Any:
    seen_unknown = False
    for x in xs:
        if x is False:
            return False
        if x is UNKNOWN:
            seen_unknown = True
    return UNKNOWN if seen_unknown else True


def _count(xs: Sequence[Any]) -> Any:
    if not _known_only(xs):
        return UNKNOWN
    return Decimal(sum(1 for x in xs if x is not False))


def _distinct(xs: Sequence[Any]) -> Any:
    if not _known_only(xs):
        return UNKNOWN
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def round_step(places: Any) -> Decimal | None:
    """The step ``round(x, places)`` rounds to (2 -> 0.01), or None when ``places`` is not a whole number from
    0 to 12."""
    if not isinstance(places, (int, Decimal)) or places != int(places) or not 0 <= places <= 12:
        return None
    return Decimal(1).scaleb(-int(places))


def _round(x: Any, places: Any) -> Any:
    step = round_step(places)
    if step is None:
        shown = decimal_text(places)
        raise EvalFault(
            f"round: places must be a whole number from 0 to 12, not {shown}",
            None,
            f"round：小数位数须为 0 到 12 的整数，而不是 {shown}",
        )
    return quantize(x, step, ROUND_HALF_UP)


def _len(x: Sized) -> Decimal:
    return Decimal(len(x))


def _year(d: datetime.date) -> Year:
    return Year(d.year)


def _date(y: Any, m: Any, d: Any) -> datetime.date:
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


def _parts(parts: Iterable[Any]) -> str:
    return ", ".join(decimal_text(x) if is_number(x) else str(x) for x in parts)


def _value_or(x: Any, default: Any) -> Any:
    return default if x is UNKNOWN else x  # the compiler writes it inline, telling the context (absent.py)


def _known(x: Any) -> bool:
    return x is not UNKNOWN  # the compiler writes it inline, telling the context (absent.py)


def _at_type(args: Sequence[T.Type]) -> T.Type:
    _need(args[1], T.DATE, "the date")
    return args[0] if args[0] is not None else T.ANY


def _at(name: Any, day: Any) -> Any:
    """The compiler writes `at` itself, with the table of the parameter's values by date (transitions.py): only
    the checker reads this entry."""
    raise EvalFault(
        "at(): a parameter's table of values is made when its policy is compiled",
        None,
        "at()：参数的取值表在编译政策时生成",
    )


def _same(args: Sequence[T.Type]) -> T.Type:
    t = T.join(args[0], args[1])
    if t is None:
        raise ArgumentTypes(
            f"both values must have one type, not {args[0]} and {args[1]}",
            f"两个值应为同一类型，而不是{T.zh(args[0])}和{T.zh(args[1])}",
        )
    return t


def _length_of(args: Sequence[T.Type]) -> T.Type:
    if not (args[0] in (T.STRING, T.ANY) or isinstance(args[0], (T.ListOf, T.MapOf))):
        raise ArgumentTypes(f"len needs a list or text, not {args[0]}", f"len 需要列表或文字，而不是{T.zh(args[0])}")
    return T.NUMBER


def _count_type(args: Sequence[T.Type]) -> T.Type:
    _items(args[0])
    return T.NUMBER


def _round_type(args: Sequence[T.Type]) -> T.Type:
    _need(args[0], T.NUMBER, "the value")
    _need(args[1], T.NUMBER, "places")
    return T.NUMBER


def _number_type(args: Sequence[T.Type]) -> T.Type:
    _need(args[0], T.NUMBER, "the value")
    return T.NUMBER


def _year_type(args: Sequence[T.Type]) -> T.Type:
    _need(args[0], T.DATE, "the value")
    return T.NUMBER


def _date_type(args: Sequence[T.Type]) -> T.Type:
    for x in args:
        _need(x, T.NUMBER, "each part")
    return T.DATE


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
            doc_zh="sum(xs)：一组数字的合计（没有数字时为 0）",
        ),
        Builtin(
            "count",
            1,
            1,
            "count(x for x in xs if c): how many items pass (a list of booleans counts its trues)",
            _count_type,
            _count,
            collection=True,
            doc_zh="count(x for x in xs if c)：符合条件的项数（对是否列表则数 true 的个数）",
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
            doc_zh="mean(xs)：算术平均数；列表为空时为待定",
        ),
        Builtin(
            "min",
            1,
            8,
            "min(a, b, …) or min(xs): the smallest value; unknown for an empty list",
            _orderable,
            _extreme(min),
            collection=True,
            doc_zh="min(a, b, …) 或 min(xs)：最小值；列表为空时为待定",
        ),
        Builtin(
            "max",
            1,
            8,
            "max(a, b, …) or max(xs): the largest value; unknown for an empty list",
            _orderable,
            _extreme(max),
            collection=True,
            doc_zh="max(a, b, …) 或 max(xs)：最大值；列表为空时为待定",
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
            doc_zh="any(c for x in xs)：有一项为真即为真（否则只要有一项待定即为待定）",
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
            doc_zh="all(c for x in xs)：每一项都为真才为真（有待定项时按三值逻辑处理）",
        ),
        Builtin(
            "distinct",
            1,
            1,
            "distinct(xs): the list without repeats, first occurrence kept",
            lambda a: T.ListOf(_items(a[0])),
            _distinct,
            collection=True,
            doc_zh="distinct(xs)：去掉重复项后的列表，保留第一次出现的",
        ),
        Builtin(
            "len",
            1,
            1,
            "len(xs): the number of items of a list (or characters of text)",
            _length_of,
            _len,
            doc_zh="len(xs)：列表的项数（或文字的字数）",
        ),
        Builtin(
            "round",
            2,
            2,
            "round(x, places): x rounded half-up to `places` decimals (round(x, 2) = to the fen)",
            _round_type,
            _round,
            doc_zh="round(x, places)：把 x 四舍五入到 places 位小数（round(x, 2) 即精确到分）",
        ),
        Builtin(
            "abs",
            1,
            1,
            "abs(x): the absolute value",
            lambda a: _needing(a[0], T.NUMBER, "the value", T.NUMBER),
            abs,
            doc_zh="abs(x)：绝对值",
        ),
        Builtin(
            "year",
            1,
            1,
            "year(d): the calendar year of a date",
            _year_type,
            _year,
            doc_zh="year(d)：日期所在的年份",
        ),
        Builtin(
            "date",
            3,
            3,
            "date(y, m, d): the date of a year, month and day",
            _date_type,
            _date,
            doc_zh="date(y, m, d)：由年、月、日组成的日期",
        ),
        Builtin(
            "known",
            1,
            1,
            "known(x): true when x has a value, false when it is missing (never unknown)",
            lambda a: T.BOOL,
            _known,
            strict=False,
            doc_zh="known(x)：x 有值时为 true，缺失时为 false（不会是待定）",
        ),
        Builtin(
            "at",
            2,
            2,
            "at(parameter, d): the parameter's value in the version of the policy in force on date d (unknown when d "
            "is; a fault when no version is in force then)",
            _at_type,
            _at,
            doc_zh="at(参数, 日期)：该日期当日施行的政策版本中这一参数的取值（日期待定时为待定；当日没有施行中的版本时"
            "计算出错）",
        ),
        Builtin(
            "value_or",
            2,
            2,
            "value_or(x, d): x, or d when x is missing",
            _same,
            _value_or,
            strict=False,
            doc_zh="value_or(x, d)：x 有值时取 x，缺失时取 d",
        ),
    ]
}
