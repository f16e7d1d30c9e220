"""The staff page's form, made from a decision's input schema: a field per input, labelled with its Chinese title
(and English beside it), codes as drop-downs with their ``x-enum-labels``, truths as 是/否, lists of items that
can be added to; and the document a submitted form stands for, with exact numbers (empty fields left out: unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic, WQError
from ..schemas import inlined
from ..yamlload import decimal_number, whole_number

PREFIX = "f."  # form names of input fields: f.applicant.name, f.finances.0.revenue
ITEM = "__i__"  # the index of a list item in a template row, replaced by the page's script
MAX_FORM_FIELDS = 5_000  # fields read from one submitted form (a service setting)


@dataclass
class FormField:
    """One input field: ``name`` (the form name, list positions as ITEM), its dotted ``path``, Chinese and
    English label, description, and ``kind``: group, list, text, number, integer, boolean, choice (one code),
    choices (several codes), date."""

    name: str
    path: str
    zh: str
    en: str
    kind: str
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)


def _merged(node: Any) -> dict:
    """A schema node with its ``allOf`` parts (where an inlined ``$ref`` lands) folded in, its own keys winning."""
    if not isinstance(node, dict):
        return {}
    out: dict = {}
    for part in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        out.update(_merged(part))
    out.update({k: v for k, v in node.items() if k != "allOf"})
    return out


def _options(node: dict) -> list[tuple[str, str]]:
    found = node.get("x-enum-labels")
    labels: dict = found if isinstance(found, dict) else {}
    out = []
    for code in node.get("enum", []):
        label = labels[code] if isinstance(labels.get(code), dict) else {}
        zh = label.get("zh")
        out.append((str(code), f"{zh}（{code}）" if zh else str(code)))
    return out


def fields(schema: dict) -> list[FormField]:
    """The fields of an input schema, in its order (``decision`` left out: the page chooses it)."""
    root = _merged(inlined(schema))

    def walk(node: dict, name: str, path: str) -> list[FormField]:
        out = []
        for key, child in (node.get("properties") or {}).items():
            if key == "decision" and not path:
                continue
            c = _merged(child)
            fname, fpath = f"{name}.{key}", f"{path}.{key}" if path else key
            zh = str(c.get("title") or key)
            en = str(c.get("x-title-en") or key)
            desc = str(c.get("description") or "")
            kind = c.get("type")
            if kind == "object" or isinstance(c.get("properties"), dict):
                out.append(FormField(fname, fpath, zh, en, "group", desc, children=walk(c, fname, fpath)))
            elif kind == "array":
                items = _merged(c.get("items"))
                if isinstance(items.get("properties"), dict):
                    children = walk(items, f"{fname}.{ITEM}", f"{fpath}[]")
                    out.append(FormField(fname, fpath, zh, en, "list", desc, children=children))
                else:
                    out.append(FormField(fname, fpath, zh, en, "choices", desc, _options(items)))
            elif kind == "boolean":
                out.append(FormField(fname, fpath, zh, en, "boolean", desc, [("true", "是"), ("false", "否")]))
            elif "enum" in c:
                out.append(FormField(fname, fpath, zh, en, "choice", desc, _options(c)))
            elif kind in ("number", "integer"):
                out.append(FormField(fname, fpath, zh, en, kind, desc))
            elif c.get("format") == "date" or "date" in str(c.get("pattern", "")) or fpath.endswith("_on"):
                out.append(FormField(fname, fpath, zh, en, "date", desc))
            else:
                examples = [str(e) for e in c.get("examples", []) if isinstance(e, (str, int))]
                out.append(FormField(fname, fpath, zh, en, "text", desc, examples=examples))
        return out

    return walk(root, PREFIX.rstrip("."), "")


def _kinds(found: list[FormField], into: dict[str, str]) -> dict[str, str]:
    for f in found:
        into[f.name] = f.kind
        _kinds(f.children, into)
    return into


def document(schema: dict, pairs: list[tuple[str, str]]) -> dict:
    """The document a submitted form stands for: each filled field at its path, read by its kind (numbers exact,
    是/否 as true/false); list items in the order of their positions. Raises WQError (WQ-INPUT, the field named)
    for a value that is not of its kind."""
    kinds = _kinds(fields(schema), {})
    out: dict = {}
    errors = []
    for name, raw in pairs[:MAX_FORM_FIELDS]:
        if not name.startswith(PREFIX):
            continue
        steps = name.split(".")
        pattern = ".".join(ITEM if s.isdigit() else s for s in steps)
        kind = kinds.get(pattern)
        text = raw.strip()
        if kind is None or kind in ("group", "list") or text == "":
            continue
        try:
            value = _value(kind, text)
        except (ValueError, WQError):
            path = ".".join(steps[1:])
            errors.append(
                Diagnostic(
                    "WQ-INPUT",
                    f"{path}: `{text[:40]}` is not a {kind}",
                    subject=path,
                    zh=f"{path}：“{text[:40]}”不是有效的{_KIND_ZH.get(kind, kind)}",
                )
            )
            continue
        _put(out, steps[1:], value, kind == "choices")
    if errors:
        raise WQError(errors)
    return _compact(out)


_KIND_ZH = {"number": "数字", "integer": "整数", "boolean": "是/否", "date": "日期（YYYY-MM-DD）"}


def _value(kind: str, text: str) -> Any:
    if kind == "number":
        return decimal_number(text.replace(",", "").replace("，", ""))
    if kind == "integer":
        return whole_number(text.replace(",", "").replace("，", ""))
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    return text


def _put(out: dict, steps: list[str], value: Any, many: bool) -> None:
    node: Any = out
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        key: Any = int(step) if step.isdigit() else step  # list items gathered by position, made a list by _compact
        if last:
            if many:
                node.setdefault(key, []).append(value)
            else:
                node[key] = value
        else:
            nxt = steps[i + 1]
            node = node.setdefault(key, {"#list": True} if nxt.isdigit() else {})


def _compact(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("#list") is True:
            items = sorted(((k, v) for k, v in node.items() if isinstance(k, int)), key=lambda kv: kv[0])
            return [_compact(v) for _, v in items]
        return {k: _compact(v) for k, v in node.items()}
    return node
