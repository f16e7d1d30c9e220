"""Policy diff: what changed between two resolved policy versions, in plain words.

``policy_changes(old, new)`` compares two ``PolicyVersion`` models item by item and returns ``Change``s; a ``Diff``
holds them with the ``Impact`` over cases (impact.py). Nothing here prints: diff_report.py renders a ``Diff``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .checker import reads
from .display import decimal_text, display
from .fieldtitles import FieldTitles
from .impact import Impact
from .model import Decision, Definition, Expr, Output, PolicyVersion, Rule, Text, parsed
from .values import Duration


@dataclass(frozen=True)
class Change:
    """One change to the policy. ``kind`` is ``<what>.<how>``: what is parameter, item, rule, definition,
    output, outcome, decision, input (a field of a decision's input), clause (the guideline's text), clause_map,
    metadata or policy (its title); how is added, removed, changed or moved."""

    kind: str
    path: str
    clause: str | None
    before: Any
    after: Any
    message: str
    label: Any = None  # the zh/en label (model.Text) of the parameter, rule, output or definition it changes

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "path": self.path,
            "clause": self.clause,
            "before": self.before,
            "after": self.after,
            "message": self.message,
            "label": self.label.to_json() if self.label is not None else None,
        }


@dataclass
class Diff:
    old: Any  # PolicyVersion
    new: Any
    changes: list
    impact: Impact | None = None


def policy_changes(old: PolicyVersion, new: PolicyVersion) -> list[Change]:
    """Every change from ``old`` to ``new`` (two PolicyVersion models), in a fixed order: parameters,
    definitions, decisions (rules, outputs, definitions, outcome), clause map, metadata; names sorted."""
    out = []
    if not _same(old.title, new.title):
        out.append(
            Change(
                "policy.changed",
                "title",
                None,
                _plain(old.title),
                _plain(new.title),
                f"title changed: {_brief(old.title)} → {_brief(new.title)}",
            )
        )
    out += _parameters(old, new)
    out += _definitions(old.definitions, new.definitions, "definitions", "")
    out += _decisions(old, new)
    out += _clauses(old.clauses, new.clauses)
    out += _clause_map(old.clause_map, new.clause_map)
    out += _metadata(old.metadata, new.metadata)
    return out


def _clauses(a: dict[str, str], b: dict[str, str]) -> list[Change]:
    """The guideline's clauses added, reworded and removed (a revision's inline `clauses`, or a new text)."""
    out = []
    for clause in sorted(set(a) | set(b), key=_clause_key):
        x, y = a.get(clause), b.get(clause)
        if x == y or not (a and b):  # a policy without a source text on one side compares no clauses
            continue
        how = "added" if x is None else "removed" if y is None else "changed"
        words = {"added": f"added: {y}", "removed": f"removed (was: {x})", "changed": f"reworded: {x} → {y}"}[how]
        out.append(Change(f"clause.{how}", f"clauses.{clause}", str(clause), x, y, f"clause {clause} {words}"))
    return out


def _input_fields(dname: str, a: Decision, b: Decision, new: PolicyVersion) -> list[Change]:
    """The fields of a decision's input that a revision adds or removes, or makes required or optional."""
    old_titles, new_titles = FieldTitles(a.input_schema), FieldTitles(b.input_schema)
    old_fields, new_fields = old_titles.fields(), new_titles.fields()
    out = []
    for path in [*(f for f in old_fields if f not in new_fields), *(f for f in new_fields if f not in old_fields)]:
        added = path not in old_fields
        titles = new_titles if added else old_titles
        title = titles.title(path.replace("[]", "[0]"))
        required = _required(titles, path)
        word = f"added ({'required' if required else 'optional'})" if added else "removed"
        shown = f": {title.zh} / {title.en}" if title is not None else ""
        out.append(
            Change(
                f"input.{'added' if added else 'removed'}",
                f"decisions.{dname}.input.{path}",
                _clause_reading(new if added else None, dname, path),
                None if added else path,
                path if added else None,
                f"input field {path} of decision {dname} {word}{shown}",
                title,
            )
        )
    for path in (f for f in new_fields if f in old_fields):
        was, now = _required(old_titles, path), _required(new_titles, path)
        if was != now:
            title = new_titles.title(path.replace("[]", "[0]"))
            out.append(
                Change(
                    "input.changed",
                    f"decisions.{dname}.input.{path}",
                    _clause_reading(new, dname, path),
                    "required" if was else "optional",
                    "required" if now else "optional",
                    f"input field {path} of decision {dname}: "
                    + ("required → optional" if was else "optional → required"),
                    title,
                )
            )
    return out


