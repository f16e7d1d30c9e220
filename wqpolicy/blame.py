"""An error a revision causes in a line it inherits from its base: reported at the revision's own line — the edit
that caused it — with the inherited line as a related place.

Checking a revision checks its resolved policy, so a fault may sit in the base file: a clause map still naming a
rule the revision removed, a rule whose condition no longer types once the revision changed a parameter it reads,
a message naming a value the revision's new condition no longer reads. Such a fault is the revision's to mend, so
it is reported where the revision wrote the edit. The edit is found from the diagnostic's fields — the item it is
about (``subject``) and its ``decision`` — and from what that item's expressions read, never from its wording.
Where no edit of the revision explains it, it stays at the inherited line, with a hint saying it is inherited.
"""

from __future__ import annotations

import dataclasses

from .checker import reads
from .errors import Diagnostic, Related
from .model import Definition, Expr, PolicyVersion
from .overlay import DECISION_NAMED, WHAT
from .yamlload import Marks

_DID = {"removed": ("removes", "删除了"), "changed": ("changes", "修改了"), "added": ("adds", "新增了")}


def blame_revision(
    diagnostics: list[Diagnostic],
    rev_file: str,
    rev_marks: Marks,
    merged: Marks,
    origin: dict,
    version: str,
    base: str,
    model: PolicyVersion | None = None,
) -> list[Diagnostic]:
    """``diagnostics`` of the resolved revision ``version`` (file ``rev_file``), those in lines it inherits from
    ``base`` moved to the revision's edit that caused them (``origin``: item path -> 'changed' | 'added' |
    'removed'; ``model``: the resolved policy, whose expressions say what each item reads), the inherited line
    kept as a related place; the others as they are. Findings that land on one edit with the same words are one,
    with each inherited line related."""
    edits = {path: how for path, how in origin.items() if how in _DID and rev_marks.key_span(path) is not None}
    at_line = _items_by_line(merged)
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.span is None or d.span.file == rev_file:
            out.append(d)
            continue
        cause = _cause(d, edits, at_line, model)
        if cause is None:
            out.append(
                dataclasses.replace(
                    d,
                    hint=f"this line is inherited from {base} by {version}" + (f"; {d.hint}" if d.hint else ""),
                    hint_zh=f"该行由 {version} 继承自 {base}" + (f"；{d.hint_zh}" if d.hint_zh else ""),
                )
            )
            continue
        path, own = cause
        how = edits[path]
        did, did_zh = _DID[how]
        item, item_zh = _words(path)
        if own:  # the item the revision changed is the one at fault, in a part it inherits
            hint = (
                f"{version} {did} {item} here, and its part inherited from {base} (noted below) no longer fits "
                f"it: restate that part in {version} too"
            )
            hint_zh = (
                f"{version} 在此{did_zh}{item_zh}，而其继承自 {base} 的部分（见下方注）已与之不符："
                f"请在 {version} 中一并改写"
            )
        elif how == "removed":
            hint = (
                f"{version} removes {item} here, but what it inherits from {base} (noted below) still names it: "
                f"restate those items in {version} without it"
            )
            hint_zh = (
                f"{version} 在此删除了{item_zh}，但继承自 {base} 的内容（见下方注）仍引用它："
                f"请在 {version} 中改写这些项"
            )
        else:
            hint = f"{version} {did} {item} here, and what it inherits from {base} (noted below) reads it" + (
                f": {d.hint}" if d.hint else ""
            )
            hint_zh = f"{version} 在此{did_zh}{item_zh}，而继承自 {base} 的内容（见下方注）读取它" + (
                f"：{d.hint_zh}" if d.hint_zh else ""
            )
        note = Related(d.span, f"inherited from {base}: the line at fault", f"继承自 {base}：出错之处")
        out.append(
            dataclasses.replace(
                d, span=rev_marks.key_span(path), hint=hint, hint_zh=hint_zh, related=(note, *d.related)
            )
        )
    return _joined(out)


