"""A policy file against schemas/policy.schema.json, its errors worded for the staff who edit it: the YAML slips
behind a schema error (a full-width colon, a thousands separator, a line indented too little, a Chinese comma in a
list) named where they are, with what to write, instead of jsonschema's own words."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .display import excerpt
from .errors import Diagnostic, suggest
from .model import item_of
from .parameter_values import joined_items
from .schemas import data_dir, error_message, error_message_zh, error_path, load_schema, validator
from .source import Span
from .syntax_errors import ascii_for, grouped_number, without_separators, without_separators_zh
from .values import is_number
from .yamlload import Marks, full_width_colon

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# A slip found behind a schema error: its diagnostic, and the paths of the errors it explains.
_Found = tuple[Diagnostic, list[tuple]]


def policy_schema_errors(doc: Any, marks: Marks) -> list[Diagnostic]:
    """The policy document against schemas/policy.schema.json, one diagnostic per problem: a slip that causes
    several schema errors (a full-width colon, a dedented line) is one diagnostic, at the slip."""
    schema_dir = data_dir("schemas")
    schema = load_schema(str(schema_dir / "policy.schema.json"))
    v = validator(schema, str(schema_dir))
    errors = [_deepest(e) for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    slips = [_full_width_colon(e, marks) or _split_number(e, marks) or _dedented(e, doc, marks, schema) for e in errors]
    out: list[Diagnostic] = []
    covered = [path for slip in slips if slip for path in slip[1]]
    for e, slip in zip(errors, slips):
        if slip is not None:
            out += [slip[0]] if slip[0] not in out else []
        elif not any(tuple(e.absolute_path)[: len(c)] == c for c in covered):
            subject, decision = item_of(tuple(e.absolute_path))
            clause = _clause_slip(e)
            if clause is not None:
                out.append(replace(clause, span=marks.schema_span(e), subject=subject, decision=decision))
                continue
            message, hint, zh, hint_zh = _schema_message(e, marks, "extends" in doc)
            out.append(
                Diagnostic(
                    "WQ-SCHEMA",
                    message,
                    marks.schema_span(e),
                    hint,
                    subject=subject,
                    decision=decision,
                    zh=zh,
                    hint_zh=hint_zh,
                )
            )
    return out + _joined_edits(doc, marks)


_CLAUSE_ID = re.compile(r"[0-9]+(\.[0-9]+)*")


def clause_written(clause: str) -> str:
    """A clause id as the source document writes ids: ASCII digits joined by `.` (full-width digits, a comma, a
    Chinese full stop or a 、 between them, spaces and a trailing dot all mended).

    >>> clause_written("３．２．３"), clause_written("3,2,3."), clause_written("3.2.11")
    ('3.2.3', '3.2.3', '3.2.11')
    """
    text = "".join(ascii_for(c) or c for c in clause)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[,，。、．]", ".", text)
    return text.strip(".")


def _clause_slip(error: ValidationError) -> Diagnostic | None:
    """A `clause:` that is not written as a clause id: what to write when it is one mistyped (`３.２.３`), else
    what a clause id is (no guess: a different number is a different clause)."""
    path = tuple(error.absolute_path)
    if error.validator != "pattern" or not path or path[-1] != "clause" or not isinstance(error.instance, str):
        return None
    value, meant = error.instance, clause_written(error.instance)
    if _CLAUSE_ID.fullmatch(meant):
        return Diagnostic(
            "WQ-SCHEMA",
            f"`{excerpt(value)}` is not written as a clause id",
            hint=f"write `{meant}`",
            zh=f"`{excerpt(value)}` 不是条款号的写法",
            hint_zh=f"请写 `{meant}`",
        )
    return Diagnostic(
        "WQ-SCHEMA",
        f"`{excerpt(value)}` is not a clause id: a clause id is numbers joined by dots, as the source document tags "
        "its clauses (**[3.2.3]**)",
        zh=f"`{excerpt(value)}` 不是条款号：条款号是以点号连接的数字，与原文中 **[3.2.3]** 标记的写法相同",
    )


def _deepest(error: ValidationError) -> ValidationError:
    # oneOf/anyOf errors: the sub-error that got furthest says the most; at equal depth, one from a branch of the
    # value's own type (a misspelt key of a mapping, not "the mapping is not text").
    while error.context:
        error = max(error.context, key=lambda c: (len(c.absolute_path), c.validator != "type"))
    return error


def _schema_message(error, marks: Marks, revision: bool) -> tuple[str, str | None, str, str | None]:
    """What a schema error means to whoever edits the file, and what to write instead (or None): (message, hint,
    zh, hint_zh)."""
    where, value, path = error_path(error), error.instance, tuple(error.absolute_path)
    where_zh = "（文件顶层）" if where == "(document)" else where
    if error.validator == "additionalProperties" and isinstance(value, dict):
        allowed = error.schema.get("properties", {})
        extra = next((k for k in value if k not in allowed), None)
        hint = suggest(str(extra), allowed) if extra is not None else None
        return error_message(error), hint and hint[0], error_message_zh(error), hint and hint[1]
    if error.validator == "enum" and isinstance(value, str):
        hint = suggest(value, [str(x) for x in error.validator_value])
        return error_message(error), hint and hint[0], error_message_zh(error), hint and hint[1]
    if error.validator == "format" and error.validator_value == "date":
        return (
            f"{where}: `{excerpt(value)}` is not a date",
            "write the date as YYYY-MM-DD, e.g. 2021-01-01",
            f"{where_zh}: `{excerpt(value)}` 不是日期",
            "日期写成 YYYY-MM-DD，例如 2021-01-01",
        )
    if error.validator == "type" and value is None:
        return (
            f"{where} is empty",
            "write a value after the colon, or remove the line",
            f"{where_zh} 没有填写取值",
            "在冒号后写上取值，或删除这一行",
        )
    if error.validator == "type" and error.validator_value == "array" and isinstance(value, str):
        return (
            f"{where}: `{excerpt(value)}` is text, but a list is required",
            f"write it in brackets: [{excerpt(value)}]",
            f"{where_zh}: `{excerpt(value)}` 是文字，但这里应为列表",
            f"用方括号写成列表：[{excerpt(value)}]",
        )
    if error.validator == "type" and "string" in _wanted(error) and is_number(value):
        written = _written(marks, path) or str(value)
        key = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
        return (
            f"{where}: `{written}` is read as a number, but text is required",
            f'put it in quotes: `{key}"{written}"`',
            f"{where_zh}: `{written}` 被读成了数字，但这里应为文字",
            f'给它加上引号：`{key}"{written}"`',
        )
    if error.validator == "type" and error.validator_value == "object" and len(path) == 2 and path[0] == "parameters":
        as_written, clause = _written(marks, path), "" if revision else ', clause: "…"'
        return (
            f"{where}: a parameter's value is written after `value:`",
            f"write `{path[1]}: {{value: {as_written}{clause}}}`"
            if as_written
            else f"write `value:` on the line below `{path[1]}:`, indented, and indent the value under it",
            f"{where_zh}: 参数的取值要写在 `value:` 之后",
            f"写成 `{path[1]}: {{value: {as_written}{clause}}}`"
            if as_written
            else f"在 `{path[1]}:` 的下一行缩进写 `value:`，取值再缩进写在它下面",
        )
    if error.validator == "required" and isinstance(value, dict):
        missing = next((k for k in error.validator_value if k not in value), None)
        if missing is not None:
            return (
                f"{where} lacks `{missing}`",
                f"add `{missing}: …`",
                f"{where_zh} 缺少 `{missing}`",
                f"加上 `{missing}: …`",
            )
    return error_message(error), None, error_message_zh(error), None


def _wanted(error: ValidationError) -> list:
    return error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]


def _written(marks: Marks, path: tuple) -> str | None:
    """A scalar as the file writes it (`6.10`, not 6.1), when it is on one line."""
    mark = marks.get(tuple(path))
    written = mark.text[mark.start : mark.end] if mark else ""
    return written if written and "\n" not in written and len(written) <= 60 else None


def _full_width_colon(error: ValidationError, marks: Marks) -> _Found | None:
    """`min_rd_intensity：{value: 4%}`: YAML reads a key up to the first `: `, so a full-width colon leaves a key
    `min_rd_intensity：{value` and the errors of its value. One diagnostic, at the `：`."""
    path = tuple(error.absolute_path)
    keys = [(path[:i], k) for i, k in enumerate(path)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        keys += [(path, k) for k in error.instance if k not in error.schema.get("properties", {})]
    if "propertyNames" in error.absolute_schema_path:
        keys.append((path, error.instance))
    found = next(((holder, k) for holder, k in keys if isinstance(k, str) and "\uff1a" in k), None)
    if found is None:
        return None
    holder, key = found
    mark = marks.get(("<key>",) + holder + (key,))
    span = mark.span(key.index("\uff1a"), 1, value=key) if mark else marks.span(holder)
    return full_width_colon(span), [holder + (key,)]


def _split_number(error: ValidationError, marks: Marks) -> _Found | None:
    """`{value: 1,500万元}`: inside `{…}` the comma ends the value, leaving `value: 1` and a key `500万元`."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return None
    path = tuple(error.absolute_path)
    extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
    found = [
        grouped_number(m.text, m.start - 1) if m and error.instance[k] is None and m.start else None
        for k, m in ((k, marks.get(("<key>",) + path + (k,))) for k in extras)
    ]
    if not found or None in found:
        return None
    mark, number = marks.get(("<key>",) + path + (extras[0],)), found[0]
    if mark is None or number is None:  # found above
        return None
    comma = mark.text.rindex(",", 0, mark.start)
    line, col = mark.text.count("\n", 0, comma) + 1, comma - mark.text.rfind("\n", 0, comma)
    first = mark.text[comma - len(number.split(",")[0]) : comma]
    return Diagnostic(
        "WQ-SCHEMA",
        without_separators(number),
        Span(mark.file, line, col),
        f"inside `{{…}}` a comma ends a value: this was read as `{first}` and a field `{extras[0]}`",
        zh=without_separators_zh(number),
        hint_zh=f"在 `{{…}}` 内逗号会结束一个取值：这里被读成了 `{first}` 和一个字段 `{extras[0]}`",
    ), [path]


