"""Policy files on disk: finding them, resolving ``extends`` (a revision states only what changes),
and choosing the version in force on a date."""
from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic, WQError
from .source import Span
from .yamlload import Marks, load_yaml, read_text

# Sections whose entries are named items: a revision merges them entry by entry.
_NAMED = ("parameters", "definitions", "decisions", "clause_map", "metadata")
_DECISION_NAMED = ("rules", "outputs", "definitions", "outcomes")


@dataclass
class PolicyFile:
    path: Path
    doc: dict
    marks: Marks
    text: str

    @property
    def id(self) -> str:
        return str(self.doc.get("id"))

    @property
    def version(self) -> str:
        return str(self.doc.get("version"))


@dataclass
class Resolved:
    doc: dict
    marks: Marks
    origin: dict = field(default_factory=dict)  # item path (tuple) -> 'inherited' | 'changed' | 'added'
    chain: list = field(default_factory=list)  # [this version, its base, …]


def read_policy_file(path: Path) -> PolicyFile:
    text = read_text(path)
    doc, marks = load_yaml(text, str(path), dates=False)
    if not isinstance(doc, dict):
        raise WQError([Diagnostic("WQ-SCHEMA", "a policy file must be a mapping with `id`, `version`, …",
                                  Span(str(path), 1, 1))])
    return PolicyFile(path, doc, marks, text)


def resolve(pf: PolicyFile, siblings: dict[str, PolicyFile], _seen=()) -> Resolved:
    """Apply ``extends``: the base (resolved first) overlaid with this file's entries."""
    base_name = pf.doc.get("extends")
    if not base_name:
        return Resolved(pf.doc, pf.marks, {}, [pf.version])
    if base_name in _seen or base_name == pf.version:
        raise WQError([Diagnostic("WQ-VERSION", "`extends` goes round in a circle: "
                                  + " → ".join(_seen + (pf.version, str(base_name))), pf.marks.span(("extends",)))])
    base_file = siblings.get(str(base_name))
    if base_file is None or base_file.id != pf.id:
        raise WQError([Diagnostic("WQ-VERSION", f"`extends: {base_name}`: no version `{base_name}` of policy "
                                  f"`{pf.id}` beside this file", pf.marks.span(("extends",)),
                                  hint="versions known: " + ", ".join(sorted(siblings)) if siblings else None)])
    base = resolve(base_file, siblings, _seen + (pf.version,))
    doc, origin = _overlay(_anchored(base.doc, base_file.path.parent), pf.doc)
    marks = Marks(base.marks)
    for path, mark in pf.marks.items():
        marks[path] = mark
    _place_added_items(marks, pf, doc)
    return Resolved(doc, marks, origin, [pf.version] + base.chain)


def _place_added_items(marks: Marks, pf: PolicyFile, doc: dict) -> None:
    """Give the items a revision adds to a parameter's list or mapping (``add:``) the revision's marks at the
    place they take in the resolved ``value``, so a problem in one is reported in the revision, where it was
    written, not at the base's ``value:``."""
    for path, mark in list(pf.marks.items()):
        keyed = path[:1] == ("<key>",)
        inner = path[1:] if keyed else path
        if len(inner) < 4 or inner[0] != "parameters" or inner[2] != "add":
            continue
        name, item = inner[1], inner[3]
        if isinstance(item, int):  # a list item: where it was appended (or where it already stood)
            try:
                added = pf.doc["parameters"][name]["add"][item]
                item = doc["parameters"][name]["value"].index(added)
            except (KeyError, IndexError, TypeError, ValueError):
                continue
        target = ("parameters", name, "value", item) + inner[4:]
        marks[("<key>",) + target if keyed else target] = mark


def _anchored(doc: dict, folder: Path) -> dict:
    """``doc`` with its relative file paths (source document, input schemas) made absolute, so that a revision in
    another folder inherits them pointing where its base meant."""
    doc = copy.deepcopy(doc)

    def anchor(holder: dict, key: str):
        value = holder.get(key)
        if isinstance(value, str) and not Path(value).is_absolute():
            holder[key] = str((folder / value).resolve())

    if isinstance(doc.get("source"), dict):
        anchor(doc["source"], "document")
    for decision in (doc.get("decisions") or {}).values():
        if isinstance(decision, dict):
            anchor(decision, "input")
    return doc


def _overlay(base: dict, rev: dict) -> tuple[dict, dict]:
    out = copy.deepcopy(base)
    origin: dict = {}
    for key in ("extends", "effective_until", "gap_before"):
        out.pop(key, None)
    for key, value in rev.items():
        if key in _NAMED and isinstance(value, dict):
            out[key] = _merge_named(out.get(key) or {}, value, (key,), origin,
                                    parameters=(key == "parameters"), decisions=(key == "decisions"))
        else:
            out[key] = copy.deepcopy(value)
    return out, origin