def _required(titles: FieldTitles, path: str) -> bool:
    """Whether the field at ``path`` (list items as ``name[]``) is listed in its record's `required`."""
    head, _, name = path.replace("[]", "[0]").rpartition(".")
    node = titles.nodes(head)[-1] if head else titles.root
    required = node.get("required") if isinstance(node, dict) else None
    return isinstance(required, list) and name in required


def _clause_reading(model: PolicyVersion | None, dname: str, path: str) -> str | None:
    """The clause of the first rule, definition or output of ``dname`` that reads the input field ``path``."""
    if model is None or dname not in model.decisions:
        return None
    d = model.decisions[dname]
    field = path.replace("[]", "")
    items: list[tuple[str | None, Expr | None]] = [(r.clause, r.condition) for r in d.rules]
    items += [(x.clause, x.expr) for x in (*d.definitions.values(), *model.definitions.values())]
    items += [(o.clause, o.expr) for o in d.outputs.values()]
    for clause, expr in items:
        if clause and expr is not None and any(p == field or p.startswith(field + ".") for p, _ in reads(expr)):
            return str(clause)
    return None


def _parameters(old: PolicyVersion, new: PolicyVersion) -> list[Change]:
    out, removed, added = [], [], []
    for name in sorted(set(old.parameters) | set(new.parameters)):
        a, b = old.parameters.get(name), new.parameters.get(name)
        path = f"parameters.{name}"
        if a is None or b is None:
            p = a or b
            assert p is not None  # the name is in one of the two
            how = "removed" if b is None else "added"
            word = f"removed (was {display(p.value, p.kind)})" if b is None else f"added: {display(p.value, p.kind)}"
            out.append(
                Change(
                    f"parameter.{how}",
                    path,
                    p.clause,
                    _plain(a.value) if a else None,
                    _plain(b.value) if b else None,
                    f"parameter {name}{_cl(p.clause)} {word}",
                    p.label,
                )
            )
            continue
        head = f"parameter {name}{_cl(b.clause)}"
        if isinstance(a.value, (list, dict)) and type(a.value) is type(b.value):
            for change, key in _collection(path, head, b.clause, a.value, b.value, new, old):
                change = replace(change, label=b.label)
                out.append(change)
                if change.kind == "item.removed":
                    removed.append((change, name, key))
                elif change.kind == "item.added":
                    added.append((change, name, key))
        elif not _same(a.value, b.value):
            out.append(
                Change(
                    "parameter.changed",
                    path,
                    b.clause,
                    _plain(a.value),
                    _plain(b.value),
                    f"{head}: {display(a.value, a.kind)} → {display(b.value, b.kind)}",
                    b.label,
                )
            )
        for attr in ("kind", "clause", "note", "label"):
            x, y = getattr(a, attr), getattr(b, attr)
            if x != y:
                word = "type" if attr == "kind" else attr
                out.append(
                    Change(
                        "parameter.changed",
                        f"{path}.{word}",
                        b.clause,
                        _plain(x),
                        _plain(y),
                        f"{head} {word} changed: {_brief(x)} → {_brief(y)}",
                        b.label,
                    )
                )
    return _moves(out, removed, added, new)


def _collection(
    path: str, head: str, clause: str | None, a: Any, b: Any, new: PolicyVersion, old: PolicyVersion
) -> list[tuple[Change, Any]]:
    """(change, item key) for each item-level change of a list or mapping parameter."""
    out = []
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            here = f"{path}.{key}"
            if key not in b:
                out.append(
                    (
                        Change(
                            "item.removed",
                            here,
                            clause,
                            _plain(a[key]),
                            None,
                            f"{head}: removed {_item(key, a[key], old)}",
                        ),
                        key,
                    )
                )
            elif key not in a:
                out.append(
                    (
                        Change(
                            "item.added", here, clause, None, _plain(b[key]), f"{head}: added {_item(key, b[key], new)}"
                        ),
                        key,
                    )
                )
            elif not _same(a[key], b[key]):
                out.append(
                    (
                        Change(
                            "item.changed",
                            here,
                            clause,
                            _plain(a[key]),
                            _plain(b[key]),
                            f"{head}: changed {_item(key, b[key], new)}: {_fields_diff(a[key], b[key])}",
                        ),
                        key,
                    )
                )
        return out
    for x in sorted((x for x in a if x not in b), key=str):
        out.append(
            (
                Change(
                    "item.removed", f"{path}[{x}]", clause, _plain(x), None, f"{head}: removed {_item(x, None, old)}"
                ),
                x,
            )
        )
    for x in sorted((x for x in b if x not in a), key=str):
        out.append(
            (Change("item.added", f"{path}[{x}]", clause, None, _plain(x), f"{head}: added {_item(x, None, new)}"), x)
        )
    if not out and not _same(a, b):
        out.append(
            (
                Change(
                    "parameter.changed",
                    path,
                    clause,
                    _plain(a),
                    _plain(b),
                    f"{head}: order changed: {display(a)} → {display(b)}",
                ),
                None,
            )
        )
    return out


