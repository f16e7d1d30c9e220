"""The unit a value is counted in, for people (元, %, 平方米, 人, 家次), found from what the policy and the input
schema declare: a parameter's ``unit:``, the kind of a parameter or definition (money is 元, a ratio is shown as a
percentage), an input field's ``x-unit`` or the unit its title ends with (``营业收入（元）``); and the smallest step
a figure of the input can change by (the schema's ``multipleOf``, 1 for an integer)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .fieldtitles import FieldTitles
from .model import Text

# Unit words the titles and `unit:` keys use, with their English; an engine vocabulary, not policy content.
_WORDS = {
    "元": "yuan",
    "万元": "10,000 yuan",
    "平方米": "m²",
    "人": "persons",
    "家次": "client-times",
    "个": "",
    "次": "times",
    "项": "items",
    "年": "years",
    "家": "enterprises",
}
_CODES = {"m2": "平方米", "m²": "平方米", "yuan": "元", "CNY": "元", "persons": "人"}
YUAN = Text("元", "yuan")
# The step of a number whose schema sets none: a hundredth (an area of 999.995 m² is told 0.01 m² more).
DEFAULT_STEP = Decimal("0.01")
_TRAILING = re.compile(r"[（(]([^（）()]{1,16})[）)]\s*$")
_EN_WORDS = frozenset(w for w in _WORDS.values() if w) | {"m2"}


def unit_text(word: str | None) -> Text | None:
    """A unit word or code (``m2``, ``元``, ``家次``) as Text, or None."""
    if not word:
        return None
    zh = _CODES.get(word, word)
    return Text(zh, _WORDS.get(zh, zh) or zh)


def kind_unit(kind: Any) -> Text | None:
    """The unit a declared kind implies: money → 元 (a ratio carries its own % when shown)."""
    return YUAN if kind is not None and str(kind) == "money" else None


def bare_title(title: str) -> str:
    """A title without the unit it ends with: ``营业收入（元）`` → ``营业收入``; other titles as they are."""
    m = _TRAILING.search(title)
    return title[: m.start()].rstrip() if m and (m.group(1) in _WORDS or m.group(1) in _EN_WORDS) else title


def merged(node: dict | None) -> dict:
    """A schema node with what its ``allOf`` parts say (an inlined ``$ref`` lands there), its own keys winning."""
    if not isinstance(node, dict):
        return {}
    parts = node.get("allOf")
    if not isinstance(parts, list):
        return node
    out: dict = {}
    for part in parts:
        if isinstance(part, dict):
            out.update(merged(part))
    out.update({k: v for k, v in node.items() if k != "allOf"})
    return out


@dataclass(frozen=True)
class NumberField:
    """What the input schema says of a numeric field: ``integer``, its ``step`` (the smallest change: multipleOf,
    1 for an integer, else DEFAULT_STEP), ``minimum`` and ``maximum`` (None when not set), and its ``unit``."""

    integer: bool
    step: Decimal
    minimum: Decimal | None
    maximum: Decimal | None
    unit: Text | None


class Units:
    """Units for the names and input paths of one decision: built from the policy version and the decision's
    input schema (a dict)."""

    def __init__(self, version, schema: dict | None):
        self.version = version
        self.titles = FieldTitles(schema or {})
        self._raw_params = (version.raw or {}).get("parameters") or {} if version is not None else {}

    def field_node(self, path: str) -> dict:
        nodes = self.titles.nodes(path)
        return merged(nodes[-1]) if nodes else {}

    def field_unit(self, path: str) -> Text | None:
        """An input field's unit: ``x-unit``, else the unit its title ends with, else none."""
        node = self.field_node(path)
        if isinstance(node.get("x-unit"), str):
            return unit_text(node["x-unit"])
        title = node.get("title")
        if isinstance(title, str):
            m = _TRAILING.search(title)
            if m and m.group(1) in _WORDS:
                return unit_text(m.group(1))
        return None

    def number_field(self, path: str) -> NumberField | None:
        """The numeric facts of the input field at ``path`` (list positions as ``[0]``), or None when it is not a
        number."""
        node = self.field_node(path)
        kind = node.get("type")
        if kind not in ("integer", "number"):
            return None
        step = node.get("multipleOf")
        step = Decimal(str(step)) if isinstance(step, (int, float, Decimal)) and step > 0 else None
        if kind == "integer":
            step = max(step or Decimal(1), Decimal(1))
        low, high = node.get("minimum"), node.get("maximum")
        return NumberField(
            kind == "integer",
            step or DEFAULT_STEP,
            Decimal(str(low)) if isinstance(low, (int, float, Decimal)) else None,
            Decimal(str(high)) if isinstance(high, (int, float, Decimal)) else None,
            self.field_unit(path),
        )

    def name_unit(self, name: str, decision=None) -> Text | None:
        """The unit of a parameter or definition: its ``unit:``, else what its kind implies."""
        p = self.version.parameters.get(name) if self.version is not None else None
        if p is not None:
            raw = self._raw_params.get(name)
            declared = raw.get("unit") if isinstance(raw, dict) else None
            return unit_text(declared) if isinstance(declared, str) else kind_unit(p.kind)
        defs = dict(self.version.definitions) if self.version is not None else {}
        if decision is not None:
            defs.update(decision.definitions)
        d = defs.get(name)
        return kind_unit(d.kind) if d is not None else None