def _merge_named(base: dict, rev: dict, path, origin, parameters=False, decisions=False) -> dict:
    out = dict(base)
    for name, entry in rev.items():
        here = path + (name,)
        if isinstance(entry, dict) and entry.get("remove") is True:
            out.pop(name, None)
            origin[here] = "removed"
            continue
        if name not in out or not isinstance(entry, dict) or not isinstance(out[name], dict):
            origin[here] = "added" if name not in out else "changed"
            out[name] = copy.deepcopy(entry)
            continue
        merged = dict(out[name])
        if decisions:
            for key, value in entry.items():
                if key in _DECISION_NAMED and isinstance(value, dict):
                    merged[key] = _merge_named(merged.get(key) or {}, value, here + (key,), origin)
                else:
                    merged[key] = copy.deepcopy(value)
                    origin[here + (key,)] = "changed"
            out[name] = merged
            continue
        if parameters and ("add" in entry or "remove" in entry):
            merged["value"] = _edit_collection(merged.get("value"), entry.get("add"), entry.get("remove"))
            entry = {k: v for k, v in entry.items() if k not in ("add", "remove")}
        merged.update(copy.deepcopy(entry))
        out[name] = merged
        origin[here] = "changed"
    return out


def _edit_collection(value, add, remove):
    if isinstance(value, dict):
        value = dict(value)
        for k in remove or []:
            value.pop(k, None)
        value.update(add or {})
        return value
    value = [x for x in (value or []) if x not in (remove or [])]
    for x in add or []:
        if x not in value:
            value.append(x)
    return value


def in_force(versions: list, on: datetime.date):
    """The version (PolicyVersion-like, with effective_from/until) in force on ``on``, or None."""
    best = None
    for v in versions:
        if v.effective_from and v.effective_from <= on and (v.effective_until is None or on <= v.effective_until):
            if best is None or v.effective_from > best.effective_from:
                best = v
    return best


def timeline_problems(versions: list) -> list[Diagnostic]:
    """Overlapping ranges, and gaps not declared with ``gap_before: true``."""
    out = []
    ordered = sorted((v for v in versions if v.effective_from), key=lambda v: v.effective_from)
    for prev, cur in zip(ordered, ordered[1:]):
        where = cur.effective_span or Span(cur.file, 1, 1)
        if prev.effective_until is None or prev.effective_until >= cur.effective_from:
            until = f"until {prev.effective_until}" if prev.effective_until else "it has no `effective_until`"
            out.append(Diagnostic("WQ-VERSION", f"{cur.ref} starts {cur.effective_from} while {prev.ref} is still in "
                                  f"force ({until})", where,
                                  hint=f"set `effective_until` of {prev.version} to the day before "
                                       f"{cur.effective_from}"))
        elif prev.effective_until + datetime.timedelta(days=1) < cur.effective_from and not cur.gap_before:
            out.append(Diagnostic("WQ-VERSION", f"no version of {cur.id} is in force from "
                                  f"{prev.effective_until + datetime.timedelta(days=1)} to "
                                  f"{cur.effective_from - datetime.timedelta(days=1)}", where,
                                  hint="close the gap, or declare it with `gap_before: true`"))
    return out


LOCK_NAME = "wqpolicy.lock.json"


def item_hashes(doc: dict) -> dict[str, str]:
    """A short hash of every named item of a resolved policy document, by its dotted path."""
    import hashlib
    import json

    out = {}

    def put(path, value):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        out[path] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    for section in ("parameters", "definitions", "clause_map", "metadata"):
        for name, value in (doc.get(section) or {}).items():
            put(f"{section}.{name}", value)
    for dname, d in (doc.get("decisions") or {}).items():
        for key, value in d.items():
            if key in _DECISION_NAMED and isinstance(value, dict):
                for name, item in value.items():
                    put(f"decisions.{dname}.{key}.{name}", item)
            else:
                put(f"decisions.{dname}.{key}", value)
    return out


def overridden(doc: dict) -> set[str]:
    """Dotted paths of the items a revision file states itself (the rest it inherits)."""
    paths = set()
    for section in ("parameters", "definitions", "clause_map", "metadata"):
        paths |= {f"{section}.{n}" for n in (doc.get(section) or {})}
    for dname, d in (doc.get("decisions") or {}).items():
        for key, value in (d or {}).items():
            if key in _DECISION_NAMED and isinstance(value, dict):
                paths |= {f"decisions.{dname}.{key}.{n}" for n in value}
            else:
                paths.add(f"decisions.{dname}.{key}")
    return paths


def base_changes(revision: PolicyFile, base_now: dict, locked: dict) -> list[Diagnostic]:
    """WQ-BASE findings: items of the base that changed since the lock was written, and what that does to
    ``revision`` (an inherited item changes its meaning; an overridden one may no longer fit)."""
    now = item_hashes(base_now)
    changed = sorted(p for p in set(now) | set(locked) if now.get(p) != locked.get(p))
    if not changed:
        return []
    own = overridden(revision.doc)
    out = []
    for path in changed:
        how = "overridden by this revision: check the override still fits" if path in own else \
            "inherited: this revision's meaning changed"
        state = "removed from" if path not in now else "added to" if path not in locked else "changed in"
        out.append(Diagnostic("WQ-BASE", f"`{path}` {state} base {revision.doc.get('extends')} since the lock "
                              f"({how})", revision.marks.span(("extends",)),
                              hint="review the revision, then run `wqpolicy lock` to record the base as reviewed"))
    return out