def _moves(changes: list[Change], removed: list, added: list, new: PolicyVersion) -> list[Change]:
    """An item removed from one collection and added to another in the same diff becomes one ``item.moved``
    (before: the collection it left, after: the one it joined), in the place of the removal."""
    taken = set()
    for rc, src, key in removed:
        match = next(
            (
                i
                for i, (ac, dst, k) in enumerate(added)
                if i not in taken and dst != src and _same(k, key) and _same(rc.before, ac.after)
            ),
            None,
        )
        if match is None:
            continue
        taken.add(match)
        ac, dst, _ = added[match]
        label = _item(key, ac.after if isinstance(ac.after, dict) else None, new)
        at = changes.index(rc)
        changes[at] = Change("item.moved", ac.path, ac.clause, src, dst, f"item {label} moved from {src} to {dst}")
        changes.remove(ac)
    return changes


def _definitions(a: dict[str, Definition], b: dict[str, Definition], path: str, owner: str) -> list[Change]:
    out = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        shown = f"{owner}.{name}" if owner else name
        if x is None or y is None:
            d = x or y
            assert d is not None  # the name is in one of the two
            how = "removed" if y is None else "added"
            text = _def_text(d)
            out.append(
                Change(
                    f"definition.{how}",
                    f"{path}.{name}",
                    d.clause,
                    text if x else None,
                    text if y else None,
                    f"definition {shown}{_cl(d.clause)} {how}" + (f": {text}" if y else ""),
                    d.label,
                )
            )
        elif _def_text(x) != _def_text(y):
            out.append(
                Change(
                    "definition.changed",
                    f"{path}.{name}",
                    y.clause,
                    _def_text(x),
                    _def_text(y),
                    f"definition {shown}{_cl(y.clause)} changed: {_def_text(x)} → {_def_text(y)}",
                    y.label,
                )
            )
    return out


def _expr_text(expr: Expr | None) -> str:
    """An expression's text, its whitespace made one space (a version compared has no expression that did not
    parse: it loaded)."""
    return _norm(parsed(expr).text)


def _def_text(d: Definition) -> str:
    if d.each is None:
        return _norm(d.expr.text if d.expr else "")  # (no expression: an error reported already)
    e = d.each
    parts = [f"each {_expr_text(e.source)} as {e.var}"]
    if e.order_by is not None:
        parts.append(f"order by {_expr_text(e.order_by)}")
    parts += [f"carry {n} = {_norm(s.text)} then {_norm(x.text)}" for n, (s, x) in e.carry.items()]
    parts += [f"{n} = {_norm(x.text)}" for n, x in e.fields.items()]
    return "; ".join(parts)


def _own_rules(model: PolicyVersion) -> dict[str, tuple[str, Rule]]:
    """rule id -> (decision, Rule) for the rules each decision states itself (not via rules_from)."""
    out = {}
    for dname, decision in model.decisions.items():
        own = ((model.raw.get("decisions") or {}).get(dname) or {}).get("rules") or {}
        for rule in decision.rules:
            if rule.id in own and rule.id not in out:
                out[rule.id] = (dname, rule)
    return out


