"""The sheets of a decision's applications, made from its input schema: a main sheet with one row per application
(an application id, then every field that is not a list of records, in the schema's order) and a sheet per list of
records (investment lines, finance years, purchases …) whose rows name their application by its id. Each column
knows its field path, its Chinese and English title, the kind of value it takes and, for codes, what people call
each one.

>>> layout = layout_for(load_policy(), "recognition")
>>> layout.main.columns[1].path, layout.main.columns[1].title.zh, [g.group for g in layout.groups]
('applicant.name', '申请单位名称', ['finances', 'investment'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Text
from ..schemas import inlined
from ..units import Units, merged
from ..vocabulary import vocabulary

ID = "id"
ID_TITLE = Text("申请编号", "Application ID")
# Kinds of column: what a cell holds and how it is read (cells.py).
TEXT, BOOL, DATE, INTEGER, MONEY, NUMBER, CODE, CODES, JSON = (
    "text",
    "bool",
    "date",
    "integer",
    "money",
    "number",
    "code",
    "codes",
    "json",
)
# Excel's limits on a sheet's name (characters it refuses, and its length): a format's rule, not policy.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


@dataclass(frozen=True)
class Column:
    """One column: ``path`` (``applicant.name``; in a list's sheet ``investment[].amount``; ``id`` for the
    application id), ``title``, ``kind``, the ``codes`` it offers with their labels (``open_codes``: other text
    is allowed too), its ``unit``, ``minimum`` and the field's schema ``description``."""

    path: str
    title: Text
    kind: str
    codes: tuple[tuple[str, Text], ...] = ()
    open_codes: bool = False
    unit: Text | None = None
    minimum: Decimal | None = None
    description: str = ""

    @property
    def field(self) -> str:
        """The path inside one item of a list's sheet (``amount``), or the path itself on the main sheet."""
        return self.path.split("[].", 1)[1] if "[]." in self.path else self.path


@dataclass(frozen=True)
class Sheet:
    """One sheet: its ``name`` in the workbook, the list it holds (``group``, None for the main sheet), its
    ``title`` and its ``columns`` (the id first)."""

    name: str
    group: str | None
    title: Text
    columns: tuple[Column, ...]

    def column(self, path: str) -> Column | None:
        return next((c for c in self.columns if c.path == path), None)


@dataclass(frozen=True)
class Layout:
    """The sheets of one decision of one policy version: ``main`` and the ``groups`` (sheets of lists)."""

    policy_ref: str
    decision: str
    decision_label: Text
    main: Sheet
    groups: tuple[Sheet, ...]

    @property
    def sheets(self) -> tuple[Sheet, ...]:
        return (self.main, *self.groups)

    def group(self, path: str) -> Sheet | None:
        return next((g for g in self.groups if g.group == path), None)


def layout_for(policy: Any, decision: str) -> Layout:
    """The sheets of ``decision`` (a name in the loaded ``policy``) from its input schema."""
    model = policy.model
    d = model.decisions[decision]
    vocab = vocabulary(policy, decision)
    units = Units(model, d.input_schema)
    root = inlined(d.input_schema) if isinstance(d.input_schema, dict) else {}
    label = d.label or Text(decision, decision)
    main: list[Column] = [Column(ID, ID_TITLE, ID)]
    groups: list[tuple[str, Text, list[Column]]] = []

    def column(path: str, node: dict, kind: str | None = None) -> Column:
        probe = path.replace("[]", "[0]")
        title = vocab.titles.title(probe) or Text(path, path)
        number = units.number_field(probe)
        description = node.get("description")
        found = kind or _kind(node, units.field_unit(probe))
        codes: tuple[tuple[str, Text], ...] = ()
        open_codes = False
        values = node.get("enum")
        if found == CODES:
            items = merged(node.get("items"))
            values = items.get("enum")
            probe += "[0]"
        if not isinstance(values, list) and isinstance(node.get("examples"), list) and found == CODE:
            values, open_codes = node["examples"], True
        if isinstance(values, list):
            codes = tuple(
                (str(v), vocab.code_label(str(v), probe) or Text(str(v), str(v))) for v in values if isinstance(v, str)
            )
        return Column(
            path,
            title,
            found,
            codes,
            open_codes,
            units.field_unit(probe),
            number.minimum if number is not None else None,
            description if isinstance(description, str) else "",
        )

    def walk(node: dict, prefix: str, into: list[Column], in_item: bool) -> None:
        props = merged(node).get("properties")
        for name, child in (props or {}).items() if isinstance(props, dict) else ():
            if not isinstance(child, dict) or (not prefix and name == "decision"):
                continue  # the decision is the sheet's, not a column
            path = f"{prefix}{name}"
            m = merged(child)
            if isinstance(m.get("properties"), dict):
                walk(child, path + ".", into, in_item)
            elif m.get("type") == "array":
                items = merged(m.get("items"))
                if isinstance(items.get("properties"), dict) and not in_item:
                    columns = [Column(ID, ID_TITLE, ID)]
                    walk(items, path + "[].", columns, True)
                    title = vocab.titles.title(path) or Text(path, path)
                    groups.append((path, title, columns))
                elif not isinstance(items.get("properties"), dict) and _kind(items, None) in (CODE, TEXT):
                    into.append(column(path, m, CODES))
                else:
                    into.append(column(path, m, JSON))  # a list inside a list's item: JSON in its cell
            else:
                into.append(column(path, m))

    walk(root, "", main, False)
    names = _sheet_names([f"{label.zh}申请"] + [t.zh for _, t, _ in groups])
    main_sheet = Sheet(names[0], None, Text(f"{label.zh}申请", f"{label.en} applications"), tuple(main))
    group_sheets = tuple(
        Sheet(name, path, title, tuple(columns)) for name, (path, title, columns) in zip(names[1:], groups)
    )
    return Layout(model.ref, decision, label, main_sheet, group_sheets)


def _kind(node: dict, unit: Text | None) -> str:
    kind = node.get("type")
    if kind == "boolean":
        return BOOL
    if kind == "integer":
        return INTEGER
    if kind == "number":
        return MONEY if unit is not None and unit.zh == "元" else NUMBER
    if kind == "string" and node.get("format") == "date":
        return DATE
    if isinstance(node.get("enum"), list) or (kind == "string" and isinstance(node.get("examples"), list)):
        return CODE
    if kind in ("string", None):
        return TEXT
    return JSON


def _sheet_names(wanted: list[str]) -> list[str]:
    """Names Excel takes (no ``[]:*?/\\``, at most 31 characters), each used once."""
    out: list[str] = []
    for name in wanted:
        name = _SHEET_NAME_BAD.sub("_", name)[:_SHEET_NAME_MAX] or "Sheet"
        base, n = name, 2
        while name in out or name.startswith("_"):
            name = f"{base[: _SHEET_NAME_MAX - 3]}{n}"
            n += 1
        out.append(name)
    return out
