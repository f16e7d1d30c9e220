"""A revision applied to its resolved base: named entries merged one by one, a parameter's list or mapping edited
by ``add``/``remove``, and every edit that finds nothing to edit in the base reported where the revision wrote it
(a misspelt name in a revision must not pass as a silent no-op)."""

from __future__ import annotations

import copy
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .display import excerpt
from .errors import Diagnostic, suggest
from .model import item_of
from .yamlload import Marks

# Sections whose entries are named items: a revision merges them entry by entry.
_NAMED = ("parameters", "definitions", "decisions", "clause_map", "metadata")
DECISION_NAMED = ("rules", "outputs", "definitions", "outcomes")
WHAT = {
    "parameters": "parameter",
    "definitions": "definition",
    "decisions": "decision",
    "rules": "rule",
    "outputs": "output",
    "outcomes": "outcome",
    "clause_map": "clause-map entry",
    "metadata": "metadata entry",
}
WHAT_ZH = {
    "parameters": "参数",
    "definitions": "定义",
    "decisions": "决定",
    "rules": "规则",
    "outputs": "输出",
    "outcomes": "结论",
    "clause_map": "条款映射项",
    "metadata": "元数据项",
}

# How a revision edits a parameter's list or mapping in place.
EDITS = ("add", "remove", "change")

# Keys a new item must have: a revision entry that lacks one edits an item, which must be in the base.
_NEW_ITEM_KEYS = {
    "parameters": ("value", "clause"),
    "decisions": ("input", "outcome"),
    "rules": ("clause", "label", "condition", "message"),
}


# Edits that apply to what the base holds in a file of its own (the guideline's clauses, a decision's input schema):
# a revision's own are kept as a layer after those it inherits, each applied in turn where the file is read
# (policyfile.py), each reported at its own file's line. A revision that names a new file drops the inherited
# layers: the new file is whole.
LAYERED = {"clauses": "source", "input_fields": "input"}


@dataclass
class Applied:
    doc: dict
    marks: Marks
    origin: dict = field(default_factory=dict)  # item path (tuple) -> 'changed' | 'added' | 'removed'
    problems: list = field(default_factory=list)  # Diagnostics, placed in the revision


def apply(
    base_doc: dict, base_marks: Marks, base_folder: Path, rev_doc: dict, rev_marks: Marks, base_name: str
) -> Applied:
    """``rev_doc`` overlaid on ``base_doc`` (``base_name`` is the base's version, for messages)."""
    overlay = _Overlay(rev_marks, base_name)
    doc = overlay.document(anchored(base_doc, base_folder), rev_doc)
    marks = Marks(base_marks)
    marks.update(rev_marks)
    _place_added_items(marks, rev_marks, rev_doc, doc)
    for path, base_single, index in overlay.layered:
        _place_layer(marks, base_marks, path, 0, base_single)
        _place_layer(marks, rev_marks, path, index, True)
    return Applied(doc, marks, overlay.origin, overlay.problems)


def layers(value: Any) -> list:
    """The layers of edits a resolved document holds at a LAYERED key: a file's own mapping is one layer; a
    revision's resolved document holds a list, the base's first."""
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def layer_paths(value: Any, path: tuple) -> list[tuple[Any, tuple]]:
    """(layer, its path in the resolved document) for each layer at ``path``."""
    if isinstance(value, list):
        return [(x, path + (i,)) for i, x in enumerate(value)]
    return [(value, path)] if value is not None else []


def _place_layer(marks: Marks, source: Marks, path: tuple, index: int, single: bool) -> None:
    """Give the layer at ``index`` of the list at ``path`` the marks ``source`` has for ``path`` (a file's own
    mapping there), so that its problems are reported where its file writes it."""
    if not single:
        return
    n = len(path)
    for key, mark in list(source.items()):
        keyed = key[:1] == ("<key>",)
        inner = key[1:] if keyed else key
        if len(inner) > n and inner[:n] == path:
            moved = path + (index,) + inner[n:]
            marks[("<key>",) + moved if keyed else moved] = mark


def anchored(doc: dict, folder: Path) -> dict:
    """``doc`` with its relative file paths (source document, input schemas) made absolute, so that a revision in
    another folder inherits them pointing where its base meant."""
    doc = copy.deepcopy(doc)

    def anchor(holder: dict, key: str) -> None:
        value = holder.get(key)
        if isinstance(value, str) and not Path(value).is_absolute():
            holder[key] = str((folder / value).resolve())

    if isinstance(doc.get("source"), dict):
        anchor(doc["source"], "document")
    for decision in (doc.get("decisions") or {}).values():
        if isinstance(decision, dict):
            anchor(decision, "input")
    return doc