def _decisions(old: PolicyVersion, new: PolicyVersion) -> list[Change]:
    out = []
    for dname in sorted(set(old.decisions) | set(new.decisions)):
        a, b = old.decisions.get(dname), new.decisions.get(dname)
        path = f"decisions.{dname}"
        if a is None or b is None:
            how = "removed" if b is None else "added"
            out.append(Change(f"decision.{how}", path, None, None, None, f"decision {dname} {how}"))
            continue
        fields = _input_fields(dname, a, b, new) if a.input_schema != b.input_schema else []
        out += fields
        if a.input_schema != b.input_schema and (a.input_path != b.input_path or not fields):
            # what it says, not where it lies: a copy elsewhere is the same
            was, now = Path(a.input_path or "").name, Path(b.input_path or "").name
            out.append(
                Change(
                    "decision.changed",
                    f"{path}.input",
                    None,
                    was,
                    now,
                    f"decision {dname} input schema changed: " + (f"{was} → {now}" if was != now else f"{now} edited"),
                )
            )
        ra = ((old.raw.get("decisions") or {}).get(dname) or {}).get("rules_from") or []
        rb = ((new.raw.get("decisions") or {}).get(dname) or {}).get("rules_from") or []
        if ra != rb:
            out.append(
                Change(
                    "decision.changed",
                    f"{path}.rules_from",
                    None,
                    ra,
                    rb,
                    f"decision {dname} rules_from changed: {display(ra)} → {display(rb)}",
                )
            )
    out += _rules(old, new)
    for dname in sorted(set(old.decisions) & set(new.decisions)):
        a, b = old.decisions[dname], new.decisions[dname]
        path = f"decisions.{dname}"
        out += _outputs(dname, a.outputs, b.outputs)
        out += _definitions(a.definitions, b.definitions, f"{path}.definitions", dname)
        sa, sb = _steps(a), _steps(b)
        if sa != sb:
            out.append(
                Change(
                    "outcome.changed",
                    f"{path}.outcome",
                    None,
                    sa,
                    sb,
                    f"decision {dname} outcome steps changed: {'; '.join(sa)} → {'; '.join(sb)}",
                )
            )
        if not _same(a.label, b.label):
            out.append(
                Change(
                    "decision.changed",
                    f"{path}.label",
                    None,
                    _plain(a.label),
                    _plain(b.label),
                    f"decision {dname} label changed: {_brief(a.label)} → {_brief(b.label)}",
                )
            )
        for word in sorted(set(a.outcome_labels) | set(b.outcome_labels)):  # what reports call each outcome
            x, y = a.outcome_labels.get(word), b.outcome_labels.get(word)
            if not _same(x, y):
                how = "added" if x is None else "removed" if y is None else "changed"
                out.append(
                    Change(
                        f"outcome.{how}",
                        f"{path}.outcomes.{word}",
                        None,
                        _plain(x),
                        _plain(y),
                        f"decision {dname} outcome {word} label {how}: {_brief(x)} → {_brief(y)}",
                    )
                )
    return out


def _rules(old: PolicyVersion, new: PolicyVersion) -> list[Change]:
    out = []
    a_rules, b_rules = _own_rules(old), _own_rules(new)
    for rid in sorted(set(a_rules) | set(b_rules)):
        a, b = a_rules.get(rid), b_rules.get(rid)
        found = b or a
        assert found is not None  # the id is in one of the two
        dname, rule = found
        path = f"decisions.{dname}.rules.{rid}"
        if a is None:
            sev = "" if rule.severity == "require" else f", {rule.severity}"
            out.append(
                Change(
                    "rule.added",
                    path,
                    rule.clause,
                    None,
                    _expr_text(rule.condition),
                    f"rule {rid} added (clause {rule.clause}{sev}): {_expr_text(rule.condition)}",
                    rule.label,
                )
            )
            continue
        if b is None:
            out.append(
                Change(
                    "rule.removed",
                    path,
                    rule.clause,
                    _expr_text(rule.condition),
                    None,
                    f"rule {rid} removed (clause {rule.clause})",
                    rule.label,
                )
            )
            continue
        x, y = a[1], b[1]
        fields = [
            ("condition", _expr_text(x.condition), _expr_text(y.condition)),
            ("severity", x.severity, y.severity),
            ("clause", x.clause, y.clause),
            # labels as written: a placeholder filled with a changed parameter is not a label change
            ("label", _plain(x.label_template), _plain(y.label_template)),
            ("message", _plain(x.message), _plain(y.message)),
        ]
        for what, before, after in fields:
            if before != after:
                out.append(
                    Change(
                        "rule.changed",
                        f"{path}.{what}",
                        y.clause,
                        before,
                        after,
                        f"rule {rid} {what} changed: {_brief(before)} → {_brief(after)}",
                        y.label,
                    )
                )
    return out


def _outputs(dname: str, a: dict[str, Output], b: dict[str, Output]) -> list[Change]:
    out = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        path = f"decisions.{dname}.outputs.{name}"
        if x is None or y is None:
            o = x or y
            assert o is not None  # the name is in one of the two
            how = "removed" if y is None else "added"
            out.append(
                Change(
                    f"output.{how}",
                    path,
                    o.clause,
                    _expr_text(x.expr) if x else None,
                    _expr_text(y.expr) if y else None,
                    f"output {dname}.{name}{_cl(o.clause)} {how}" + (f": {_expr_text(y.expr)}" if y else ""),
                    o.label,
                )
            )
            continue
        if _expr_text(x.expr) != _expr_text(y.expr):
            out.append(
                Change(
                    "output.changed",
                    path,
                    y.clause,
                    _expr_text(x.expr),
                    _expr_text(y.expr),
                    f"output {dname}.{name}{_cl(y.clause)} changed: {_expr_text(x.expr)} → {_expr_text(y.expr)}",
                    y.label,
                )
            )
        if x.kind != y.kind:
            out.append(
                Change(
                    "output.changed",
                    f"{path}.type",
                    y.clause,
                    x.kind,
                    y.kind,
                    f"output {dname}.{name} type changed: {x.kind} → {y.kind}",
                    y.label,
                )
            )
        if x.payout != y.payout:  # what the impact totals sum changes with it
            out.append(
                Change(
                    "output.changed",
                    f"{path}.payout",
                    y.clause,
                    x.payout,
                    y.payout,
                    f"output {dname}.{name} payout: {str(x.payout).lower()} → {str(y.payout).lower()}",
                    y.label,
                )
            )
    return out


