"""What a revision does to the values it inherits, checked as a careful reader would: a value changed more than
tenfold (a slip of 万 or of a percent sign, most likely), and a text the revision inherits (a note, a label, a
rule's message) that still states the figure it changed (`1000万` after `min_investment` became 800万; `六大产业`
after an industry was added). Each is a warning naming both places: the revision's change and the other line."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from . import types as T
from .checker import reads
from .display import display, excerpt
from .errors import Diagnostic, Related
from .model import PolicyVersion, item_of
from .plausibility import figure_pattern, quoted, tenfold, texts
from .policyfile import literal_value
from .schemas import resolver
from .yamlload import Marks


def revision_warnings(
    file: str, own: dict, doc: dict, marks: Marks, base_doc: dict, base_marks: Marks, model: PolicyVersion
) -> list[Diagnostic]:
    """WQ-VALUE warnings for the revision in ``file`` (``own``: what its file states; ``doc``: resolved, with
    ``marks``; ``model``: built from it) over its base ``base_doc`` (resolved, with ``base_marks``).

    A figure that could only be this parameter's (an amount of four digits or more, a date) is looked for in
    every inherited text; a figure that other values share (3%, 5, `六大` as a count) only in the texts of the
    parameter itself and of the rules, definitions and outputs that read it."""
    out: list[Diagnostic] = []
    readers = _readers(model)
    version, base = str(own.get("version")), str(own.get("extends"))
    stated = own.get("parameters") or {}
    params, old_params = doc.get("parameters") or {}, base_doc.get("parameters") or {}
    inherited = [(path, text) for path, text in texts(doc) if _written_in(marks, path) != file]
    for name, entry in params.items():
        before = old_params.get(name)
        if name not in stated or not isinstance(entry, dict) or not isinstance(before, dict) or "value" not in entry:
            continue
        kind = entry.get("type")
        old = before.get("value") if kind == "string" else literal_value(before.get("value"))
        new = entry.get("value") if kind == "string" else literal_value(entry.get("value"))
        if old == new:
            continue
        written = stated[name] if isinstance(stated[name], dict) else {}
        here = (marks.span(("parameters", name, "value")) if "value" in written else None) or marks.key_span(
            ("parameters", name)
        )
        there = base_marks.span(("parameters", name, "value"))
        was, now = _shown(before.get("value"), old, kind), _shown(entry.get("value"), new, kind)
        if tenfold(old, new):
            out.append(
                Diagnostic(
                    "WQ-VALUE",
                    f"parameter `{name}` changes tenfold or more: {was} in {base} → {now} in {version}",
                    here,
                    "check the figure (a 万 or a % too many or too few?)",
                    severity="warning",
                    subject=name,
                    zh=f"参数 `{name}` 的改动达到十倍或以上：{base} 中为 {was} → {version} 中为 {now}",
                    hint_zh="请核对数字（是否多写或少写了“万”或“%”？）",
                    related=(Related(there, f"the value in {base}", f"{base} 中的取值"),) if there else (),
                )
            )
        if isinstance(old, (list, dict)) and isinstance(new, (list, dict)) and len(old) == len(new):
            continue  # a list or mapping states its figure as its number of items, which did not change
        pattern = figure_pattern(old, kind)
        if pattern is None:
            continue
        amount = Decimal(old) if isinstance(old, (int, Decimal)) and not isinstance(old, bool) else None
        distinctive = isinstance(old, datetime.date) or (amount is not None and kind != "ratio" and abs(amount) >= 1000)
        stale = []  # (path, text, the figure it states)
        for path, text in inherited:
            subject = item_of(path)[0]
            if subject != name and not (distinctive or name in readers.get(subject or "", ())):
                continue
            if subject != name and subject in old_params and _same_figure(old_params[subject], old, kind):
                continue  # the text of another parameter of the same figure speaks of its own value
            found = quoted(text, pattern)
            if found is not None:
                stale.append((path, text, found))
        if not stale:
            continue
        if isinstance(new, (list, dict)):
            hint = f"restate those texts in {version} with the new number of items ({len(new)})"
            hint_zh = f"在 {version} 中重写这些文字，写明新的数目（{len(new)} 项）"
        else:
            hint = (
                f"restate those texts in {version} with the new figure, or better with the template `{{{name}}}`, "
                "which always shows the value in force"
            )
            hint_zh = f"在 {version} 中重写这些文字，写新的数字；更好的做法是写成模板 `{{{name}}}`，始终显示现行取值"
        said = ", ".join(dict.fromkeys(f"`{found.group(0)}`" for _, _, found in stale))
        places = ", ".join(dict.fromkeys(_place(path) for path, _, _ in stale))
        related = []
        for path, text, found in stale:
            where = marks.span(path, found.start(), found.end() - found.start(), value=text) or marks.span(path)
            if where is not None:
                related.append(Related(where, f"inherited text: {excerpt(text)}", f"沿用的文字：{excerpt(text)}"))
        out.append(
            Diagnostic(
                "WQ-VALUE",
                f"{version} changes `{name}` ({was} → {now}), but texts it inherits from {base} still state the old "
                f"figure ({said}): {places}",
                here,
                hint,
                severity="warning",
                subject=name,
                zh=f"{version} 修改了 `{name}`（{was} → {now}），"
                f"但从 {base} 沿用的文字仍写着旧的数字（{said}）：{places}",
                hint_zh=hint_zh,
                related=tuple(related),
            )
        )
    return out


def transition_warnings(
    file: str, own: dict, doc: dict, marks: Marks, base_doc: dict, model: PolicyVersion
) -> list[Diagnostic]:
    """WQ-TRANSITION warnings: a parameter the revision in ``file`` changes (``own``: what its file states), read by
    an output's own expression — not in an `at(parameter, date)`; a definition in between makes a derived figure,
    not a term of the past — in a decision whose input holds a date of the application's past: a date field
    outside lists that neither picks the version (`version_date`) nor is read anywhere but in an `at`
    (`recognized_on` of an annual assessment). An application from before the revision would then be decided at
    the new value; `at(parameter, recognized_on)` gives the value in force then. Each warning names the revision's
    edit and the output's expression."""
    changed = _changed(own, doc, base_doc)
    if not changed:
        return []
    out = []
    definitions = dict(model.definitions)
    for dname, decision in model.decisions.items():
        past = _past_dates(decision, {**definitions, **decision.definitions})
        if not past:
            continue
        defs = {**definitions, **decision.definitions}
        for oname, output in decision.outputs.items():
            if output.expr is None:
                continue
            read = {re.split(r"[.\[]", p, maxsplit=1)[0] for p, _ in reads(output.expr)}
            for name in sorted(read & set(changed) - set(defs)):
                was, now = changed[name]
                written = own["parameters"][name]
                here = (
                    marks.span(("parameters", name, "value"))
                    if isinstance(written, dict) and "value" in written
                    else None
                )
                here = here or marks.key_span(("parameters", name))
                date = past[0]
                at = output.expr.span(0, max(1, len(output.expr.text)))
                out.append(
                    Diagnostic(
                        "WQ-TRANSITION",
                        f"`{name}` changes ({was} → {now}), and output `{oname}` of decision `{dname}` reads it beside "
                        f"`{date}`, a date of the application's past: an application from before this revision would "
                        "be decided at the new value",
                        here,
                        f"if the value in force on that date is meant, write `at({name}, {date})` in the output",
                        severity="warning",
                        subject=name,
                        decision=dname,
                        zh=f"`{name}` 改为 {now}（原为 {was}），而决定 `{dname}` 的输出 `{oname}` 读取它，"
                        f"申请材料中另有较早的日期 `{date}`：本修订施行前的申请也将按新值计算",
                        hint_zh=f"如应按该日期当时施行的取值计算，请在输出中写 `at({name}, {date})`",
                        related=(Related(at, f"output `{oname}` reads it", f"输出 `{oname}` 在此读取"),) if at else (),
                    )
                )
    return out