def _dedented(error: ValidationError, doc: Any, marks: Marks, root: dict) -> _Found | None:
    """A line indented less than the item it belongs to: `value:` level with its parameter's name, a parameter
    level with `parameters:`, a rule level with `rules:`. It is read as an entry of the mapping above, where it
    is unknown or of the wrong shape; it belongs under the entry before it."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
        if len(extras) != 1:
            return None
        holder, key = path, extras[0]
    elif (
        path and isinstance(path[-1], str) and path[-1] not in (_schema_at(root, path[:-1]) or {}).get("properties", {})
    ):
        holder, key = path[:-1], path[-1]
    else:
        return None
    mapping = _value_at(doc, holder)
    names = list(mapping) if isinstance(mapping, dict) else []
    before = names[: names.index(key)] if key in names else []
    owner = next((k for k in reversed(before) if mapping[k] is None or isinstance(mapping[k], dict)), None)
    if owner is None or not all(
        _belongs(root, holder + (owner,), mapping[owner], k, mapping[k])
        for k in names[names.index(owner) + 1 : names.index(key) + 1]
    ):
        return None
    at, above = marks.get(("<key>",) + holder + (key,)), marks.get(("<key>",) + holder + (owner,))
    if (
        at is None
        or above is None
        or at.line == above.line
        or at.text[at.start - at.col : at.start].strip()
        or at.col > above.col
    ):
        return None
    entries = mapping[owner] and marks.get(("<key>",) + holder + (owner, next(iter(mapping[owner]))))
    spaces = entries.col if entries and entries.line > above.line else above.col + 2
    return Diagnostic(
        "WQ-SCHEMA",
        f"`{key}:` is indented less than the item it belongs to",
        at.span(),
        f"indent it under `{owner}:` (line {above.line + 1}), with {spaces} spaces before it",
        zh=f"`{key}:` 的缩进比它所属的项少",
        hint_zh=f"把它缩进到 `{owner}:`（第 {above.line + 1} 行）之下，前面留 {spaces} 个空格",
    ), [holder + (key,), holder + (owner,)] if mapping[owner] is None else [holder + (key,)]


def _belongs(root: dict, owner_path: tuple, owner: Any, key: str, value: Any) -> bool:
    """Whether ``key: value`` would be a right entry of the mapping ``owner``, at ``owner_path``."""
    schema = _schema_at(root, owner_path) or {}
    if key in schema.get("properties", {}):
        return not (isinstance(owner, dict) and key in owner)
    entry = schema.get("additionalProperties")
    return isinstance(entry, dict) and validator(dict(entry, **{"$defs": root.get("$defs", {})})).is_valid(value)


def _schema_at(root: dict, path: tuple) -> dict | None:
    """The (sub)schema of the policy schema that applies at ``path`` of a document, $refs followed."""
    node = _resolved(root, root)
    for key in path:
        if not isinstance(node, dict):
            return None
        if isinstance(key, int):
            node = node.get("items")
        elif key in node.get("properties", {}):
            node = node["properties"][key]
        else:
            node = node.get("additionalProperties")
        node = _resolved(root, node)
    return node if isinstance(node, dict) else None


def _resolved(root: dict, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        node = root.get("$defs", {}).get(node["$ref"][len("#/$defs/") :])
    if isinstance(node, dict) and ("oneOf" in node or "anyOf" in node):  # a definition: text, or a mapping
        branches = [_resolved(root, b) for b in (node["oneOf"] if "oneOf" in node else node["anyOf"])]
        node = next((b for b in branches if isinstance(b, dict) and "properties" in b), node)
    return node


def _value_at(doc: Any, path: tuple) -> Any:
    for key in path:
        if isinstance(doc, dict):
            doc = doc.get(key)
        else:
            doc = doc[key] if isinstance(doc, list) and isinstance(key, int) and key < len(doc) else None
    return doc


def _joined_edits(doc: Any, marks: Marks) -> list[Diagnostic]:
    """Codes joined by a Chinese comma in a revision's `remove: […]` or `add: […]` (`[design，installation]`): one
    item, which `remove` would not find and `add` would add as a new code."""
    out = []
    for name, entry in (doc.get("parameters") or {}).items() if isinstance(doc.get("parameters"), dict) else ():
        for edit in ("remove", "add"):
            items = entry.get(edit) if isinstance(entry, dict) else None
            for p in joined_items(items, edit) if isinstance(items, list) else ():
                if p.severity == "error":
                    out.append(
                        Diagnostic(
                            p.code,
                            f"parameter `{name}`: {p.message}",
                            marks.span(("parameters", name, edit) + p.at),
                            p.hint,
                            subject=str(name),
                            zh=f"参数 `{name}`：{p.zh}",
                            hint_zh=p.hint_zh,
                        )
                    )
    return out
