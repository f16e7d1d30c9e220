"""Static types of the expression language, and how JSON Schema and parameter values map onto them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Union

from .values import Duration


@dataclass(frozen=True)
class Simple:
    name: str

    def __str__(self) -> str:
        return self.name


NUMBER, BOOL, STRING, DATE, DURATION, ANY = (Simple(n) for n in ("number", "bool", "string", "date", "duration", "any"))


@dataclass(frozen=True, eq=False)
class Codes(Simple):
    """Text that an input schema limits to listed ``values`` (its ``enum``). A string for every purpose (equal to
    STRING, hashed alike); only the checker looks at the values, to warn of a code the field can never hold."""

    values: frozenset = frozenset()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Simple) and other.name == self.name

    def __hash__(self) -> int:
        return hash((self.name,))


# Items a list of an input document may hold where its schema declares no `maxItems` (an engine setting, not a
# number of any policy): the bound the input is validated against and the checker's cost estimate counts with.
MAX_LIST_ITEMS = 100_000


@dataclass(frozen=True)
class ListOf:
    """A list of ``item`` values, of at most ``bound`` items where that is known (a schema's `maxItems`, a
    parameter's length); the bound is not part of the type (two lists of numbers are of one type)."""

    item: Type | None  # None: items of no one type (`[[1], ["a"]]`)
    bound: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"list of {self.item}"

    @property
    def most(self) -> int:
        """The items it may hold, at most: its bound, or the default bound of input lists."""
        return self.bound if self.bound is not None else MAX_LIST_ITEMS


@dataclass(frozen=True)
class Record:
    """A record with known fields; ``open`` records accept any field name (type any)."""

    fields: tuple  # ((name, type), ...)
    open: bool = False

    def field(self, name: str) -> Type | None:
        for n, t in self.fields:
            if n == name:
                return t
        return ANY if self.open else None

    def names(self) -> list[str]:
        return [n for n, _ in self.fields]

    def __str__(self) -> str:
        return "record"


@dataclass(frozen=True)
class MapOf:
    """A mapping from text keys (codes) to values of one type."""

    value: Type

    def __str__(self) -> str:
        return f"mapping of {self.value}"


# A type of the language: a simple one, a list, a record or a mapping.
Type = Union[Simple, "ListOf", "Record", "MapOf"]


# The simple types as policy officers call them (no programmer's words: 文字, not string).
_ZH = {
    "number": "数字",
    "bool": "是否值（true/false）",
    "string": "文字",
    "date": "日期",
    "duration": "时长",
    "any": "任意值",
}


def zh(t) -> str:
    """A type named in Chinese, for messages: 数字, 文字, 数字列表, 记录, 代码表（值为数字）.

    >>> zh(ListOf(NUMBER)), zh(MapOf(STRING))
    ('数字列表', '代码表（值为文字）')
    """
    if isinstance(t, ListOf):
        item = zh(t.item)
        return f"列表（每项为{item}）" if "（" in item else f"{item}列表"
    if isinstance(t, Record):
        return "记录"
    if isinstance(t, MapOf):
        return f"代码表（值为{zh(t.value)}）"
    return _ZH.get(str(t), str(t))


def fits(actual, expected) -> bool:
    """Whether a value of type ``actual`` may stand where ``expected`` is wanted."""
    if actual == ANY or expected == ANY:
        return True
    if isinstance(expected, ListOf) and isinstance(actual, ListOf):
        return fits(actual.item, expected.item)
    if isinstance(expected, Record) and isinstance(actual, Record):
        return True
    return actual == expected


def join(a: Type | None, b: Type | None) -> Type | None:
    """The type of a value that is either ``a`` or ``b`` (for if/else and list literals)."""
    if isinstance(a, Codes) or isinstance(b, Codes):
        if a == ANY or b == ANY:
            return b if a == ANY else a
        if a != b:
            return None
        if isinstance(a, Codes) and isinstance(b, Codes):
            return Codes("string", a.values | b.values)  # either text
        return STRING  # any text
    if a == b:
        return a
    if a == ANY:
        return b
    if b == ANY:
        return a
    if isinstance(a, ListOf) and isinstance(b, ListOf):
        bound = None if a.bound is None or b.bound is None else max(a.bound, b.bound)
        return ListOf(join(a.item, b.item), bound)
    return None


def from_schema(schema: Any, resolve: Callable[[str], Any] | None = None, _following: tuple = ()) -> Type:
    """The type of values a JSON Schema admits (``resolve`` follows $ref; a $ref that leads back to itself, or
    to nothing, is of any type)."""
    if not isinstance(schema, dict):
        return ANY
    if "$ref" in schema and resolve is not None:
        ref = schema["$ref"]
        if not isinstance(ref, str) or ref in _following:
            return ANY
        try:
            target = resolve(ref)
        except Exception:  # noqa: BLE001 - a ref check reports it; the type of what it names is not known
            return ANY
        return from_schema(target, resolve, _following + (ref,))
    kind = schema.get("type")
    if "const" in schema and kind is None:
        kind = _json_kind(schema["const"])
    if "enum" in schema and kind is None:
        kinds = {_json_kind(v) for v in schema["enum"]}
        kind = kinds.pop() if len(kinds) == 1 else None
    if kind in ("number", "integer"):
        return NUMBER
    if kind == "boolean":
        return BOOL
    if kind == "string":
        if schema.get("format") == "date":
            return DATE
        values = schema["enum"] if "enum" in schema else [schema["const"]] if "const" in schema else None
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            return Codes("string", frozenset(values))
        return STRING
    if kind == "array":
        most = schema.get("maxItems")
        return ListOf(
            from_schema(schema.get("items", {}), resolve, _following),
            most if isinstance(most, int) and not isinstance(most, bool) else None,
        )
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        props = props if isinstance(props, dict) else {}
        extra = schema.get("additionalProperties", True)
        return Record(
            tuple((k, from_schema(v, resolve, _following)) for k, v in props.items()), open=extra is not False
        )
    return ANY


def _json_kind(v: object) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float, Decimal)):
        return "number"
    return "string" if isinstance(v, str) else "object"


def of_value(v: object) -> Type:
    """The type of a parameter value."""
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, (int, Decimal)):
        return NUMBER
    if isinstance(v, str):
        return STRING
    if isinstance(v, datetime.date):
        return DATE
    if isinstance(v, Duration):
        return DURATION
    if isinstance(v, list):
        item: Type = ANY
        for x in v:
            t = of_value(x)
            item = t if item == ANY else (join(item, t) or ANY)
        return ListOf(item, len(v))
    if isinstance(v, dict):
        values = [of_value(x) for x in v.values()]
        if values and all(isinstance(t, Record) for t in values):
            names: dict = {}
            for t in values:
                for n, ft in t.fields if isinstance(t, Record) else ():
                    names.setdefault(n, ft)
            return MapOf(Record(tuple(names.items())))
        if values and all(t == values[0] for t in values):
            return MapOf(values[0])
        return Record(tuple((k, of_value(x)) for k, x in v.items()))
    return ANY