def _changed(own: dict, doc: dict, base_doc: dict) -> dict[str, tuple[str, str]]:
    """The parameters the revision states with a value other than its base's: name -> (was, now) as written."""
    stated = own.get("parameters") or {}
    params, old_params = doc.get("parameters") or {}, base_doc.get("parameters") or {}
    out = {}
    for name in stated:
        entry, before = params.get(name), old_params.get(name)
        if not isinstance(entry, dict) or not isinstance(before, dict):
            continue
        kind = entry.get("type")
        old = before.get("value") if kind == "string" else literal_value(before.get("value"))
        new = entry.get("value") if kind == "string" else literal_value(entry.get("value"))
        if old != new:
            out[name] = (_shown(before.get("value"), old, kind), _shown(entry.get("value"), new, kind))
    return out


def _past_dates(decision, defs: dict) -> list[str]:
    """The date fields of ``decision``'s input (outside lists) that may lie before the version's own date: neither
    read by its `version_date` nor anywhere else outside an `at`."""
    schema = decision.input_schema
    try:
        record = T.from_schema(schema, resolver(schema, resources=decision.input_refs))
    except Exception:  # noqa: BLE001 - a schema that does not resolve is reported where it is loaded
        return []
    dates = _date_fields(record, "")
    if not dates:
        return []
    exprs = [decision.version_date, *(r.condition for r in decision.rules), *(s.when for s in decision.outcome)]
    exprs += [o.expr for o in decision.outputs.values()]
    for d in defs.values():
        exprs.append(d.expr)
        if d.each is not None:
            e = d.each
            exprs += [e.source, e.order_by, *e.fields.values(), *(x for pair in e.carry.values() for x in pair)]
    read: set[str] = set()
    for e in exprs:
        if e is not None:
            read |= {p for p, _ in reads(e, at_dates=e is decision.version_date)}
    return [p for p in dates if not any(r == p or r.startswith(p + ".") for r in read)]


