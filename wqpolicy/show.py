"""Show a resolved policy version with each item marked by where it comes from, relative to its base:
``own`` (a version with no ``extends``), ``inherited``, ``changed`` or ``added``; items the revision removed
are listed as ``removed``. ``items(model)`` computes the marks; the ``render_*`` functions only format.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .display import bilingual, columns, display, pad
from .model import Definition, PolicyVersion, parsed
from .workspace import files_line, shown_file

STATUSES = ("own", "inherited", "changed", "added", "removed")
_DECISION_SECTIONS = ("rules", "definitions", "outputs")


@dataclass(frozen=True)
class Item:
    """One named item of the resolved policy: ``section`` is parameter, definition, rule, output, clause or
    metadata; ``path`` is its place in the resolved document."""

    section: str
    path: tuple
    name: str
    status: str
    clause: str | None
    summary: str
    label: Any = None  # its zh/en label (model.Text), when it has one

    def to_json(self) -> dict:
        return {
            "section": self.section,
            "path": ".".join(map(str, self.path)),
            "name": self.name,
            "status": self.status,
            "clause": self.clause,
            "summary": self.summary,
            "label": self.label.to_json() if self.label is not None else None,
        }


def status_of(model: PolicyVersion, path: tuple) -> str:
    """The mark of the item at ``path``: from ``model.origin`` (relative to the base), ``own`` without a base.
    An item inside an added decision is added too."""
    if not model.extends:
        return "own"
    mark = model.origin.get(tuple(path))
    if mark in ("changed", "added"):
        return mark
    if any(model.origin.get(tuple(path[:n])) == "added" for n in range(1, len(path))):
        return "added"
    return "inherited"


def items(model: PolicyVersion) -> list[Item]:
    """Every parameter, definition, rule, output, clause-map entry and metadata item, in document order."""
    out = []
    for name, p in model.parameters.items():
        out.append(
            Item(
                "parameter",
                ("parameters", name),
                name,
                status_of(model, ("parameters", name)),
                p.clause,
                display(p.value, p.kind),
                p.label,
            )
        )
    for name, d in model.definitions.items():
        out.append(
            Item(
                "definition",
                ("definitions", name),
                name,
                status_of(model, ("definitions", name)),
                d.clause,
                _def_summary(d),
                d.label,
            )
        )
    raw_decisions = model.raw.get("decisions") or {}
    for dname, decision in model.decisions.items():
        own = (raw_decisions.get(dname) or {}).get("rules") or {}
        for rule in decision.rules:
            if rule.id not in own:
                continue  # evaluated here through rules_from; shown under its own decision
            path: tuple[str, ...] = ("decisions", dname, "rules", rule.id)
            sev = "" if rule.severity == "require" else f"[{rule.severity}] "
            out.append(
                Item(
                    "rule",
                    path,
                    rule.id,
                    status_of(model, path),
                    rule.clause,
                    sev + " ".join(parsed(rule.condition).text.split()),
                    rule.label,
                )
            )
        for name, d in decision.definitions.items():
            path = ("decisions", dname, "definitions", name)
            out.append(
                Item("definition", path, f"{dname}.{name}", status_of(model, path), d.clause, _def_summary(d), d.label)
            )
        for name, o in decision.outputs.items():
            path = ("decisions", dname, "outputs", name)
            out.append(
                Item(
                    "output",
                    path,
                    f"{dname}.{name}",
                    status_of(model, path),
                    o.clause,
                    f"({o.kind}) " + " ".join(parsed(o.expr).text.split()),
                    o.label,
                )
            )
    for clause, entry in model.clause_map.items():
        path = ("clause_map", clause)
        text = f"not computable: {entry['not_computable']}" if isinstance(entry, dict) else ", ".join(map(str, entry))
        out.append(Item("clause", path, str(clause), status_of(model, path), str(clause), text))
    for name, fact in model.metadata.items():
        path = ("metadata", name)
        out.append(Item("metadata", path, name, status_of(model, path), fact.get("clause"), display(fact.get("value"))))
    return out


def removed(model: PolicyVersion) -> list[str]:
    """Paths (dotted) of the items the revision removed from its base, sorted."""
    return sorted(".".join(map(str, p)) for p, mark in model.origin.items() if mark == "removed")


def _def_summary(d: Definition) -> str:
    if d.expr is not None:
        return " ".join(d.expr.text.split())
    if d.each is not None:
        return f"each {' '.join(parsed(d.each.source).text.split())} as {d.each.var}: " + ", ".join(d.each.fields)
    return ""


def _header(model: PolicyVersion, lang: str = "both") -> list[str]:
    title = f" — {bilingual(model.title.zh, model.title.en, lang, ' / ')}" if model.title else ""
    ends = model.ends_on or model.effective_until
    until = ends.isoformat() if ends else "…"
    if model.ended_by and not model.effective_until:
        until += bilingual(
            f"（{model.ended_by} 生效前一日）",
            f" (the day before {model.ended_by} starts)",
            lang,
            both=f"（{model.ended_by} 生效前一日 the day before {model.ended_by} starts）",
        )
    base = (
        f"{bilingual('基于', 'extends', lang)} {model.extends}"
        if model.extends
        else bilingual(
            "无基础版本（各项均为本版自有）",
            "no base (every item is its own)",
            lang,
            both="无基础版本 no base (every item is its own)",
        )
    )
    return [f"{model.ref}{title}", f"{bilingual('生效', 'effective', lang)} {model.effective_from} → {until}; {base}"]


_MARKS_ZH = {"own": "本版", "inherited": "继承", "changed": "修改", "added": "新增", "removed": "删除"}


# -- renderers -------------------------------------------------------------------------------------------
def render_text(model, lang: str = "both") -> str:
    """Each item on a line: its mark, name, clause, value or expression, and its Chinese label; headings in
    ``lang`` (both, zh or en)."""
    legend = " · ".join(f"{m} {_MARKS_ZH[m]}" if lang != "en" else m for m in STATUSES)
    lines = _header(model, lang) + [f"{bilingual('标记', 'marks', lang)}: {legend}", ""]
    found = items(model)
    width = max((columns(i.name) for i in found), default=10)  # a Chinese name takes two columns a character
    sections = [
        ("parameter", "参数", "Parameters"),
        ("definition", "定义", "Definitions"),
        ("rule", "规则", "Rules"),
        ("output", "输出", "Outputs"),
        ("clause", "条款映射", "Clause map"),
        ("metadata", "元数据", "Metadata"),
    ]
    for section, zh, en in sections:
        rows = [i for i in found if i.section == section]
        if not rows:
            continue
        lines.append(f"{bilingual(zh, en, lang)} ({len(rows)})")
        for i in rows:
            clause = i.clause or "—"
            label = (
                f"  · {bilingual(i.label.zh, i.label.en, lang, ' / ', both=i.label.zh)}" if i.label is not None else ""
            )
            mark = pad(_MARKS_ZH[i.status], 9) if lang == "zh" else f"{i.status:<9}"
            lines.append(f"  {mark} {pad(i.name, width)}  {clause:<7} {i.summary}{label}")
        lines.append("")
    gone = removed(model)
    if gone:
        lines.append(f"{bilingual('删除', 'Removed', lang)} ({len(gone)})")
        lines += [f"  {pad(_MARKS_ZH['removed'], 9) if lang == 'zh' else 'removed  '} {p}" for p in gone]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(model: PolicyVersion) -> str:
    data = {
        "policy": {
            "id": model.id,
            "version": model.version,
            "extends": model.extends,
            "effective_from": model.effective_from.isoformat() if model.effective_from else None,
            "effective_until": model.effective_until.isoformat() if model.effective_until else None,
            "files": [shown_file(f) for f in model.files],
        },
        "items": [i.to_json() for i in items(model)],
        "removed": removed(model),
        "document": _jsonable(model.raw),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_yaml(model: PolicyVersion) -> str:
    """The resolved document as YAML; a comment after each item's key gives its mark."""
    marks = {i.path: i.status for i in items(model)}
    lines = [f"# {line}" for line in [files_line(model.files).rstrip("\n"), *_header(model)]]
    lines.append("# Each item is marked: " + " | ".join(STATUSES[:4]) + "; removed items are listed at the end.")
    for key, value in _relative_paths(model).items():
        if key in ("parameters", "definitions", "clause_map", "metadata") and isinstance(value, dict):
            lines.append(f"{key}:")
            for name, entry in value.items():
                lines += _marked({name: entry}, marks.get((key, name)), 2)
        elif key == "decisions" and isinstance(value, dict):
            lines.append("decisions:")
            for dname, decision in value.items():
                lines.append(f"  {_dump_key(dname)}:")
                for part, body in decision.items():
                    if part in _DECISION_SECTIONS and isinstance(body, dict):
                        lines.append(f"    {part}:")
                        for name, entry in body.items():
                            lines += _marked({name: entry}, marks.get(("decisions", dname, part, name)), 6)
                    else:
                        lines += _indent(_dump({part: body}), 4)
        else:
            lines += _dump({key: value}).splitlines()
    gone = removed(model)
    if gone:
        lines.append("# removed: " + ", ".join(gone))
    return "\n".join(lines) + "\n"


