"""The changes of a revision one by one, each able to stand alone: the edits that turn the older version's resolved
document into the newer one's — a parameter, a definition, a rule, an output, a decision's outcome steps, or one
item of a parameter's list or mapping (an item moved from one list to another is one edit) — each with the diff's
words for it, and the older version with that edit alone applied, checked and compiled (``variant``). Clause maps,
clause texts, titles and dates decide nothing, so they make no edit; a variant's clause map is not required to be
complete. Input fields a revision adds or removes (`input_fields`), and the parameters and definitions it adds, decide
nothing alone either (only what reads them does): every variant takes them, so that a new rule that reads a new field
or parameter stands alone as the edit it is."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diff import Change, policy_changes
from ..errors import Diagnostic, WQError
from ..overlay import DECISION_NAMED, anchored
from ..policy import Policy
from ..policyfile import Builder
from ..yamlload import Marks

# Parts of a policy document that decide nothing about an application: changing them alone moves none.
_NOT_DECIDING = ("clause_map", "metadata", "clauses")
# Parts of a decision that decide nothing alone, and that every variant takes from the newer version.
_SHARED = ("input_fields",)

# How an edit changes the document at its path.
SET, DELETE, LIST_ADD, LIST_REMOVE = "set", "delete", "list_add", "list_remove"


@dataclass(frozen=True)
class Step:
    path: tuple
    how: str
    value: Any = None


@dataclass
class Edit:
    """One change of the revision that can be applied alone: ``key`` (``parameters.min_rd_intensity``,
    ``parameters.eligible_categories[decoration]``), its ``steps`` and the ``changes`` (diff.Change) that word it."""

    key: str
    steps: list[Step]
    changes: list[Change] = field(default_factory=list)

    @property
    def clause(self) -> str:
        return next((c.clause for c in self.changes if c.clause), "")

    def to_json(self) -> dict:
        return {"key": self.key, "clause": self.clause or None, "changes": [c.message for c in self.changes]}


def revision_edits(old: Any, new: Any) -> tuple[list[Edit], list[Change]]:
    """The edits from ``old`` to ``new`` (loaded Policies of one policy), each holding the diff's changes that
    word it, and every change of the diff in its order (those no edit holds decide nothing: a clause map, a
    title, a date)."""
    a = anchored(old.model.raw, Path(old.model.file).parent)
    b = anchored(new.model.raw, Path(new.model.file).parent)
    edits = _parameters(a, b) + _named(a, b, "definitions") + _decisions(a, b)
    changes = policy_changes(old.model, new.model)
    by_key = {e.key: e for e in edits}
    for c in changes:
        if c.kind == "item.moved":
            _join_move(c, by_key, edits)
    for c in changes:
        edit = _owner(c.path, by_key)
        if edit is not None:
            edit.changes.append(c)
    return edits, changes


def variant(old: Any, new: Any, edit: Edit) -> Policy:
    """``old`` with ``edit`` alone applied, checked and compiled. Raises WQError when the edit cannot stand alone
    (it reads a name another edit of the revision adds, say)."""
    folder = Path(old.model.file).parent
    doc = copy.deepcopy(anchored(old.model.raw, folder))
    for section in ("parameters", "definitions"):  # what the newer version adds, in every variant
        older, added = doc.setdefault(section, {}), new.model.raw.get(section) or {}
        for name in set(added) - set(older):
            older[name] = copy.deepcopy(added[name])
    newer = new.model.raw.get("decisions") or {}
    for name, decision in (doc.get("decisions") or {}).items():
        for key in _SHARED:  # the newer version's input fields, in every variant
            theirs = (newer.get(name) or {}).get(key) if isinstance(newer.get(name), dict) else None
            if (
                isinstance(decision, dict)
                and theirs is not None
                and decision.get("input") == _anchored_input(new, name)
            ):
                decision[key] = copy.deepcopy(theirs)
    for step in edit.steps:
        _apply(doc, step)
    doc["version"] = f"{old.model.version}+{edit.key}"
    doc["clause_map"] = {}  # it decides nothing, and names items the edit alone may remove
    marks = Marks(old.model.marks or {})
    top = edit.steps[0].path[:2] if edit.steps else ()
    for path, mark in (new.model.marks or {}).items():
        inner = path[1:] if path[:1] == ("<key>",) else path
        if inner[: len(top)] == top:
            marks[path] = mark
    builder = Builder(doc, marks, old.model.file, folder)
    model = builder.build()
    errors = [d for d in builder.diagnostics if d.severity == "error" and d.code != "WQ-CLAUSE"]
    if errors:
        raise WQError(errors)
    model.marks = marks
    try:
        return Policy(model, [])
    except RecursionError:
        raise WQError([Diagnostic("WQ-CYCLE", "nests too deeply to check")]) from None


def _anchored_input(policy: Any, decision: str) -> Any:
    """The `input:` of ``decision`` in ``policy``'s resolved document, as an absolute path (overlay.anchored)."""
    doc = anchored(policy.model.raw, Path(policy.model.file).parent)
    return ((doc.get("decisions") or {}).get(decision) or {}).get("input")


