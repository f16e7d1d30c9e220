"""Comparing versions whose inputs differ: a document evaluated under one version is given without the fields only
another version's input schema knows (a field a revision added, or one it removed), and those fields are named —
set aside for that side, never an input error that would drop the document from a comparison's totals.

>>> from wqpolicy import types as T
>>> old = T.Record((("a", T.NUMBER),))
>>> new = T.Record((("a", T.NUMBER), ("b", T.NUMBER)))
>>> set_aside(old, [new], {"a": 1, "b": 2})
({'a': 1}, ('b',))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import types as T
from .errors import WQError

if TYPE_CHECKING:
    from .policy import Policy
    from .record import DecisionRecord


def evaluate_beside(
    policy: Policy, decision: str | None, document: dict, others: Sequence[Policy], **options: Any
) -> tuple[DecisionRecord, tuple[str, ...]]:
    """``policy.evaluate(decision, document, **options)`` in a comparison with ``others`` (the other versions):
    when the document does not fit ``policy``'s input schema, it is evaluated again without the fields only the
    others' schemas know (returned, to be listed). Raises WQError as evaluate does when that does not help."""
    try:
        return policy.evaluate(decision, document, **options), ()
    except WQError:
        name = document.get("decision") if decision is None and isinstance(document, dict) else decision
        inputs = getattr(policy, "inputs", {})  # (a stand-in that only evaluates has none)
        if not isinstance(name, str) or name not in inputs:
            raise
        theirs = [o.inputs[name].type for o in others if name in getattr(o, "inputs", {})]
        reduced, aside = set_aside(inputs[name].type, theirs, document)
        if not aside:
            raise
        return policy.evaluate(decision, reduced, **options), aside


def set_aside(own: T.Type | None, others: Sequence[T.Type | None], doc: Any) -> tuple[Any, tuple[str, ...]]:
    """``doc`` without the fields that ``own`` (a version's input type, inputs.InputSchema.type) does not allow and
    one of ``others`` (the other versions' types) does, with the paths of those fields (`platform.park`,
    `investment[2].note`); ``doc`` itself when there are none. A field that no version knows stays: it is the
    document's error."""
    found: list[str] = []
    out = _without(own, list(others), doc, "", found)
    return (out, tuple(found)) if found else (doc, ())


def _without(own: T.Type | None, others: list[T.Type | None], value: Any, path: str, found: list[str]) -> Any:
    if isinstance(value, dict) and isinstance(own, T.Record):
        changed: dict | None = None
        for key, item in value.items():
            mine = own.field(key)
            theirs = [o.field(key) if isinstance(o, T.Record) else None for o in others]
            here = f"{path}.{key}" if path else str(key)
            if mine is None:
                if any(t is not None for t in theirs):
                    changed = dict(value) if changed is None else changed
                    del changed[key]
                    found.append(here)
                continue
            new = _without(mine, theirs, item, here, found)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
        return value if changed is None else changed
    if isinstance(value, list) and isinstance(own, T.ListOf):
        items = [o.item if isinstance(o, T.ListOf) else None for o in others]
        new_list = [_without(own.item, items, x, f"{path}[{i}]", found) for i, x in enumerate(value)]
        return value if all(a is b for a, b in zip(new_list, value)) else new_list
    return value
