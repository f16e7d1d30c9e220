"""JSON text, written quicker than the standard library writes it for the two forms the tool prints and stores:
``indented(value)`` is exactly ``json.dumps(value, ensure_ascii=False, indent=2)`` (whose indenting writer is
pure Python, a generator per level; this one appends to one list, the texts escaped by json's own C function),
and ``exact_canonical(value)`` is the canonical text of a document holding exact Decimals (keys sorted, no spaces,
each Decimal written digit for digit as the JSON number it is).

Anything unusual — a float, a key that is not text, a subclass of a JSON type, a value that holds itself — is
left to ``json.dumps``, which writes it (or refuses it) as it always did: the text is the same either way
(tests/test_jsontext.py compares the two).

>>> print(indented({"a": [1, "x", {}], "b": {"c": None}}))
{
  "a": [
    1,
    "x",
    {}
  ],
  "b": {
    "c": null
  }
}
"""

from __future__ import annotations

import json
from decimal import Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # the C function json itself uses

__all__ = ["encode_basestring", "exact_canonical", "exact_indented", "indented", "json_number"]
from typing import Any

_INT_TEXT = int.__repr__


class _Unusual(Exception):
    """A value this module leaves to json.dumps."""


def indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, written quicker."""
    out: list[str] = []
    try:
        _indented(value, "\n", out.append)
    except (_Unusual, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


def exact_indented(value: Any) -> str:
    """``indented(value)`` for a document holding exact Decimals (a schema read with exact numbers): each written as
    the JSON number it is, digit for digit (``str(d)``), never through a float; ValueError for one not finite."""
    out: list[str] = []
    try:
        _indented(value, "\n", out.append, exact=True)
    except (_Unusual, RecursionError):  # json.dumps writes the rest; a Decimal only when a double holds it exactly
        return json.dumps(value, ensure_ascii=False, indent=2, default=json_number)
    return "".join(out)


def _indented(o: Any, nl: str, append: Any, exact: bool = False) -> None:
    t = type(o)
    if t is dict:
        if not o:
            append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _Unusual
            tv = type(v)
            if tv is str:
                append(sep + encode_basestring(k) + ": " + encode_basestring(v))
            elif tv is bool:
                append(sep + encode_basestring(k) + (": true" if v else ": false"))
            elif v is None:
                append(sep + encode_basestring(k) + ": null")
            elif tv is int:
                append(sep + encode_basestring(k) + ": " + _INT_TEXT(v))
            else:
                append(sep + encode_basestring(k) + ": ")
                _indented(v, inner, append, exact)
            sep = "," + inner
        append(nl + "}")
    elif t is list or t is tuple:
        if not o:
            append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            if type(v) is str:
                append(sep + encode_basestring(v))
            else:
                append(sep)
                _indented(v, inner, append, exact)
            sep = "," + inner
        append(nl + "]")
    elif t is str:
        append(encode_basestring(o))
    elif o is True:
        append("true")
    elif o is False:
        append("false")
    elif o is None:
        append("null")
    elif t is int:
        append(_INT_TEXT(o))
    elif exact and t is Decimal:
        if not o.is_finite():
            raise ValueError(f"{o} is not a JSON number")
        append(str(o))
    else:
        raise _Unusual


def exact_canonical(value: Any) -> str:
    """The canonical JSON text of ``value`` (keys sorted, no spaces, UTF-8 as it is) with each Decimal written as the
    JSON number it is, digit for digit (``str(d)``); ValueError for a Decimal that is not finite. What
    decisionlog.canonical writes for a document json.dumps cannot write."""
    out: list[str] = []
    try:
        _canonical(value, out.append)
    except (_Unusual, RecursionError):
        return "".join(_canonical_pieces(value))
    return "".join(out)


def _canonical(o: Any, append: Any) -> None:
    t = type(o)
    if t is dict:
        append("{")
        first = True
        for k in sorted(o):
            if type(k) is not str:
                raise _Unusual
            append(('"' if first else ',"') + encode_basestring(k)[1:] + ":")
            first = False
            v = o[k]
            tv = type(v)
            if tv is str:
                append(encode_basestring(v))
            elif tv is Decimal:
                if not v.is_finite():
                    raise ValueError(f"{v} is not a JSON number")
                append(str(v))
            else:
                _canonical(v, append)
        append("}")
    elif t is list or t is tuple:
        append("[")
        first = True
        for v in o:
            if not first:
                append(",")
            first = False
            _canonical(v, append)
        append("]")
    elif t is str:
        append(encode_basestring(o))
    elif t is Decimal:
        if not o.is_finite():
            raise ValueError(f"{o} is not a JSON number")
        append(str(o))
    elif o is True:
        append("true")
    elif o is False:
        append("false")
    elif o is None:
        append("null")
    elif t is int:
        append(_INT_TEXT(o))
    else:
        raise _Unusual


class _Raw:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _canonical_pieces(value: Any) -> Any:
    """The canonical text of any value, in pieces, with Decimals as numbers (an explicit stack: no recursion, for a
    value nested past what the quick writer's recursion allows, or holding what it leaves aside)."""
    stack: list[Any] = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, _Raw):
            yield v.text
        elif isinstance(v, Decimal):
            if not v.is_finite():
                raise ValueError(f"{v} is not a JSON number")
            yield str(v)
        elif isinstance(v, dict):
            parts: list[Any] = [_Raw("{")]
            for i, k in enumerate(sorted(v)):
                parts += [_Raw(("," if i else "") + json.dumps(str(k), ensure_ascii=False) + ":"), v[k]]
            stack += reversed([*parts, _Raw("}")])
        elif isinstance(v, (list, tuple)):
            parts = [_Raw("[")]
            for i, item in enumerate(v):
                parts += [_Raw(","), item] if i else [item]
            stack += reversed([*parts, _Raw("]")])
        else:
            yield json.dumps(v, ensure_ascii=False)


def json_number(value: Decimal) -> int | float:
    """The JSON number the standard library writes with the digits of an exact ``value`` (a report's percentage, a
    schema's bound): an int when the decimal is written without a fraction, else the float whose shortest text is
    the decimal's own, so ``json.dumps`` writes the same digits. A value a double would round is refused, never
    silently changed.

    >>> [json_number(Decimal(text)) for text in ("94.5", "100.0", "0.125", "7")]
    [94.5, 100.0, 0.125, 7]
    """
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    number = float(value)  # exact: checked just below
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} has more digits than a JSON number keeps")
    return number
