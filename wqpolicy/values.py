"""Runtime values: the ``UNKNOWN`` marker, durations, the runtime fault raised by evaluation, and exact decimal
steps (quantize, multiple-of) that work at any magnitude."""

from __future__ import annotations

import calendar
import datetime
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any, TypeGuard


class _Unknown:
    """A missing or undeterminable value; propagates with three-valued (Kleene) logic."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "unknown"

    def __bool__(self) -> bool:
        raise TypeError("unknown has no truth value; test `is UNKNOWN`")

    def get(self, key: object, default: object = None) -> _Unknown:
        """A field of an unknown record is unknown: lets field chains skip a test at each step."""
        return self

    def __reduce__(self) -> str:
        return "UNKNOWN"  # unpickled as the one UNKNOWN, so that `is UNKNOWN` holds in another process


UNKNOWN = _Unknown()


class Year(Decimal):
    """A calendar year, the result of year(): a number like any other (arithmetic on it gives plain Decimals),
    marked only so that it is shown as 2024, not as the amount 2,024."""

    __slots__ = ()


@dataclass(frozen=True)
class Duration:
    """A calendar duration; adding years or months to a date clamps to the month's end (Feb 29 + 1 year = Feb 28)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def add_to(self, d: datetime.date, sign: int = 1, pos: int | None = None) -> datetime.date:
        months = d.month - 1 + sign * (self.years * 12 + self.months)
        year, month = d.year + months // 12, months % 12 + 1
        try:
            day = min(d.day, calendar.monthrange(year, month)[1])
            return datetime.date(year, month, day) + datetime.timedelta(days=sign * self.days)
        except (ValueError, OverflowError):
            what = f"{d.isoformat()} {'+' if sign > 0 else '-'} {self}"
            first, last = datetime.date.min.isoformat(), datetime.date.max.isoformat()
            raise EvalFault(
                f"{what} is outside the calendar ({first} to {last})", pos, f"{what} 超出日历范围（{first} 至 {last}）"
            ) from None

    def __str__(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.days, "day")]
        return " ".join(f"{n} {u}{'s' if n != 1 else ''}" for n, u in parts if n) or "0 days"


class EvalFault(Exception):
    """A runtime fault inside one expression (division by zero, …): that rule or output becomes `error`, and the
    decision's outcome `error`. ``message`` in English, ``zh`` in Chinese."""

    def __init__(
        self,
        message: str,
        pos: int | None = None,
        zh: str | None = None,
        hint: str | None = None,
        hint_zh: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.zh = message, zh
        self.hint, self.hint_zh = hint, hint_zh  # what to do about it, where there is something to say
        self.pos = pos  # offset in the expression that raised it
        # where that is in the policy file (a source.Span, a module above this one), set by the definition that
        # raised it
        self.span: Any = None

    def place(self, expr: Any, fallback: Any = None) -> EvalFault:
        """Fix where the fault is in the file: at ``pos`` in ``expr`` (a definition's own expression), else at
        ``fallback``. The first placement wins: the innermost definition knows best."""
        if self.span is None:
            self.span = expr.span(self.pos) if expr is not None and self.pos is not None else fallback
        return self


# What evaluating an expression may raise: its own faults, and Python's for a value it cannot take (a calendar
# overflow, a huge exponent). Each becomes an `error` outcome for that rule or output, never a traceback.
FAULTS = (EvalFault, ArithmeticError, TypeError, ValueError, AttributeError, KeyError, IndexError)


def fault_message(e: Exception) -> str:
    """What went wrong, in English: an EvalFault's own words, else Python's (a value of a kind the operation
    cannot take: only a document that was not validated gives one)."""
    return e.message if isinstance(e, EvalFault) else f"{type(e).__name__}: {e}"


def fault_message_zh(e: Exception) -> str:
    """What went wrong, in Chinese."""
    if isinstance(e, EvalFault) and e.zh:
        return e.zh
    return f"表达式无法计算（{fault_message(e)}）"


def to_decimal(v: int | Decimal) -> Decimal:
    return v if type(v) is Decimal else Decimal(v)


def _wide(d: Decimal, step: Decimal) -> Context:
    """A context with digits enough for ``d`` counted in units of ``step`` (the default 28 digits raise
    InvalidOperation from 10**26 yuan counted in fen)."""
    return Context(prec=max(28, d.adjusted() - step.adjusted() + 3))


def quantize(v: int | Decimal, step: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """``v`` rounded to a multiple of ``step`` (a power of ten such as Decimal('0.01')), exact at any size."""
    d = to_decimal(v)
    try:
        return d.quantize(step, rounding=rounding)
    except InvalidOperation:  # more digits than the context holds
        return d.quantize(step, rounding=rounding, context=_wide(d, step))


def is_multiple(v: int | Decimal, step: int | Decimal) -> bool:
    """Whether ``v`` is a whole multiple of ``step``, exactly (JSON Schema's multipleOf)."""
    d, s = to_decimal(v), to_decimal(step)
    try:
        return d % s == 0
    except InvalidOperation:  # a quotient of more digits than the context holds
        return d.remainder_near(s, context=_wide(d, s)) == 0


def is_number(v: object) -> TypeGuard[int | Decimal]:
    """Whether ``v`` is a number of the language (an int or a Decimal; not true/false, which Python counts)."""
    return isinstance(v, (int, Decimal)) and not isinstance(v, bool)


def is_whole(v: object) -> bool:
    """Whether ``v`` is a whole number (2, 2.0; not 0.5, not true, not text)."""
    return is_number(v) and is_multiple(v, 1)


def exact_numbers(value: Any) -> Any:
    """``value`` with Python floats (a document from ``json.load`` or ``yaml.safe_load``) as exact Decimals, the
    shortest that read back as the float (0.1 -> Decimal('0.1')); NaN and Infinity, float or Decimal, become the
    text JSON writes for them, which the schema then rejects. Returns ``value`` itself when nothing changes."""
    t = type(value)
    if t is str or t is int or t is bool or value is None or (t is Decimal and value.is_finite()):
        return value  # the usual leaves, first
    # Containers next (no type is both a container and a number), and their usual leaves are skipped without a
    # call: a document is mostly leaves.
    if isinstance(value, (dict, list)):
        changed = None
        for k, v in value.items() if isinstance(value, dict) else enumerate(value):
            t = type(v)
            if t is str or t is int or t is bool or v is None or (t is Decimal and v.is_finite()):
                continue
            if t is not float:
                new = exact_numbers(v)
            elif math.isfinite(v):  # the leaf to convert, without the call
                new = Decimal(repr(v))
            else:
                new = json.dumps(v)
            if new is not v:
                if changed is None:
                    changed = dict(value) if isinstance(value, dict) else list(value)
                changed[k] = new
        return value if changed is None else changed
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else json.dumps(value)
    if isinstance(value, Decimal):
        return "NaN" if value.is_nan() else "Infinity" if value > 0 else "-Infinity"  # as JSON spells them
    return value
