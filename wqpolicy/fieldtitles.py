"""What people call the fields of an input document: each field's Chinese and English title from its input
schema (``title`` in Chinese, ``x-title-en`` in English), a path named as a material
(``专家评审意见：平台使用方满意度``), and the labels of a field's allowed codes (``x-enum-labels``).

>>> schema = {"properties": {"expert_review": {"title": "专家评审意见", "x-title-en": "Expert review",
...     "properties": {"satisfaction": {"title": "平台使用方满意度", "x-title-en": "User satisfaction"}}}}}
>>> titles = FieldTitles(schema)
>>> titles.material("expert_review.satisfaction")
Text(zh='专家评审意见：平台使用方满意度', en='Expert review: user satisfaction')
>>> titles.material("staff.total")          # no title: the path, as it is
Text(zh='staff.total', en='staff.total')
"""

from __future__ import annotations

import re
from typing import Any

from .model import Text
from .schemas import inlined

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_steps(path: str) -> list[str | int]:
    """``"investment[2].amount"`` → ``["investment", 2, "amount"]``."""
    return [int(index) if index else name for name, index in _STEP.findall(path)]


class FieldTitles:
    """The titles of one input schema's fields, looked up by dotted path (``platform.industry``,
    ``investment[2].amount``). Built once per schema; look-ups are cheap."""

    def __init__(self, schema: dict) -> None:
        self._root = inlined(schema) if isinstance(schema, dict) else {}
        self._cache: dict[str, list[dict | None]] = {}
        self._materials: dict[str, Text] = {}  # path -> its name as a material (Text is immutable: shared)

    @property
    def root(self) -> dict:
        """The schema itself (its `$ref`s inlined)."""
        return self._root

    def nodes(self, path: str) -> list[dict | None]:
        """The schema node of each step of ``path`` (None where the schema does not describe it)."""
        if path not in self._cache:
            out: list[dict | None] = []
            node: dict | None = self._root
            for step in path_steps(path):
                node = _child(node, step) if node is not None else None
                out.append(node)
            self._cache[path] = out
        return self._cache[path]

    def title(self, path: str) -> Text | None:
        """The title of the field at ``path`` itself (None when the schema gives none)."""
        nodes = self.nodes(path)
        return _title(nodes[-1]) if nodes else None

    def material(self, path: str) -> Text:
        """``path`` named as people name it: the titles along it joined (``专家评审意见：平台使用方满意度``), a list
        position as 第N项 / item N; a step without a title keeps its name."""
        found = self._materials.get(path)
        if found is None:
            found = self._materials[path] = self._material(path)
        return found

    def _material(self, path: str) -> Text:
        steps = path_steps(path)
        nodes = self.nodes(path)
        zh: list[str] = []
        en: list[str] = []
        for step, node in zip(steps, nodes):
            if isinstance(step, int):
                zh[-1:] = [f"{zh[-1]}（第{step + 1}项）" if zh else f"第{step + 1}项"]
                en[-1:] = [f"{en[-1]} (item {step + 1})" if en else f"item {step + 1}"]
                continue
            t = _title(node)
            zh.append(t.zh if t else step)
            en.append(t.en if t else step)
        if all(isinstance(s, str) and _title(n) is None for s, n in zip(steps, nodes)):
            return Text(path, path)  # nothing titled: the path itself says most
        return Text("：".join(zh), ": ".join(_lower_after_first(en)))

    def enum_label(self, path: str, value: Any) -> Text | None:
        """The label of code ``value`` allowed at ``path`` (``x-enum-labels``), or None."""
        nodes = self.nodes(path)
        node = nodes[-1] if nodes else None
        labels = _merged(node).get("x-enum-labels") if node is not None else None
        if isinstance(labels, dict) and isinstance(value, str) and isinstance(labels.get(value), dict):
            label = labels[value]
            return Text(str(label.get("zh", value)), str(label.get("en", value)))
        return None

    def fields(self) -> list[str]:
        """Every field path the schema describes, in its order, list items as ``name[]``: for column headers."""
        out: list[str] = []

        def walk(node: dict, prefix: str) -> None:
            for name, child in _merged(node).get("properties", {}).items():
                if not isinstance(child, dict):
                    continue
                path = f"{prefix}{name}"
                out.append(path)
                merged = _merged(child)
                if isinstance(merged.get("properties"), dict):
                    walk(child, path + ".")
                items = merged.get("items")
                if isinstance(items, dict):
                    walk(items, path + "[].")

        walk(self._root, "")
        return out


def _merged(node: dict) -> dict:
    """A node with what its ``allOf`` parts say (an inlined ``$ref`` lands there), its own keys winning."""
    parts = node.get("allOf")
    if not isinstance(parts, list):
        return node
    out: dict = {}
    for part in parts:
        if isinstance(part, dict):
            out.update(_merged(part))
    out.update({k: v for k, v in node.items() if k != "allOf"})
    return out


def _child(node: dict, step: str | int) -> dict | None:
    merged = _merged(node)
    if isinstance(step, int):
        items = merged.get("items")
        return items if isinstance(items, dict) else None
    props = merged.get("properties")
    child = props.get(step) if isinstance(props, dict) else None
    return child if isinstance(child, dict) else None


def _title(node: dict | None) -> Text | None:
    if node is None:
        return None
    merged = _merged(node)
    zh, en = merged.get("title"), merged.get("x-title-en")
    if not isinstance(zh, str) or not zh:
        return None
    return Text(zh, en if isinstance(en, str) and en else zh)


def _lower_after_first(parts: list[str]) -> list[str]:
    """English titles joined as one phrase: the parts after the first start in lower case (``Expert review: user
    satisfaction``), unless they start with an acronym (``R&D``)."""
    out = parts[:1]
    for p in parts[1:]:
        out.append(p[:1].lower() + p[1:] if p[:2] and not p[:2].isupper() else p)
    return out