def _cause(d: Diagnostic, edits: dict, at_line: dict, model: PolicyVersion | None) -> tuple[tuple, bool] | None:
    """(the revision's edit that explains ``d``, whether it is the item at fault itself), or None."""
    if not edits or d.span is None:
        return None
    subject, decision = d.subject, d.decision
    # the item it is about was edited: a clause map naming a removed rule, a changed rule's inherited message
    for path in edits:
        if subject is not None and path[-1] == subject and _in_decision(path, decision):
            return path, len(path) in (2, 4) and edits[path] == "changed" and _holds(at_line, d, path)
    # what the item's expressions read (through definitions) was edited: a parameter changed or removed
    read = _read_by(model, subject, decision) if model is not None else set()
    for path in edits:
        if path[-1] in read and (
            (len(path) == 2 and path[0] in ("parameters", "definitions"))
            or (len(path) == 4 and path[2] == "definitions" and path[1] == decision)
        ):
            return path, False
    # the line lies in an item the revision changed
    item = at_line.get((d.span.file, d.span.line))
    if item is not None and item in edits and edits[item] == "changed":
        return item, True
    # a part of the decision itself (its input schema, its rules_from) was changed
    for path in edits:
        if decision is not None and len(path) == 3 and path[:2] == ("decisions", decision):
            return path, False
    return None


def _in_decision(path: tuple, decision: str | None) -> bool:
    """Whether the item at ``path`` can be the one a finding in ``decision`` is about: anything of the policy;
    a rule anywhere (rule ids are unique across decisions); an output or definition of that decision."""
    if len(path) == 2:
        return path[0] != "decisions"
    return len(path) == 4 and (path[2] == "rules" or path[1] == decision or decision is None)


def _holds(at_line: dict, d: Diagnostic, path: tuple) -> bool:
    return d.span is not None and at_line.get((d.span.file, d.span.line)) == path


def _read_by(model: PolicyVersion, subject: str | None, decision: str | None) -> set[str]:
    """The names the expressions of item ``subject`` (of ``decision``) read, following definitions."""
    if subject is None:
        return set()
    dec = model.decisions.get(decision) if decision else None
    defs = {**model.definitions, **(dec.definitions if dec else {})}
    exprs: list = []
    if dec is not None:
        exprs += [r.condition for r in dec.rules if r.id == subject]
        exprs += [o.expr for n, o in dec.outputs.items() if n == subject]
        exprs += [s.when for s in dec.outcome if subject == "outcome"]
    if subject in defs:
        exprs += _def_exprs(defs[subject])
    out: set[str] = set()
    todo = [e for e in exprs if e is not None]
    while todo:
        for text, _ in reads(todo.pop()):
            root = text.split(".")[0].split("[")[0]
            if root not in out:
                out.add(root)
                if root in defs:
                    todo += [e for e in _def_exprs(defs[root]) if e is not None]
    return out


def _def_exprs(d: Definition | None) -> list[Expr | None]:
    if d is None:
        return []
    if d.each is None:
        return [d.expr]
    e = d.each
    return [e.source, e.order_by, *e.fields.values(), *(x for pair in e.carry.values() for x in pair)]


def _joined(found: list[Diagnostic]) -> list[Diagnostic]:
    """Findings moved to one edit with the same words, as one: every inherited line a related place."""
    groups: dict = {}
    for d in found:
        groups.setdefault((d.code, d.span_key, d.message, d.severity), []).append(d)
    out = []
    for same in groups.values():
        related = tuple(dict.fromkeys(r for d in same for r in d.related))
        out.append(same[0] if len(same) == 1 else dataclasses.replace(same[0], related=related))
    return out


_WHAT_ZH = {
    "parameter": "参数",
    "definition": "定义",
    "decision": "决定",
    "rule": "规则",
    "output": "输出",
    "outcome": "结论",
    "clause-map entry": "条款映射项",
    "metadata entry": "元数据项",
}


def _words(path: tuple) -> tuple[str, str]:
    """The edited item at ``path`` in words, English and Chinese: parameter `x`, `input` of decision `y`."""
    if len(path) == 3:
        return f"`{path[2]}` of decision `{path[1]}`", f"决定 `{path[1]}` 的 `{path[2]}`"
    what = WHAT.get(path[2] if len(path) == 4 else path[0], "item")
    return f"{what} `{path[-1]}`", f"{_WHAT_ZH.get(what, '')} `{path[-1]}`"


def _items_by_line(marks: Marks) -> dict:
    """(file, 1-based line) -> the item (a named entry of the policy) whose text holds that line."""
    out: dict = {}
    for path, mark in marks.items():
        if not path or path[0] == "<key>":
            continue
        item = path[:4] if path[0] == "decisions" and len(path) >= 4 and path[2] in DECISION_NAMED else path[:2]
        out.setdefault((mark.file, mark.line + 1), item)
    return out
