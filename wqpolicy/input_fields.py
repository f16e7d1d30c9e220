"""A decision's `input_fields` resolved onto the input schema it inherits, without a copy of that schema: fields
added (each a JSON Schema fragment with a Chinese and an English title; optional unless listed under `required`),
removed, and made required, by dotted path (`platform.park`; a list's items are stepped into: `investment.note`).
A path that does not fit — a field added twice, one removed that is not there, a parent that is no record, a
fragment that is no valid schema — is reported where the policy file writes it.

>>> schema = {"type": "object", "properties": {"platform": {"type": "object", "properties": {}}}}
>>> layer = {"add": {"platform.park": {"type": "string", "title": {"zh": "园区", "en": "Park"}}}}
>>> new, problems = resolve_fields(schema, [(layer, ("input_fields",))], {}, "recognition")
>>> new["properties"]["platform"]["properties"]["park"], problems
({'type': 'string', 'title': '园区', 'x-title-en': 'Park'}, [])
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .display import excerpt
from .errors import Diagnostic, suggest
from .schema_files import local_refs, meta_findings
from .source import Span

# How deep a chain of local `$ref`s is followed to the record a field is added to (an engine setting).
_MAX_REFS = 20

Place = Callable[[tuple, bool], Span | None]  # (path in the policy document, at the key?) -> where it is written


class _Refused(Exception):
    def __init__(self, en: str, zh: str, hint: tuple[str, str] | None = None) -> None:
        super().__init__(en)
        self.en, self.zh, self.hint = en, zh, hint


def resolve_fields(
    schema: dict, layers: list[tuple[Any, tuple]], marks: Any, decision: str
) -> tuple[dict, list[Diagnostic]]:
    """``schema`` with each layer (``input_fields`` as written, and its path in the policy document) applied in
    turn: its `remove`, then `add`, then `required`. Returns the new schema (``schema`` itself when there is
    nothing to apply) and the problems, placed with ``marks`` (a yamlload.Marks, or a mapping without marks)."""
    if not any(isinstance(layer, dict) and layer for layer, _ in layers):
        return schema, []
    out = copy.deepcopy(schema)
    problems: list[Diagnostic] = []

    def place(path: tuple, key: bool = False) -> Span | None:
        if not hasattr(marks, "span"):
            return None
        return marks.key_span(path) if key else marks.span(path)

    for layer, at in layers:
        if isinstance(layer, dict):
            problems += _apply(out, layer, at, place, decision)
    return out, problems


def _apply(root: dict, layer: dict, at: tuple, place: Place, decision: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []

    def problem(path: tuple, field: str, e: _Refused, key: bool = False, code: str = "WQ-NAME") -> None:
        found.append(
            Diagnostic(
                code,
                f"input field `{field}` of decision `{decision}`: {e.en}",
                place(path, key),
                e.hint[0] if e.hint else None,
                subject=field,
                decision=decision,
                zh=f"决定 `{decision}` 的输入字段 `{field}`：{e.zh}",
                hint_zh=e.hint[1] if e.hint else None,
            )
        )

    for i, field in enumerate(_listed(layer.get("remove"))):
        try:
            parent, name = _parent(root, field)
            props = parent.get("properties") or {}
            if name not in props:
                raise _Refused(
                    "it is not in the input schema: nothing to remove",
                    "输入格式中没有这个字段：没有可删除的内容",
                    suggest(name, map(str, props)),
                )
            if field == "decision":
                raise _Refused("it names the decision and cannot be removed", "它写明所作的决定，不能删除")
            del props[name]
            if isinstance(parent.get("required"), list):
                parent["required"] = [r for r in parent["required"] if r != name]
        except _Refused as e:
            problem(at + ("remove", i), str(field), e)
    added = layer.get("add")
    for field, fragment in added.items() if isinstance(added, dict) else ():
        here = at + ("add", field)
        try:
            parent, name = _parent(root, str(field))
            props = parent.setdefault("properties", {})
            if name in props:
                raise _Refused(
                    "it is in the input schema already: to change it, remove it and add it again",
                    "输入格式中已有这个字段：如需修改，请先删除再重新添加",
                )
        except _Refused as e:
            problem(here, str(field), e, key=True)
            continue
        schema = _fragment(fragment)
        bad = _fragment_problems(schema, root, here, place, str(field), decision)
        found += bad
        if not any(d.severity == "error" for d in bad):
            props[name] = schema
    for i, field in enumerate(_listed(layer.get("required"))):
        try:
            parent, name = _parent(root, str(field))
            if name not in (parent.get("properties") or {}):
                raise _Refused(
                    "it is not in the input schema: only a field there (or added here) can be required",
                    "输入格式中没有这个字段：只有已有的字段（或此处新增的字段）才能设为必填",
                    suggest(name, map(str, parent.get("properties") or {})),
                )
            required = parent.setdefault("required", [])
            if name not in required:
                required.append(name)
        except _Refused as e:
            problem(at + ("required", i), str(field), e)
    return found


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else []


def _parent(root: dict, field: str) -> tuple[dict, str]:
    """The record schema that holds the last part of the dotted ``field``, and that part: the records on the way
    are taken out of the `$defs` they are shared from (copied into place), so an edit changes this field alone."""
    parts = [p.removesuffix("[]") for p in str(field).split(".")]
    if not all(parts):
        raise _Refused(
            "it is not a dotted path of field names", "不是以点分隔的字段名路径", ("write `a.b`", "写成 `a.b`")
        )
    node = _record(root, root, "")
    for i, part in enumerate(parts[:-1]):
        props = node.get("properties") or {}
        if part not in props:
            where = ".".join(parts[:i])
            raise _Refused(
                f"`{where}` has no field `{part}`" if where else f"the input has no field `{part}`",
                f"`{where}` 没有字段 `{part}`" if where else f"申报材料没有字段 `{part}`",
                suggest(part, map(str, props)),
            )
        node = _record(root, props[part], ".".join(parts[: i + 1]))
    return node, parts[-1]


def _record(root: dict, node: Any, shown: str) -> dict:
    """``node`` (a list's item schema, for a list) as a record schema that may be edited in place."""
    for _ in range(_MAX_REFS):
        node = _inlined(root, node)
        if isinstance(node, dict) and (node.get("type") == "array" or "items" in node):
            node["items"] = node.get("items") if isinstance(node.get("items"), dict) else {}
            node = node["items"]
            continue
        break
    node = _inlined(root, node)
    if not (isinstance(node, dict) and (node.get("type") == "object" or "properties" in node)):
        raise _Refused(
            f"`{shown}` is not a record (an object with fields), so it has no fields to add or remove",
            f"`{shown}` 不是记录（带字段的对象），不能在其中增删字段",
        )
    return node


def _inlined(root: dict, node: Any) -> Any:
    """``node`` with a local `$ref` replaced, in place, by a copy of what it names (its own keys kept)."""
    for _ in range(_MAX_REFS):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return node
        target: Any = root
        for step in ref[2:].split("/"):
            target = target.get(step.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return node
        own = {k: v for k, v in node.items() if k != "$ref"}
        node.clear()
        node.update(copy.deepcopy(target))
        node.update(own)
    return node


def _fragment(raw: Any) -> Any:
    """A fragment as written in a policy file, as the input schemas write it: a title `{zh, en}` as `title` (the
    Chinese, which FieldTitles reads) and `x-title-en`; a description `{zh, en}` likewise."""
    if not isinstance(raw, dict):
        return raw
    out = copy.deepcopy(raw)
    for key in ("title", "description"):
        text = out.get(key)
        if isinstance(text, dict) and "zh" in text:
            out[key] = text["zh"]
            if "en" in text:
                out[f"x-{key}-en"] = text["en"]
    return out


def _fragment_problems(
    schema: Any, root: dict, here: tuple, place: Place, field: str, decision: str
) -> list[Diagnostic]:
    """The fragment against the JSON Schema 2020-12 meta-schema (as an input schema file is checked), and each of
    its `$ref`s, which may name only a place in the input schema it joins (`#/$defs/count`)."""
    out = []
    for f in meta_findings(schema):
        zh = f.zh or (f.message, None)
        where = ".".join(str(p) for p in f.path)
        out.append(
            Diagnostic(
                f.code,
                f"input field `{field}` of decision `{decision}`: {where + ': ' if where else ''}{f.message}",
                place(here + f.path, f.key) if f.path else place(here, True),
                f.hint,
                f.severity,
                subject=field,
                decision=decision,
                zh=f"决定 `{decision}` 的输入字段 `{field}`：{where + '：' if where else ''}{zh[0]}",
                hint_zh=zh[1],
            )
        )
    for ref, path in local_refs(schema):
        target: Any = root if isinstance(ref, str) and ref.startswith("#/") else None
        for step in ref[2:].split("/") if target is not None else ():
            target = target.get(step) if isinstance(target, dict) else None
        if target is None:
            out.append(
                Diagnostic(
                    "WQ-SCHEMA",
                    f"input field `{field}` of decision `{decision}`: `$ref: {excerpt(str(ref))}` names nothing in "
                    "the input schema",
                    place(here + path, False),
                    "a field added here may refer only to a place in the input schema, e.g. `#/$defs/count`",
                    subject=field,
                    decision=decision,
                    zh=f"决定 `{decision}` 的输入字段 `{field}`：`$ref: {excerpt(str(ref))}` 在输入格式中找不到",
                    hint_zh="此处新增的字段只能引用输入格式中的位置，例如 `#/$defs/count`",
                )
            )
    return out
