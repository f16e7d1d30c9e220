"""What a decision's names and values are called in a document people read: a parameter's or definition's Chinese
label, an input field's title (without its unit), a code's label (``biomedicine`` → 生物医药), and each value shown
with its unit — 3,682,950.00 元, 4.2333…%, 2,350.5 平方米, 是/否 — never a field code."""

from __future__ import annotations

import datetime
import weakref
from typing import Any

from .display import display, exact_money_text
from .model import Text
from .units import Units, bare_title
from .values import UNKNOWN, Duration, is_number

NOT_GIVEN = Text("未填写", "not given")


def _grouped_money(v) -> str:
    """An amount of money as people write it: grouped, two decimals (more when the exact figure has them)."""
    text = exact_money_text(v)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}" + (f".{frac}" if frac else "")


def money_words(v) -> str:
    """``3682950`` → ``3,682,950.00 元``."""
    return f"{_grouped_money(v)} 元"


class Vocabulary:
    """Names and values of one decision of one policy version, worded for people. ``vocabulary(policy, name)``
    gives the one kept for a loaded Policy."""

    def __init__(self, version, decision_name: str):
        self.version = version
        self.decision = version.decisions[decision_name]
        self.units = Units(version, self.decision.input_schema)
        self.titles = self.units.titles
        self.defs = {**version.definitions, **self.decision.definitions}
        self._codes: dict[str, Text] | None = None

    # -- names --------------------------------------------------------------------------------------------------
    def is_input(self, path: str) -> bool:
        root = path.split(".")[0].split("[")[0]
        return root not in self.defs and root not in self.version.parameters and self.titles.title(root) is not None

    def label(self, path: str) -> Text:
        """A name as people call it: a parameter's or definition's label, an input field's title (its list
        positions as 第N项); the name itself when none is given."""
        p = self.version.parameters.get(path)
        if p is not None and p.label is not None:
            return p.label
        d = self.defs.get(path)
        if d is not None and d.label is not None:
            return d.label
        if d is not None and d.expr is not None and d.expr.text.replace(".", "").replace("_", "").isalnum():
            return self.label(d.expr.text)  # another name for an input field (investment_items: investment)
        if p is None and d is None:
            # a list position needs the whole path to say which item; a field alone reads best by its own title
            t = self.titles.material(path) if "[" in path else self.titles.title(path)
            if t is not None and t.zh != path:
                return Text(bare_title(t.zh), bare_title(t.en))
        return Text(path, path)

    def material(self, path: str) -> Text:
        """An input path named as a material to hand in (``专家评审意见：平台使用方满意度``)."""
        return self.titles.material(path)

    def unit(self, path: str) -> Text | None:
        if path in self.version.parameters or path in self.defs:
            return self.units.name_unit(path, self.decision)
        return self.units.field_unit(path)

    def kind(self, path: str) -> str | None:
        p = self.version.parameters.get(path)
        if p is not None:
            return str(p.kind) if p.kind is not None else None
        d = self.defs.get(path)
        if d is not None:
            return str(d.kind) if d.kind is not None else None
        unit = self.units.field_unit(path)
        return "money" if unit is not None and unit.zh == "元" else None

    def code_label(self, code: str, path: str | None = None) -> Text | None:
        """The label of a code: from the field at ``path`` (x-enum-labels), else from any field of the schema."""
        if path is not None:
            found = self.titles.enum_label(path, code)
            if found is not None:
                return found
        if self._codes is None:
            self._codes = {}
            _collect_codes(self.decision.input_schema, self._codes)
            for p in self.version.parameters.values():  # tables of codes with their names (industries, …)
                if isinstance(p.value, dict):
                    for key, entry in p.value.items():
                        if isinstance(entry, dict) and isinstance(entry.get("zh"), str) and key not in self._codes:
                            self._codes[key] = Text(entry["zh"], str(entry.get("en", entry["zh"])))
        return self._codes.get(code)

    # -- values -------------------------------------------------------------------------------------------------
    def show(
        self, path: str | None, value: Any, unit: Text | None = None, kind: str | None = None, lang: str = "zh"
    ) -> str:
        """``value`` (read at ``path``) for people, with its unit: ``10,320,000.00 元``, ``4.2333…%``, ``是``."""
        if path is not None:
            kind = kind or self.kind(path)
            unit = unit if unit is not None else self.unit(path)
        zh = lang == "zh"
        if value is UNKNOWN or value is None:
            return NOT_GIVEN.zh if zh else NOT_GIVEN.en
        if isinstance(value, bool):
            return ("是" if value else "否") if zh else ("yes" if value else "no")
        if is_number(value):
            if kind == "ratio":
                return display(value, "ratio")
            if kind == "money" or (unit is not None and unit.zh == "元"):
                return f"{_grouped_money(value)} {'元' if zh else 'yuan'}"
            text = display(value)
            u = (unit.zh if zh else unit.en) if unit is not None else ""
            return f"{text} {u}" if u else text
        if isinstance(value, str):
            label = self.code_label(value, path)
            return (label.zh if zh else label.en) if label is not None else value
        if isinstance(value, (datetime.date, Duration)):
            return str(value) if isinstance(value, Duration) else value.isoformat()
        if isinstance(value, dict):
            if value and all(isinstance(x, dict) for x in value.values()):  # a table of codes: its names
                return "、".join(str(x.get("zh" if zh else "en", k)) for k, x in value.items())
            return "，".join(f"{k}: {self.show(None, x, lang=lang)}" for k, x in value.items())
        if isinstance(value, (list, tuple)):
            item_path = f"{path}[0]" if path is not None and self.is_input(path) else None
            shown = [
                self.show(item_path, x, lang=lang) if isinstance(x, str) else self.show(None, x, lang=lang)
                for x in value
            ]
            return "、".join(shown) if zh else ", ".join(shown)
        return str(value)


def _collect_codes(node: Any, out: dict[str, Text]) -> None:
    """Every code label (x-enum-labels) anywhere in a schema node."""
    if isinstance(node, dict):
        labels = node.get("x-enum-labels")
        if isinstance(labels, dict):
            for code, label in labels.items():
                if isinstance(label, dict) and code not in out:
                    out[code] = Text(str(label.get("zh", code)), str(label.get("en", code)))
        for v in node.values():
            _collect_codes(v, out)
    elif isinstance(node, list):
        for v in node:
            _collect_codes(v, out)


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def vocabulary(policy, decision: str) -> Vocabulary:
    """The Vocabulary of ``decision`` in a loaded Policy, made once per policy object."""
    kept = _KEPT.setdefault(policy, {})
    if decision not in kept:
        kept[decision] = Vocabulary(policy.model, decision)
    return kept[decision]