def _steps(decision: Decision) -> list[str]:
    return [
        (f"when {_norm(s.when.text)} then {s.outcome}" if s.when is not None else f"otherwise {s.outcome}")
        for s in decision.outcome
    ]


def _clause_map(a: dict, b: dict) -> list[Change]:
    out = []
    for clause in sorted(set(a) | set(b), key=_clause_key):
        x, y = a.get(clause), b.get(clause)
        if _same(x, y):
            continue
        how = "added" if x is None else "removed" if y is None else "changed"
        text = {
            "added": f"now maps to {_map_text(y)}",
            "removed": f"removed from the clause map (was {_map_text(x)})",
            "changed": f"now maps to {_map_text(y)} (was {_map_text(x)})",
        }[how]
        out.append(
            Change(
                f"clause_map.{how}",
                f"clause_map.{clause}",
                str(clause),
                _plain(x),
                _plain(y),
                f"clause {clause} {text}",
            )
        )
    return out


def _metadata(a: dict, b: dict) -> list[Change]:
    out = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        if not _same(x, y):
            how = "added" if x is None else "removed" if y is None else "changed"
            vx, vy = (x or {}).get("value"), (y or {}).get("value")
            out.append(
                Change(
                    f"metadata.{how}",
                    f"metadata.{name}",
                    (y or x or {}).get("clause"),
                    _plain(x),
                    _plain(y),
                    f"metadata {name} {how}: {_brief(vx)} → {_brief(vy)}",
                )
            )
    return out


def _cl(clause: str | None) -> str:
    return f" ({clause})" if clause else ""


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def _item(key: Any, value: Any, model: PolicyVersion) -> str:
    """``key (中文名)``: the label from the item itself or from any mapping parameter that lists the key."""
    label = value.get("zh") if isinstance(value, dict) else None
    if label is None:
        for p in model.parameters.values():
            entry = p.value.get(key) if isinstance(p.value, dict) else None
            if isinstance(entry, dict) and isinstance(entry.get("zh"), str):
                label = entry["zh"]
                break
    return f"{key} ({label})" if label else str(key)


def _fields_diff(a: Any, b: Any) -> str:
    if isinstance(a, list) and isinstance(b, list):
        added = [x for x in b if x not in a]
        removed = [x for x in a if x not in b]
        if added or removed:  # the items that changed, not the whole of both lists
            return "; ".join(
                f"{word} {', '.join(map(display, xs))}" for word, xs in (("added", added), ("removed", removed)) if xs
            )
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return f"{display(a)} → {display(b)}"
    return ", ".join(
        f"{k}: {_fields_diff(a.get(k), b.get(k))}"
        for k in sorted(set(a) | set(b), key=str)
        if not _same(a.get(k), b.get(k))
    )


def _map_text(entry: Any) -> str:
    if isinstance(entry, dict) and "not_computable" in entry:
        return f"not computable ({entry['not_computable']})"
    return ", ".join(map(str, entry)) if isinstance(entry, list) else _brief(entry)


def _clause_key(c: object) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in str(c).split("."))


def _brief(v: Any) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, dict) and set(v) == {"zh", "en"}:
        return f"{v['zh']} / {v['en']}"
    if isinstance(v, Text):
        return f"{v.zh} / {v.en}"
    return display(v) if not isinstance(v, str) else v


def _same(a: Any, b: Any) -> bool:
    return _plain(a) == _plain(b)


def _plain(v: Any) -> Any:
    """A JSON-safe copy: exact decimals as text, dates ISO, zh/en texts as mappings."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, Decimal)):
        return decimal_text(v)
    if isinstance(v, (datetime.date, Duration)):
        return v.isoformat() if isinstance(v, datetime.date) else str(v)
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "to_json"):
        return v.to_json()
    return str(v)