def _apply(doc: dict, step: Step) -> None:
    *head, last = step.path
    node: Any = doc
    for part in head:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node
    if step.how == SET:
        node[last] = copy.deepcopy(step.value)
    elif step.how == DELETE:
        node.pop(last, None)
    elif step.how == LIST_ADD:
        node[last] = list(node.get(last) or []) + [copy.deepcopy(step.value)]
    elif step.how == LIST_REMOVE:
        node[last] = [x for x in node.get(last) or [] if x != step.value]


def _added(path: tuple, old: Any) -> bool:
    """Whether the item at ``path`` is one the newer version adds to the policy's parameters or definitions (which
    every variant takes: it decides nothing alone)."""
    return path[0] in ("parameters", "definitions") and len(path) == 2 and old is None


def _whole(path: tuple, new: Any) -> Edit:
    key = ".".join(str(p) for p in path)
    return Edit(key, [Step(path, DELETE) if new is None else Step(path, SET, new)])


def _parameters(a: dict, b: dict) -> list[Edit]:
    out = []
    pa, pb = a.get("parameters") or {}, b.get("parameters") or {}
    for name in sorted(set(pa) | set(pb), key=str):
        x, y = pa.get(name), pb.get(name)
        if x == y or _added(("parameters", name), x):
            continue
        path = ("parameters", name)
        if not (isinstance(x, dict) and isinstance(y, dict)):
            out.append(_whole(path, y))
            continue
        same_rest = {k: v for k, v in x.items() if k != "value"} == {k: v for k, v in y.items() if k != "value"}
        va, vb = x.get("value"), y.get("value")
        if same_rest and isinstance(va, dict) and isinstance(vb, dict):
            for key in sorted(set(va) | set(vb), key=str):
                if va.get(key) != vb.get(key) or (key in va) != (key in vb):
                    at: tuple = (*path, "value", key)
                    step = Step(at, DELETE) if key not in vb else Step(at, SET, vb[key])
                    out.append(Edit(f"parameters.{name}.{key}", [step]))
        elif same_rest and isinstance(va, list) and isinstance(vb, list) and _items_moved(va, vb):
            here = (*path, "value")
            out += [Edit(f"parameters.{name}[{v}]", [Step(here, LIST_REMOVE, v)]) for v in va if v not in vb]
            out += [Edit(f"parameters.{name}[{v}]", [Step(here, LIST_ADD, v)]) for v in vb if v not in va]
        else:
            out.append(_whole(path, y))
    return out


def _items_moved(a: list, b: list) -> bool:
    """Whether ``b`` is ``a`` with items taken out or put at its end (so item edits make it again)."""
    kept = [x for x in a if x in b]
    return kept + [x for x in b if x not in a] == b


def _named(a: dict, b: dict, section: str, prefix: tuple = ()) -> list[Edit]:
    sa, sb = a.get(section) or {}, b.get(section) or {}
    return [
        _whole((*prefix, section, name), sb.get(name))
        for name in sorted(set(sa) | set(sb), key=str)
        if sa.get(name) != sb.get(name) and not _added((*prefix, section, name), sa.get(name))
    ]


def _decisions(a: dict, b: dict) -> list[Edit]:
    out = []
    da, db = a.get("decisions") or {}, b.get("decisions") or {}
    for name in sorted(set(da) | set(db), key=str):
        x, y = da.get(name), db.get(name)
        if x == y:
            continue
        if not (isinstance(x, dict) and isinstance(y, dict)):
            out.append(_whole(("decisions", name), y))
            continue
        for key in sorted(set(x) | set(y), key=str):
            if x.get(key) == y.get(key):
                continue
            if key in DECISION_NAMED and isinstance(x.get(key), dict) and isinstance(y.get(key), dict):
                out += _named(x, y, key, ("decisions", name))
            elif key not in _SHARED:
                out.append(_whole(("decisions", name, key), y.get(key)))
    return [e for e in out if e.steps[0].path[0] not in _NOT_DECIDING]


def _join_move(change: Change, by_key: dict[str, Edit], edits: list[Edit]) -> None:
    """An item moved from one list to another (``item.moved``): its removal and its addition as one edit."""
    after = f"parameters.{change.after}"
    if not change.path.startswith(after):
        return
    rest = change.path[len(after) :]
    added, removed = by_key.get(change.path), by_key.get(f"parameters.{change.before}{rest}")
    if added is None or removed is None:
        return
    removed.steps += added.steps
    removed.key = change.path
    edits.remove(added)
    del by_key[added.key]
    by_key[removed.key] = removed
    by_key[f"parameters.{change.before}{rest}"] = removed


def _owner(path: str, by_key: dict[str, Edit]) -> Edit | None:
    """The edit a change at ``path`` belongs to: the one whose key is ``path`` or its longest prefix."""
    best = None
    for key, edit in by_key.items():
        if (path == key or path.startswith((key + ".", key + "["))) and (best is None or len(key) > len(best[0])):
            best = (key, edit)
    return best[1] if best is not None else None