def _date_fields(t, prefix: str) -> list[str]:
    if not isinstance(t, T.Record):
        return []
    out = []
    for name, ft in t.fields:
        path = f"{prefix}{name}"
        if ft == T.DATE:
            out.append(path)
        out += _date_fields(ft, path + ".")
    return out


def _readers(model: PolicyVersion) -> dict[str, set[str]]:
    """Rule id, definition or output name -> the names its expressions read (their first part)."""
    out: dict[str, set[str]] = {}

    def add(subject: str, *exprs) -> None:
        names = out.setdefault(subject, set())
        for e in exprs:
            if e is not None:
                names |= {re.split(r"[.\[]", p, maxsplit=1)[0] for p, _ in reads(e)}

    definitions = dict(model.definitions)
    for decision in model.decisions.values():
        definitions.update(decision.definitions)
        for rule in decision.rules:
            add(rule.id, rule.condition)
        for o in decision.outputs.values():
            add(o.name, o.expr)
    for name, d in definitions.items():
        if d is None:
            continue
        each = d.each
        parts = [d.expr] if each is None else [each.source, each.order_by, *each.fields.values()]
        if each is not None:
            parts += [e for pair in each.carry.values() for e in pair]
        add(name, *parts)
    return out


def _same_figure(entry, value, kind) -> bool:
    if not isinstance(entry, dict):
        return False
    own = entry.get("value") if entry.get("type") == "string" else literal_value(entry.get("value"))
    return entry.get("type") == kind and own == value


def _written_in(marks: Marks, path: tuple) -> str | None:
    span = marks.span(path)
    return span.file if span is not None else None


def _shown(raw, value, kind) -> str:
    """A value as its file writes it (`1000万元`), or as people read it when that is not text."""
    if isinstance(raw, str):
        return excerpt(raw)
    if isinstance(value, (list, dict)):
        return f"{len(value)} 项 items"
    return display(value, kind)


def _place(path: tuple) -> str:
    """Where a text is, as a dotted path (`decisions.filing.rules.filing.industry.label.zh`)."""
    return ".".join(str(p) for p in path)