class _Overlay:
    def __init__(self, marks: Marks, base_name: str) -> None:
        self.marks, self.base = marks, base_name
        self.origin: dict = {}
        self.problems: list[Diagnostic] = []
        # (path of a LAYERED key, whether the base held one mapping there, the index of the revision's layer)
        self.layered: list[tuple[tuple, bool, int]] = []

    def layer(self, holder: dict, key: str, value: Any, rev_holder: dict, path: tuple) -> None:
        """The revision's ``value`` at LAYERED ``key`` of ``holder`` (the resolved base's entry) put after the layers
        it inherits (none when the revision names a new file, LAYERED[key], beside it)."""
        inherited = [] if LAYERED[key] in rev_holder else layers(holder.get(key))
        base_single = not isinstance(holder.get(key), list) and holder.get(key) is not None and bool(inherited)
        holder[key] = [*copy.deepcopy(inherited), copy.deepcopy(value)]
        self.layered.append((path, base_single, len(inherited)))
        self.origin[path] = "changed"

    def problem(
        self,
        message: tuple[str, str],
        path: tuple,
        hint: tuple[str, str] | None = None,
        severity: str = "error",
        code: str = "WQ-NAME",
        key: bool = False,
    ) -> None:
        """A diagnostic at ``path`` of the revision: ``message`` and ``hint`` each (English, Chinese)."""
        span = self.marks.key_span(path) if key else self.marks.span(path)
        subject, decision = item_of(path)
        self.problems.append(
            Diagnostic(
                code,
                message[0],
                span,
                hint[0] if hint else None,
                severity,
                subject,
                decision,
                zh=message[1],
                hint_zh=hint[1] if hint else None,
            )
        )

    def document(self, base: dict, rev: dict) -> dict:
        out = copy.deepcopy(base)
        for key in ("extends", "effective_until", "gap_before"):
            out.pop(key, None)
        if "source" in rev and "clauses" not in rev:
            out.pop("clauses", None)  # a whole new text: the clauses edited inline before do not carry over
        for key, value in rev.items():
            if key in _NAMED and isinstance(value, dict):
                out[key] = self.named(out.get(key) or {}, value, (key,))
            elif key in LAYERED:
                self.layer(out, key, value, rev, (key,))
            else:
                out[key] = copy.deepcopy(value)
        return out

    def named(self, base: dict, rev: dict, path: tuple) -> dict:
        out = dict(base)
        what, what_zh = WHAT.get(path[-1], "entry"), WHAT_ZH.get(path[-1], "项")
        for name, entry in rev.items():
            here = path + (name,)
            if isinstance(entry, dict) and entry.get("remove") is True:
                if name in out:
                    out.pop(name)
                    self.origin[here] = "removed"
                else:
                    self.problem(
                        (
                            f"{what} `{name}` is not in {self.base}: nothing to remove",
                            f"{self.base} 中没有{what_zh} `{name}`：没有可删除的内容",
                        ),
                        here,
                        suggest(str(name), map(str, out)),
                        key=True,
                    )
                continue
            if path == ("clause_map",) and _list_edit(entry):
                out[name] = self.clause_entry(str(name), out.get(name), entry, here)
                self.origin[here] = "changed" if name in base else "added"
                continue
            if name not in out:
                needs = _NEW_ITEM_KEYS.get(path[-1])
                if needs and isinstance(entry, dict) and not all(k in entry for k in needs):
                    # an edit of an item the base lacks (a new value, add/remove): a misspelt name, most likely
                    self.problem(
                        (
                            f"{what} `{name}` is not in {self.base}: nothing to change (a new {what} needs "
                            + ", ".join(f"`{k}`" for k in needs)
                            + ")",
                            f"{self.base} 中没有{what_zh} `{name}`：没有可修改的内容（新增{what_zh}需要写出 "
                            + "、".join(f"`{k}`" for k in needs)
                            + "）",
                        ),
                        here,
                        suggest(str(name), map(str, out)),
                        key=True,
                    )
                    continue
                self.origin[here] = "added"
                out[name] = copy.deepcopy(entry)
                continue
            if not isinstance(entry, dict) or not isinstance(out[name], dict):
                self.origin[here] = "changed"
                out[name] = copy.deepcopy(entry)
                continue
            merged = dict(out[name])
            if path == ("decisions",):
                if "input" in entry and "input_fields" not in entry:
                    merged.pop("input_fields", None)  # a new input schema is whole: earlier fields do not carry over
                for key, value in entry.items():
                    if key in DECISION_NAMED and isinstance(value, dict):
                        merged[key] = self.named(merged.get(key) or {}, value, here + (key,))
                    elif key in LAYERED:
                        self.layer(merged, key, value, entry, here + (key,))
                    else:
                        merged[key] = copy.deepcopy(value)
                        self.origin[here + (key,)] = "changed"
                out[name] = merged
                continue
            if path == ("parameters",) and any(k in entry for k in EDITS):
                merged["value"] = self.edit(name, merged.get("value"), entry, here)
                entry = {k: v for k, v in entry.items() if k not in EDITS}
            merged.update(copy.deepcopy(entry))
            out[name] = merged
            self.origin[here] = "changed"
        return out

    def clause_entry(self, clause: str, value: Any, entry: dict, here: tuple) -> Any:
        """A clause map entry's list of items with ``entry``'s ``remove`` then ``add`` applied (a clause the base
        does not map yet: the items added)."""
        if value is not None and not isinstance(value, list):
            self.problem(
                (
                    f"clause {clause} is mapped as not computable in {self.base}: `add` and `remove` edit a list of "
                    "items; give the clause's whole entry instead",
                    f"{self.base} 中条款 {clause} 映射为不可计算：`add` 和 `remove` 只能修改条目列表；"
                    "请给出该条款的完整映射",
                ),
                here,
                code="WQ-SCHEMA",
                key=True,
            )
            return value
        items = list(value or [])
        for key in ("remove", "add"):
            given = entry.get(key)
            if given is not None and not isinstance(given, list):
                self.problem(
                    (
                        f"`{key}` of clause {clause} in the clause map takes a list of items",
                        f"条款映射中条款 {clause} 的 `{key}` 应为条目列表",
                    ),
                    here + (key,),
                    (f"write `{key}: [{given}]`", f"写成 `{key}: [{given}]`"),
                    code="WQ-SCHEMA",
                )
        removing, adding = entry.get("remove"), entry.get("add")
        for i, x in enumerate(removing if isinstance(removing, list) else []):
            if x in items:
                items = [y for y in items if y != x]
            else:
                self.problem(
                    (
                        f"`{excerpt(str(x))}` is not in the clause map entry of clause {clause} in {self.base}: "
                        "nothing to remove",
                        f"{self.base} 的条款映射中条款 {clause} 没有 `{excerpt(str(x))}`：没有可删除的内容",
                    ),
                    here + ("remove", i),
                    suggest(str(x), map(str, items)),
                )
        for x in adding if isinstance(adding, list) else []:
            if x not in items:
                items.append(copy.deepcopy(x))
        return items

    def edit(self, name: str, value: Any, entry: dict, here: tuple) -> Any:
        """A parameter's list or mapping with ``entry``'s ``remove``, ``add`` then ``change`` applied."""
        if not isinstance(value, (list, dict)):
            self.problem(
                (
                    f"`add`, `remove` and `change` edit a list or a mapping; parameter `{name}` is neither",
                    f"`add`、`remove` 和 `change` 只能修改列表或代码表；参数 `{name}` 两者都不是",
                ),
                here,
                ("give the new `value` instead", "请改为给出新的 `value`"),
                code="WQ-TYPE",
                key=True,
            )
            return value
        is_map = isinstance(value, dict)
        remove, add = entry.get("remove"), entry.get("add")
        if remove is not None and not isinstance(remove, list):
            self.problem(
                (
                    f"`remove` of parameter `{name}` takes a list of the {'keys' if is_map else 'items'} to remove",
                    f"参数 `{name}` 的 `remove` 应为要删除的{'代码' if is_map else '项'}组成的列表",
                ),
                here + ("remove",),
                (f"write `remove: [{remove}]`", f"写成 `remove: [{remove}]`"),
                code="WQ-SCHEMA",
            )
            remove = None
        if add is not None and not isinstance(add, dict if is_map else list):
            want = "a mapping of new entries (`key: value`)" if is_map else "a list of new items"
            kind = "mapping" if is_map else "list"
            want_zh = "新增各项组成的代码表（`代码: 取值`）" if is_map else "新增各项组成的列表"
            kind_zh = "代码表" if is_map else "列表"
            self.problem(
                (
                    f"`add` of parameter `{name}` takes {want}, as its value is a {kind}",
                    f"参数 `{name}` 的取值是{kind_zh}，所以 `add` 应为{want_zh}",
                ),
                here + ("add",),
                code="WQ-SCHEMA",
            )
            add = None
        value = copy.deepcopy(value)
        members = _Members(value)  # what the value holds, looked up at once: an edit of n items costs n, not n²
        removed = _Members([])
        for i, x in enumerate(remove or []):
            if x not in members:
                self.problem(
                    (
                        f"`{excerpt(str(x))}` is not in parameter `{name}` of {self.base}: nothing to remove",
                        f"{self.base} 的参数 `{name}` 中没有 `{excerpt(str(x))}`：没有可删除的内容",
                    ),
                    here + ("remove", i),
                    suggest(str(x), map(str, value)),
                )
            elif is_map:
                del value[x]
                members.discard(x)
            else:
                removed.add(x)
                members.discard(x)
        if removed:
            value = [v for v in value if v not in removed]
        for key, x in add.items() if isinstance(add, dict) else enumerate(add or []):  # (a mapping's: a dict)
            shown = key if is_map else x
            if shown in members:
                change = "`add` replaces its entry" if is_map else "adding it again changes nothing"
                change_zh = "`add` 会替换原有的这一项" if is_map else "再次添加不会有任何改变"
                self.problem(
                    (
                        f"`{excerpt(str(shown))}` is already in parameter `{name}`; {change}",
                        f"参数 `{name}` 中已有 `{excerpt(str(shown))}`：{change_zh}",
                    ),
                    here + ("add", key),
                    severity="warning",
                    key=is_map,
                )
            if is_map:
                value[key] = copy.deepcopy(x)
                members.add(key)
            elif x not in members:
                value.append(copy.deepcopy(x))
                members.add(x)
        if "change" in entry:
            self.change(name, value, entry["change"], here + ("change",))
        return value

    def change(self, name: str, value: Any, change: Any, here: tuple) -> None:
        """Entries of a mapping ``value`` changed in place, field by field: a field given as ``{add: …}`` /
        ``{remove: …}`` is itself edited (`intelligent_tech: {subsectors: {add: [低空经济]}}`), any other value
        replaces the field."""
        if not isinstance(value, dict) or not isinstance(change, dict):
            self.problem(
                (
                    f"`change` of parameter `{name}` takes a mapping of its entries to change, each with the "
                    "fields that change (`key: {field: new value}`)",
                    f"参数 `{name}` 的 `change` 应写出要修改的各项及其改动的字段（`代码: {{字段: 新取值}}`）",
                ),
                here,
                code="WQ-SCHEMA",
            )
            return
        for key, fields in change.items():
            if not (isinstance(key, Hashable) and key in value):
                self.problem(
                    (
                        f"`{key}` is not in parameter `{name}` of {self.base}: nothing to change",
                        f"{self.base} 的参数 `{name}` 中没有 `{key}`：没有可修改的内容",
                    ),
                    here + (key,),
                    suggest(str(key), map(str, value)),
                    key=True,
                )
            elif not isinstance(fields, dict) or not isinstance(value[key], dict):
                self.problem(
                    (
                        f"`change` of `{key}` in parameter `{name}` takes a mapping of the fields to change",
                        f"参数 `{name}` 中 `{key}` 的 `change` 应写出要修改的字段（`字段: 新取值`）",
                    ),
                    here + (key,),
                    code="WQ-SCHEMA",
                )
            else:
                for field_name, new in fields.items():
                    if field_name not in value[key]:  # a misspelt field would be added as data, silently
                        fields_of = ", ".join(map(str, value[key]))
                        self.problem(
                            (
                                f"`{key}` in parameter `{name}` has no field `{field_name}`: nothing to change",
                                f"参数 `{name}` 中的 `{key}` 没有字段 `{field_name}`：没有可修改的内容",
                            ),
                            here + (key, field_name),
                            suggest(str(field_name), map(str, value[key]))
                            or (f"fields: {fields_of}", f"已有的字段：{fields_of}"),
                            key=True,
                        )
                        continue
                    old = value[key].get(field_name)
                    if isinstance(new, dict) and new and set(new) <= set(EDITS) and isinstance(old, (list, dict)):
                        value[key][field_name] = self.edit(
                            f"{name}.{key}.{field_name}", old, new, here + (key, field_name)
                        )
                    else:
                        value[key][field_name] = copy.deepcopy(new)


