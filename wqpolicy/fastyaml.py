"""Input documents in YAML read fast: libyaml's C parser gives the events, and the values are built from them
directly — no nodes, no marks — by the same rules as ``yamlload.load_yaml(…, dates=False)`` (exact numbers, keys
as text, no aliases, no tags but YAML's own, no duplicate keys). Anything those rules refuse, or that needs a
place to be worded, makes ``fast_yaml`` give None: the caller then reads the text with ``load_yaml``, which finds
and words the problem. Marks are found only when an error asks for them (``yamlload.LazyMarks``).

>>> fast_yaml("amount: 1_000.50\\non: yes\\nwhen: 2021-06-01\\n")
{'amount': Decimal('1000.50'), 'on': True, 'when': '2021-06-01'}
>>> fast_yaml("a: &x 1\\nb: *x\\n") is None   # an alias: load_yaml says why it is refused, and where
True
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .yamlload import MAX_DEPTH, MAX_VALUES, _Composer, decimal_number, whole_number

_STD = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _NULL, _BOOL = (_STD + t for t in ("str", "int", "float", "null", "bool"))
_TIMESTAMP, _MERGE, _MAP, _SEQ = (_STD + t for t in ("timestamp", "merge", "map", "seq"))
# Depth and count at which the fast reader gives up and leaves the document to load_yaml, which enforces the exact
# limits (engine settings): a little below them, so that nothing load_yaml would refuse is ever accepted here.
_DEPTH = MAX_DEPTH - 2
_VALUES = MAX_VALUES - 2


class _Refused(Exception):
    """Something the fast reader leaves to load_yaml (which refuses it, or reads it the same way)."""


_Events: Any = None  # libyaml's event parser, where PyYAML has it

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _CEvents(CParser, Resolver):  # type: ignore[misc]
        """libyaml's event parser with the implicit types load_yaml resolves (its resolver table, `1e5` a number)."""

        yaml_implicit_resolvers = _Composer.yaml_implicit_resolvers

        def __init__(self, text: str):
            CParser.__init__(self, text)
            Resolver.__init__(self)

    _Events = _CEvents


def fast_yaml(text: str) -> Any:
    """The document ``text`` holds, as ``load_yaml(text, name, dates=False)[0]`` gives it; None when the fast reader
    leaves it to ``load_yaml`` (no libyaml, an error of any kind, an alias, a tag, a duplicate key, a limit near)."""
    if _Events is None:
        return None
    try:
        return _read(text)
    except (_Refused, yaml.YAMLError, ValueError, UnicodeError, RecursionError, MemoryError):
        return None


def _read(text: str) -> Any:
    parser = _Events(text)
    try:
        return _build(parser)
    finally:
        parser.dispose()


def _build(parser: Any) -> Any:
    get, resolve = parser.get_event, parser.resolve
    if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
        raise _Refused  # an empty stream: load_yaml says the file is empty
    # Each open collection: [container, key awaiting its value (mappings), whether a key is awaited]
    stack: list[list] = []
    count = 0
    root: Any = None
    while True:
        event = get()
        kind = type(event)
        count += 1
        if count > _VALUES or len(stack) > _DEPTH:
            raise _Refused
        if kind is ScalarEvent:
            top = stack[-1] if stack else None
            if top is not None and top[2]:  # a mapping's key
                top[1] = _key(event, resolve)
                top[2] = False
                continue
            value: Any = _scalar(event, resolve)
        elif kind is MappingStartEvent:
            _collection_tag(event, MappingNode, _MAP, resolve)
            if stack and stack[-1][2]:
                raise _Refused  # a mapping as a key
            stack.append([{}, None, True])
            continue
        elif kind is SequenceStartEvent:
            _collection_tag(event, SequenceNode, _SEQ, resolve)
            if stack and stack[-1][2]:
                raise _Refused
            stack.append([[], None, False])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is DocumentEndEvent:
            if type(get()) is not StreamEndEvent:
                raise _Refused  # more than one document
            return root
        else:  # an alias
            raise _Refused
        if not stack:
            root = value
            continue
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
            continue
        key = top[1]
        if key in container:
            raise _Refused  # a duplicate key
        container[key] = value
        top[2] = True


def _tag(event: Any, kind: type, resolve: Any) -> str:
    tag = event.tag
    if tag is None or tag == "!":
        return resolve(kind, event.value if kind is ScalarNode else None, event.implicit)
    return tag


def _collection_tag(event: Any, kind: type, expected: str, resolve: Any) -> None:
    if _tag(event, kind, resolve) != expected:
        raise _Refused


def _scalar(event: Any, resolve: Any) -> Any:
    tag, raw = _tag(event, ScalarNode, resolve), event.value
    if tag in (_STR, _TIMESTAMP):  # input dates stay text: their schema checks them
        return raw
    if tag == _INT:
        return whole_number(raw)
    if tag == _FLOAT:
        return decimal_number(raw)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return raw.lower() in ("true", "yes", "on")
    raise _Refused


def _key(event: Any, resolve: Any) -> str:
    """A mapping key as load_yaml reads it: a plain key is its own text whatever it would resolve to (`on`, `1`),
    another is read as a value and must be text or a whole number."""
    tag = _tag(event, ScalarNode, resolve)
    if tag == _MERGE:
        raise _Refused
    if not event.style and tag != _STR:
        return event.value
    key = _scalar(event, resolve)
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        raise _Refused
    return str(key)
