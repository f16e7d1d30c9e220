"""Input schemas as policy content: a decision's `input:` file found only inside the folder of the policy file
that names it, read with its places, checked against the JSON Schema 2020-12 meta-schema, and its `$ref`s
allowed only to places in that file or to schema files in the same folder — so that checking or evaluating a
policy never reads a file outside its folder and never goes to the network, and a schema that jsonschema would
stumble over (`"type": "strnig"`, a remote `$ref`) is a `check` error at its line instead of a traceback later."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from jsonschema import Draft202012Validator
from jsonschema_specifications import REGISTRY as SPECIFICATIONS

from .display import excerpt
from .errors import Diagnostic, WQError, suggest
from .jsonmarks import JsonMarks, usable
from .schemas import inlined
from .source import Span
from .yamlload import read_text

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _flat_meta() -> dict:
    """The 2020-12 meta-schema as one document: its vocabularies' keywords side by side, `$dynamicRef: #meta` read
    as `$ref: #` (there is no other dialect to extend it). It says the same of a schema as the meta-schema does,
    ten times as fast (jsonschema looks each dynamic reference up through the vocabularies)."""
    root = SPECIFICATIONS.contents(DIALECT)
    properties: dict = {}
    defs: dict = {}
    for part in [root] + [SPECIFICATIONS.contents(urljoin(DIALECT, x["$ref"])) for x in root["allOf"]]:
        properties.update(part.get("properties", {}))
        defs.update(part.get("$defs", {}))

    def static(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                ("$ref" if k == "$dynamicRef" and v == "#meta" else k): (
                    "#" if k == "$dynamicRef" and v == "#meta" else static(v)
                )
                for k, v in node.items()
            }
        return [static(x) for x in node] if isinstance(node, list) else node

    return inlined(static({"type": ["object", "boolean"], "properties": properties, "$defs": defs}))


_META = Draft202012Validator(_flat_meta(), format_checker=Draft202012Validator.FORMAT_CHECKER)
_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")

# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas (JSON Schema 2020-12):
# the places a walk looks for `$ref`s and keywords. Everything else holds data (enum, const, examples, …).
_ONE = (
    "additionalProperties",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_KNOWN = frozenset(
    _ONE
    + _MANY
    + _NAMED
    + (
        "$schema",
        "$id",
        "$ref",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$vocabulary",
        "$comment",
        "type",
        "enum",
        "const",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxContains",
        "minContains",
        "maxProperties",
        "minProperties",
        "required",
        "dependentRequired",
        "format",
        "contentEncoding",
        "contentMediaType",
        "title",
        "description",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "examples",
        # annotations editors read (VS Code's YAML and JSON language servers)
        "markdownDescription",
        "enumDescriptions",
        "markdownEnumDescriptions",
        "deprecationMessage",
        "errorMessage",
    )
)


@dataclass
class SchemaFile:
    """A checked input schema: its file (resolved), the path as the user gave it, its contents, and the
    schema files its `$ref`s name, by the URI jsonschema will look each up by."""

    path: Path
    shown: str
    schema: dict
    resources: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # Diagnostics; the schema is unusable when one is an error
    read: list = field(default_factory=list)  # every file read for it, itself first


class Refusal(NamedTuple):
    """Why a file named in a policy is not read: in English and in Chinese; ``missing``: it would be allowed, but
    is not there."""

    en: str
    zh: str
    missing: bool = False


def inside(ref: str, folder: Path, shown_folder: str, root: Path | None = None) -> tuple[Path, str] | Refusal:
    """``ref`` (a path written in a file in ``folder``) as (resolved path, path shown as given), when it names a
    place inside ``root`` (``folder`` itself by default); else why it is refused. Nothing outside is opened or
    even tested."""
    if not isinstance(ref, str) or not ref.strip():
        return Refusal("a file name is needed", "需要文件名")
    scheme = urlsplit(ref).scheme
    if ref.startswith("//") or (len(scheme) > 1 and ref[len(scheme) : len(scheme) + 1] == ":"):
        return Refusal(
            f"`{excerpt(ref)}` is a URL; name a file in the policy folder",
            f"`{excerpt(ref)}` 是网址；请指向政策文件夹内的文件",
        )
    if "\0" in ref:
        return Refusal("a file name cannot hold the NUL character", "文件名不能含有 NUL 字符")
    try:
        here = folder.resolve()
        allowed = root.resolve() if root is not None else here
        target = (folder / ref).resolve()
    except (OSError, RuntimeError):  # a symbolic link that leads round in a loop
        return Refusal(
            f"`{excerpt(ref)}` cannot be followed (a symbolic link that leads round in a loop)",
            f"`{excerpt(ref)}` 无法读取（符号链接循环）",
        )
    if not _within(target, allowed):
        return Refusal(
            f"`{excerpt(ref)}` lies outside the policy folder, so it is not read",
            f"`{excerpt(ref)}` 位于政策文件夹之外，不予读取",
        )
    shown = os.path.normpath(os.path.join(shown_folder, os.path.relpath(target, here)))
    return target, shown


def load_input_schema(ref: str, folder: Path, shown_folder: str) -> SchemaFile | Refusal:
    """The input schema ``ref`` names, written in a policy file in ``folder`` (``shown_folder`` as the user gave
    it), read and checked with every schema file its `$ref`s name; or why it is refused (the file is outside the
    folder, a URL, or not there)."""
    found = inside(ref, folder, shown_folder)
    if isinstance(found, Refusal):
        return found
    path, shown = found
    try:
        if not path.is_file():
            return Refusal(f"`{excerpt(ref)}` is not there", f"`{excerpt(ref)}` 不存在", missing=True)
    except OSError as e:
        return Refusal(f"cannot read: {e.strerror or e}", "无法读取")
    key = (path, shown, folder.resolve())
    cached = _CHECKED.get(key)
    if cached is not None and cached[0] == _versions(cached[1].read):
        return cached[1]
    checked = _checked(str(path), shown, str(folder.resolve()))
    if len(_CHECKED) >= 64:
        _CHECKED.clear()
    _CHECKED[key] = (_versions(checked.read), checked)
    return checked


# Input schemas checked, kept while none of the files read for one changes (a revision checks its base's again).
_CHECKED: dict = {}


def _versions(paths: Iterable[Path]) -> tuple:
    out: list[tuple[int, int] | None] = []
    for p in paths:
        try:
            stat = p.stat()
            out.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def _checked(path: str, shown: str, root: str) -> SchemaFile:
    """One input schema with the files its refs name, checked."""
    out = SchemaFile(Path(path), shown, {}, read=[Path(path)])
    notes: list[Diagnostic] = []
    read = _read(Path(path), shown, notes)
    if isinstance(read, list):
        out.problems = read
        return out
    out.schema, text = read
    out.problems += notes
    if not isinstance(out.schema, dict):
        out.problems = [
            Diagnostic(
                "WQ-SCHEMA",
                'an input schema must be a JSON object (`{"type": "object", …}`)',
                Span(shown, 1, 1),
                zh='输入格式必须是一个 JSON 对象（`{"type": "object", …}`）',
            )
        ]
        return out
    base: str = out.schema["$id"] if isinstance(out.schema.get("$id"), str) else ""
    todo = [(Path(path), shown, out.schema, text, base)]
    files: dict[Path, object] = {Path(path): out.schema}  # each file read once, whatever refs name it
    while todo:
        file, name, schema, text, base = todo.pop()
        marks = JsonMarks(text, name) if usable(text) else None
        out.problems += _meta_problems(schema, marks, name)
        for ref, at in _refs(schema, ()):
            problem, target = _follow(ref, file, name, schema, Path(root), base)
            if problem is None and target is not None:
                if target[0] not in files:
                    out.read.append(target[0])
                    loaded = _read(target[0], target[1], out.problems)
                    if isinstance(loaded, list):
                        out.problems += loaded
                        continue
                    files[target[0]] = loaded[0]
                    inner = loaded[0].get("$id") if isinstance(loaded[0], dict) else None
                    todo.append(
                        (
                            target[0],
                            target[1],
                            loaded[0],
                            loaded[1],
                            inner if isinstance(inner, str) else urljoin(base, ref.split("#")[0]),
                        )
                    )
                contents = files[target[0]]
                # registered by the URI jsonschema will look it up by, from this file (and by its own `$id`)
                out.resources[urljoin(base, ref.split("#")[0])] = contents
                if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
                    out.resources[contents["$id"]] = contents
                problem = _in_target(ref, contents)
            if problem is not None:
                out.problems.append(_at(marks, name, at, "WQ-SCHEMA", problem[0], problem[1], problem[2]))
    return out


def _in_target(ref: str, contents: Any) -> tuple | None:
    """The problem with the `#…` part of a `$ref` to another file, when it points at nothing there."""
    fragment = ref.partition("#")[2]
    if not fragment:
        return None
    if fragment.startswith("/"):
        found = _pointer(contents, fragment) is not _MISSING
    else:
        found = fragment in {n.get("$anchor") for _, n in _subschemas(contents, ())} | {
            n.get("$dynamicAnchor") for _, n in _subschemas(contents, ())
        }
    return (
        None
        if found
        else (
            f"`$ref` points at nothing in the file it names: `{excerpt(ref)}`",
            None,
            (f"`$ref` 在所指文件中指向的位置不存在：`{excerpt(ref)}`", None),
        )
    )


def _read(path: Path, shown: str, notes: list[Diagnostic]):
    """(contents, text) of a JSON Schema file, numbers exact; or the diagnostics saying why it cannot be read.
    ``notes`` collects warnings about the file (read as GB18030), placed at ``shown``."""
    found: list[Diagnostic] = []
    try:
        text = read_text(path, regular=True, hint="name a .json file", hint_zh="请给出一个 .json 文件", notes=found)
        notes += [replace(d, span=Span(shown, 1, 1)) for d in found]
    except WQError as e:
        return [
            Diagnostic(
                d.code,
                d.message,
                Span(shown, d.span.line, d.span.col) if d.span else Span(shown, 1, 1),
                d.hint,
                zh=d.zh,
                hint_zh=d.hint_zh,
            )
            for d in e.diagnostics
        ]
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_unique), text
    except json.JSONDecodeError as e:
        return [
            Diagnostic(
                "WQ-SCHEMA",
                f"not valid JSON: {e.msg}",
                Span(shown, e.lineno, e.colno),
                "an input schema is a JSON file",
                zh=f"不是有效的 JSON：{e.msg}",
                hint_zh="输入格式是 JSON 文件",
            )
        ]
    except _Twice as e:
        return [
            Diagnostic(
                "WQ-DUPLICATE",
                f"duplicate key `{excerpt(e.key)}`",
                Span(shown, 1, 1),
                "each key may appear once in an object",
                zh=f"键 `{excerpt(e.key)}` 重复",
                hint_zh="同一对象中每个键只能出现一次",
            )
        ]
    except (ValueError, RecursionError):
        return [
            Diagnostic(
                "WQ-SCHEMA",
                "not valid JSON (nested too deeply, or a number out of range)",
                Span(shown, 1, 1),
                zh="不是有效的 JSON（嵌套过深或数字超出范围）",
            )
        ]


class _Twice(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        for k, _ in pairs:
            if k in seen:
                raise _Twice(k)
            seen.add(k)
    return out


def _at(
    marks: JsonMarks | None,
    shown: str,
    path: tuple,
    code: str,
    message: str,
    hint: str | None = None,
    zh: tuple | None = None,
    severity: str = "error",
    key: bool = False,
) -> Diagnostic:
    span = None
    if marks is not None:
        span = marks.key_span(path) if key else marks.span(path)
    where = ".".join(str(p) for p in path) or "(schema)"
    return Diagnostic(
        code,
        f"{where}: {message}",
        span or Span(shown, 1, 1),
        hint,
        severity,
        subject=where,
        zh=f"{where}：{zh[0]}" if zh else None,
        hint_zh=zh[1] if zh else None,
    )


def _deepest(error: ValidationError) -> ValidationError:
    while error.context:
        error = max(error.context, key=lambda c: (len(c.absolute_path), c.validator != "type"))
    return error


def _meta_problems(schema: Any, marks: JsonMarks | None, shown: str) -> list[Diagnostic]:
    """The schema against the 2020-12 meta-schema (patterns must compile), keywords it would pass over in silence
    (a misspelt `maxItem`: a warning), and a `$schema` naming another dialect."""
    return [_at(marks, shown, *found) for found in meta_findings(schema)]


class Finding(NamedTuple):
    """A problem of a schema at ``path`` in it (``key``: at the key itself), for ``_at`` or a policy's marks to
    place: ``zh`` is (message, hint) in Chinese."""

    path: tuple
    code: str
    message: str
    hint: str | None = None
    zh: tuple | None = None
    severity: str = "error"
    key: bool = False


def meta_findings(schema: Any) -> list[Finding]:
    """What ``_meta_problems`` reports, as Findings (also for a schema fragment written in a policy file: an input
    field a revision adds)."""
    out = []
    for e in _META.iter_errors(schema):
        path = tuple(e.absolute_path)
        if path and path[-1] == "type" and isinstance(e.instance, str):
            types = ", ".join(_TYPES)
            hint = suggest(e.instance, _TYPES) or (f"one of {types}", f"可用的类型：{types}")
            out.append(
                Finding(
                    path,
                    "WQ-SCHEMA",
                    f"`{excerpt(e.instance)}` is not a JSON Schema type",
                    hint[0],
                    (f"`{excerpt(e.instance)}` 不是 JSON Schema 的类型", hint[1]),
                )
            )
            continue
        e = _deepest(e)
        path = tuple(e.absolute_path)
        if e.validator == "format" and e.validator_value == "regex":
            message = f"`{excerpt(e.instance)}` is not a regular expression"
            zh = (f"`{excerpt(e.instance)}` 不是有效的正则表达式", "参见 JSON Schema 2020-12 规范")
        else:
            message = excerpt(e.message, 200)
            zh = (f"不符合 JSON Schema 2020-12 的规定：{message}", "参见 JSON Schema 2020-12 规范")
        out.append(Finding(path, "WQ-SCHEMA", message, "see the JSON Schema 2020-12 specification", zh))
    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    if dialect is not None and dialect.rstrip("#") != DIALECT:
        out.append(
            Finding(
                ("$schema",),
                "WQ-SCHEMA",
                f"`{excerpt(str(dialect))}` is not JSON Schema 2020-12, the dialect input schemas are written in",
                f'write "{DIALECT}"',
                (f"`{excerpt(str(dialect))}` 不是输入格式所用的 JSON Schema 2020-12", f'写 "{DIALECT}"'),
            )
        )
    for path, word in _keywords(schema, ()):
        if word not in _KNOWN and not word.startswith("x-"):
            close = suggest(word, _KNOWN, cutoff=0.8) or (
                "remove it, or name an annotation `x-…`",
                "删除它，或以 `x-` 开头命名注释",
            )
            out.append(
                Finding(
                    path + (word,),
                    "WQ-SCHEMA",
                    f"`{excerpt(word)}` is not a JSON Schema keyword: it is passed over",
                    close[0],
                    (f"`{excerpt(word)}` 不是 JSON Schema 关键字，会被忽略", close[1]),
                    "warning",
                    key=True,
                )
            )
    return out


def local_refs(schema: Any) -> Iterator[tuple[Any, tuple]]:
    """(reference, path of the keyword) of each `$ref` and `$dynamicRef` in ``schema``."""
    return _refs(schema, ())


def _subschemas(schema: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """(path, subschema) of ``schema`` and of each schema inside it, by the keywords that hold schemas."""
    stack = [(path, schema)]
    while stack:
        here, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield here, node
        for k in _ONE:
            if k in node:
                stack.append((here + (k,), node[k]))
        for k in _MANY:
            if isinstance(node.get(k), list):
                stack += [(here + (k, i), x) for i, x in enumerate(node[k])]
        for k in _NAMED:
            if isinstance(node.get(k), dict):
                stack += [(here + (k, n), x) for n, x in node[k].items()]


def _keywords(schema: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    for here, node in _subschemas(schema, path):
        for word in node:
            yield here, word


def _refs(schema: Any, path: tuple) -> Iterator[tuple[Any, tuple]]:
    """(reference, path of the keyword) of each `$ref` and `$dynamicRef` in ``schema``."""
    for here, node in _subschemas(schema, path):
        for k in ("$ref", "$dynamicRef"):
            if k in node:
                yield node[k], here + (k,)
        if "$id" in node and here:
            yield _NESTED_ID, here + ("$id",)


_NESTED_ID = object()  # a `$id` inside a schema moves the base its refs are read against: not followed here


def _follow(
    ref: Any, file: Path, shown: str, schema: Any, root: Path, base: str
) -> tuple[tuple | None, tuple[Path, str] | None]:
    """(problem, target) for one reference in ``file``: problem (message, hint, (zh, hint_zh)) when it is
    refused or points at nothing; target (path, shown) when it names another schema file inside ``root``."""
    if ref is _NESTED_ID:
        return (
            "a `$id` inside a schema is not supported in input schemas (it moves the base of the refs under it)",
            "give `$id` at the top of the file only",
            ("输入格式不支持在内部子模式中写 `$id`", "只在文件顶层写 `$id`"),
        ), None
    if not isinstance(ref, str):
        return None, None  # the meta-schema says it must be text
    address, _, fragment = ref.partition("#")
    if address:
        found = inside(unquote(address), file.parent, os.path.dirname(shown), root)
        if isinstance(found, Refusal):
            return (
                f"`$ref` may name only a schema file in the policy folder: {found.en}",
                "copy the schema it names into the policy folder and name it by its relative path",
                (
                    f"`$ref` 只能指向政策文件夹内的格式文件：{found.zh}",
                    "把所引用的格式文件复制到政策文件夹中，并用相对路径引用",
                ),
            ), None
        if not found[0].is_file():
            return (
                f"`$ref` names `{excerpt(address)}`, which is not there",
                None,
                (f"`$ref` 所指的 `{excerpt(address)}` 不存在", None),
            ), None
        return None, found
    if fragment.startswith("/") or not fragment:
        if _pointer(schema, fragment) is _MISSING:
            return (
                f"`$ref` points at nothing: `{excerpt(ref)}`",
                "point it at an entry of `$defs`",
                (f"`$ref` 指向的位置不存在：`{excerpt(ref)}`", "指向 `$defs` 中的一项"),
            ), None
        return None, None
    anchors = {n.get("$anchor") for _, n in _subschemas(schema, ())} | {
        n.get("$dynamicAnchor") for _, n in _subschemas(schema, ())
    }
    if fragment not in anchors:
        return (
            f"`$ref` names no `$anchor` `{excerpt(fragment)}` in this file",
            None,
            (f"`$ref` 所指的 `$anchor` `{excerpt(fragment)}` 在本文件中不存在", None),
        ), None
    return None, None


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


_MISSING = object()


def _pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for part in pointer.split("/")[1:] if pointer else ():
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node