def _relative_paths(model: PolicyVersion) -> dict:
    """The resolved document with the files it names (the source text, input schemas), which a revision inherits
    made absolute, written relative to the shown version's own folder again: a saved copy works beside it."""
    doc, folder = dict(model.raw), Path(model.file).parent

    def rel(value: Any) -> Any:
        return os.path.relpath(value, folder) if isinstance(value, str) and os.path.isabs(value) else value

    if isinstance(doc.get("source"), dict):
        doc["source"] = {**doc["source"], "document": rel(doc["source"].get("document"))}
    if isinstance(doc.get("decisions"), dict):
        doc["decisions"] = {
            name: {**d, "input": rel(d["input"])} if isinstance(d, dict) and "input" in d else d
            for name, d in doc["decisions"].items()
        }
    return doc


def _marked(entry: dict, mark: str | None, indent: int) -> list[str]:
    text = _dump(entry).splitlines()
    if mark:
        if text[0].rstrip().endswith(":"):
            text[0] += f"  # {mark}"
        else:
            text.insert(0, f"# {mark}")
    return _indent("\n".join(text), indent)


def _indent(text: str, n: int) -> list[str]:
    return [" " * n + line for line in text.splitlines()]


class _Dumper(yaml.SafeDumper):
    pass


class _Block(dict):
    """A mapping always written in block style (inner mappings of scalars may use flow style)."""


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f")))
_Dumper.add_representer(_Block, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=False))


def _dump(value: Any) -> str:
    value = _Block(value) if isinstance(value, dict) else value
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=None)


def _dump_key(key: Any) -> str:
    return _dump(key).splitlines()[0]


def _jsonable(v: Any) -> Any:
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if v is None or isinstance(v, (bool, int, str, float)):
        return v
    return str(v)