def edits_without_base(doc: dict, marks: Marks) -> list[Diagnostic]:
    """`add`, `remove` or `change` in a policy file that extends nothing: there is no value to edit, and they would
    be passed over in silence."""
    out = []
    parameters = doc.get("parameters")
    for name, entry in parameters.items() if isinstance(parameters, dict) else ():
        for key in (k for k in EDITS if isinstance(entry, dict) and k in entry):
            out.append(
                Diagnostic(
                    "WQ-SCHEMA",
                    f"parameter `{name}`: `{key}` edits the version a revision extends, and this file extends none",
                    marks.key_span(("parameters", name, key)),
                    "give the parameter its whole `value:`, or add `extends:` naming the base",
                    subject=str(name),
                    zh=f"参数 `{name}`：`{key}` 用于修改修订所沿用的版本，而这个文件没有沿用（extends）任何版本",
                    hint_zh="给出参数完整的 `value:`，或加上 `extends:` 写明所依据的基础版本",
                )
            )
    return out


def _list_edit(entry: Any) -> bool:
    """Whether a revision's entry edits a list in place (`{add: […]}`, `{remove: […]}`)."""
    return isinstance(entry, dict) and bool(entry) and set(entry) <= {"add", "remove"}


def _holds(value: Any, x: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(x, Hashable) and x in value
    return x in value


class _Members:
    """The items of a list (or the keys of a mapping) for membership by equality, as `in` on the list has it:
    hashable ones in a set, the few others (a mapping item) in a list."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._hashed: set = set()
        self._other: list = []
        for x in items:
            self.add(x)

    def __contains__(self, x: object) -> bool:
        if _hashable(x):
            return x in self._hashed
        return x in self._other

    def __bool__(self) -> bool:
        return bool(self._hashed or self._other)

    def add(self, x: Any) -> None:
        if _hashable(x):
            self._hashed.add(x)
        else:
            self._other.append(x)

    def discard(self, x: Any) -> None:
        if _hashable(x):
            self._hashed.discard(x)
        elif x in self._other:
            self._other.remove(x)


def _hashable(x: object) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


def _place_added_items(marks: Marks, rev_marks: Marks, rev_doc: dict, doc: dict) -> None:
    """Give the items a revision adds to a parameter's list or mapping (``add:``) the revision's marks at the
    place they take in the resolved ``value``, so a problem in one is reported in the revision, where it was
    written, not at the base's ``value:``."""
    positions: dict = {}
    for path, mark in list(rev_marks.items()):
        keyed = path[:1] == ("<key>",)
        inner = path[1:] if keyed else path
        if len(inner) < 4 or inner[0] != "parameters":
            continue
        # where the edit is (`add` of the parameter, or of a field of an entry it changes) and where it lands
        at, target = 2, ("parameters", inner[1], "value")
        while len(inner) > at + 2 and inner[at] == "change":
            at, target = at + 3, target + inner[at + 1 : at + 3]
        if len(inner) <= at + 1 or inner[at] != "add":
            continue
        item = inner[at + 1]
        value: Any = doc
        edit: Any = rev_doc
        for step in target:
            value = value.get(step) if isinstance(value, dict) else None
        for step in inner[: at + 1]:
            edit = edit.get(step) if isinstance(edit, dict) else None
        if isinstance(item, int) and isinstance(value, list) and isinstance(edit, list) and item < len(edit):
            firsts = positions.get(target)
            if firsts is None:  # each item's first place in the resolved list, found once per list
                firsts = positions[target] = {}
                for i, x in enumerate(value):
                    if _hashable(x):
                        firsts.setdefault(x, i)
            found = (
                firsts.get(edit[item])
                if _hashable(edit[item])
                else next((i for i, x in enumerate(value) if x == edit[item]), None)
            )
            if found is None:  # where it was appended (or already stood)
                continue
            item = found
        elif not (isinstance(value, dict) and item in value):
            continue
        target = target + (item,) + inner[at + 2 :]
        marks[("<key>",) + target if keyed else target] = mark
