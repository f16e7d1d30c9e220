"""JSON Schemas: where the bundled ones live, loading them with exact numbers, and a registry for $ref."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.validators import extend
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .display import excerpt
from .errors import Diagnostic, WQError
from .source import Span
from .values import is_multiple


def data_dir(name: str) -> Path:
    """The bundled ``policies`` or ``schemas`` folder: inside the installed package, or the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    return here.parent / name


@lru_cache(maxsize=64)
def load_schema(path: str) -> dict:
    """A JSON Schema file, numbers as Decimal (so multipleOf 0.01 is exact)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as e:
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE", f"cannot load JSON Schema: {e}", Span(str(path), 1, 1), zh=f"无法读取格式文件（{e}）"
                )
            ]
        ) from None


@lru_cache(maxsize=16)
def registry(folder: str) -> Registry:
    """Every schema under ``folder`` by its $id, so relative $refs between them resolve."""
    resources = []
    for p in sorted(Path(folder).rglob("*.json")):
        schema = load_schema(str(p))
        if isinstance(schema, dict) and "$id" in schema:
            resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def _multiple_of(validator: Any, step: Any, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """multipleOf, exact at any magnitude (jsonschema's own raises InvalidOperation past 28 digits)."""
    if validator.is_type(instance, "number"):
        value = Decimal(repr(instance)) if isinstance(instance, float) else instance
        if not is_multiple(value, Decimal(repr(step)) if isinstance(step, float) else step):
            yield ValidationError(f"{value} is not a multiple of {step}")


def _is_integer(checker: Any, instance: object) -> bool:
    """JSON Schema's integer: any number with no fractional part, so 96.0 is one (numbers arrive as Decimal)."""
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite() and is_multiple(instance, 1)
    return Draft202012Validator.TYPE_CHECKER.is_type(instance, "integer")


_Validator = extend(
    Draft202012Validator,
    {"multipleOf": _multiple_of},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


# Schema nodes an inlined copy may have, at most: refs of refs could multiply without end.
_MAX_INLINED = 20_000
# Keywords whose values are data, not schemas: nothing in them is a $ref to follow.
_DATA = {"enum", "const", "examples", "default", "$defs", "required", "description", "title"}


def inlined(schema: dict) -> dict:
    """``schema`` with each local `$ref` (`#/$defs/money`) replaced by what it points at, for a validator that
    checks many items: jsonschema looks a $ref up on every visit, half its time over a long list. A recursive
    $ref stays as it is; a schema with a nested `$id` (which moves the base of its refs), or that would grow past
    a bound, is returned unchanged. The errors found are the same, with the same paths."""
    count = 0

    class _Unchanged(Exception):
        pass

    def target(ref: str) -> Any:
        node = schema
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) and part.isdigit() else node[part]
        return node

    def walk(node: Any, expanding: tuple) -> Any:
        nonlocal count
        count += 1
        if count > _MAX_INLINED:
            raise _Unchanged
        if isinstance(node, list):
            return [walk(x, expanding) for x in node]
        if not isinstance(node, dict):
            return node
        if "$id" in node and node is not schema:
            raise _Unchanged
        out = {k: v if k in _DATA else walk(v, expanding) for k, v in node.items() if k != "$ref"}
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return out
        if not ref.startswith("#/") or "%" in ref or ref in expanding:
            out["$ref"] = ref  # another document, an escaped pointer, or recursion: jsonschema follows it
            return out
        try:
            found = walk(target(ref), expanding + (ref,))
        except (KeyError, TypeError, IndexError):
            out["$ref"] = ref  # points at nothing: jsonschema says so
            return out
        if not out:
            return found
        out["allOf"] = [found, *out.get("allOf", [])]
        return out

    try:
        return walk(schema, ())
    except _Unchanged:
        return schema


def registry_of(resources: dict) -> Registry:
    """A registry holding just ``resources`` (URI -> schema contents, the files an input schema's refs name, as
    schema_files found them): a lookup of anything else fails, and nothing is ever fetched."""
    return Registry().with_resources(
        (uri, Resource.from_contents(contents, default_specification=DRAFT202012))
        for uri, contents in resources.items()
    )


def validator(schema: dict, folder: str | None = None, resources: dict | None = None) -> Draft202012Validator:
    """A validator of ``schema``: its refs found among the schemas under ``folder`` (the bundled ones) or in
    ``resources``."""
    reg = registry(folder) if folder else registry_of(resources or {})
    return _Validator(schema, registry=reg, format_checker=FormatChecker())


def resolver(schema: dict, folder: str | None = None, resources: dict | None = None) -> Callable[[str], Any]:
    """A function from a $ref in ``schema`` to the schema it points at."""
    reg = registry(folder) if folder else registry_of(resources or {})
    res = reg.resolver(base_uri=schema.get("$id", ""))
    cache: dict[str, Any] = {}

    def resolve(ref: str) -> Any:
        if ref.startswith("#"):
            target = schema
            for part in ref.lstrip("#/").split("/"):
                if part:
                    target = target[part.replace("~1", "/").replace("~0", "~")]
            return target
        if ref not in cache:
            cache[ref] = res.lookup(ref).contents
        return cache[ref]

    return resolve


_DECIMAL_REPR = re.compile(r"Decimal\('([^']*)'\)")


def error_path(error: ValidationError) -> str:
    """jsonschema error path as `investment[2].amount`."""
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


# Unknown fields named in one message, at most: the rest are counted.
_LISTED = 5
_TOO_LONG = {
    "maxLength": ("characters", "text"),
    "maxItems": ("items", "a list"),
    "maxProperties": ("fields", "a mapping"),
}

# What JSON writers put for a float that is no number (Python's json: NaN, Infinity), and YAML's spellings.
_NOT_FINITE = {"nan", "infinity", "inf", ".nan", ".inf"}


def error_message(error: ValidationError) -> str:
    """A short message: the path, then what is wrong, with the offending value shown briefly."""
    where = error_path(error)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        shown = ", ".join(f"`{excerpt(x)}`" for x in extra[:_LISTED])
        more = f" and {len(extra) - _LISTED:,} more" if len(extra) > _LISTED else ""
        return f"{where}: unknown field {shown}{more} (allowed: {allowed})"
    if error.validator == "type" and isinstance(error.instance, str):
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if error.instance.lstrip("+-").lower() in _NOT_FINITE and {"number", "integer"} & set(wanted):
            return f"{where}: {error.instance} is not a finite number (NaN and Infinity are not allowed)"
        return f"{where}: {excerpt(repr(error.instance))} is text, but {error.validator_value} is required"
    if error.validator in _TOO_LONG and isinstance(error.instance, (str, list, dict)):
        unit, what = _TOO_LONG[error.validator]
        shown = f" ({excerpt(repr(error.instance))})" if isinstance(error.instance, str) else ""
        return (
            f"{where}: {what} of {len(error.instance):,} {unit}{shown}, more than the {error.validator_value:,} allowed"
        )
    if error.validator == "enum":
        allowed = excerpt(_DECIMAL_REPR.sub(r"\1", repr(error.validator_value)), 200)
        return f"{where}: {excerpt(repr(error.instance))} is not one of {allowed}"
    msg = _DECIMAL_REPR.sub(r"\1", error.message)  # jsonschema writes Decimal('1.005'); people read 1.005
    if len(msg) > 200:
        msg = msg[:200] + "…"
    return f"{where}: {msg}"


# JSON Schema's kinds of value as policy officers call them.
_KINDS_ZH = {
    "integer": "整数",
    "number": "数字",
    "string": "文字",
    "boolean": "是否值（true/false）",
    "object": "一组字段",
    "array": "列表",
    "null": "空值",
}
_TOO_LONG_ZH = {"maxLength": ("个字符", "文字"), "maxItems": ("项", "列表"), "maxProperties": ("个字段", "字段组")}


def _kinds_zh(wanted) -> str:
    kinds = wanted if isinstance(wanted, list) else [wanted]
    return "或".join(_KINDS_ZH.get(str(k), str(k)) for k in kinds)


def _shown_zh(value) -> str:
    """A value of a document as a Chinese message quotes it: text in “”, true/false, numbers as written."""
    if isinstance(value, str):
        return f"“{excerpt(value)}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "空值"
    if isinstance(value, (dict, list)):
        return "一组字段" if isinstance(value, dict) else "列表"
    return excerpt(_DECIMAL_REPR.sub(r"\1", str(value)))


def _before_zh(value) -> str:
    """``_shown_zh(value)`` as the start of a Chinese sentence: a number or word parted from what follows by a
    space, a text in “” not."""
    shown = _shown_zh(value)
    return shown if isinstance(value, str) else shown + " "


def _number_zh(value) -> str:
    return _DECIMAL_REPR.sub(r"\1", str(value))


def error_message_zh(error, titles: Any = None) -> str:
    """``error_message`` in Chinese: the field named by its Chinese title where ``titles`` (fieldtitles.FieldTitles
    of the input schema) gives one (`年度考核结果 result: …`), allowed codes with their labels
    (`qualified（合格）`)."""
    path = error_path(error)
    where = path if path != "(document)" else "申报材料" if titles is not None else "（文件顶层）"
    if titles is not None and path != "(document)":
        named = titles.material(path).zh
        where = f"{named} {path}" if named != path else path
    v, value = error.validator, error.instance
    if v == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        shown = "、".join(f"`{excerpt(x)}`" for x in extra[:_LISTED])
        more = f" 等 {len(extra):,} 个" if len(extra) > _LISTED else ""
        return f"{where}: 未知的字段 {shown}{more}（允许的字段：{allowed}）"
    if v == "type" and isinstance(value, str):
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if value.lstrip("+-").lower() in _NOT_FINITE and {"number", "integer"} & set(wanted):
            return f"{where}: {value} 不是有限的数字（不能用 NaN 或 Infinity）"
        quoted = "（数字不要加引号）" if re.fullmatch(r"[-+]?[0-9][0-9_]*(\.[0-9]+)?", value.strip()) else ""
        return f"{where}: {_before_zh(value)}是文字，但这里应为{_kinds_zh(error.validator_value)}{quoted}"
    if v == "type":
        return f"{where}: {_before_zh(value)}不是{_kinds_zh(error.validator_value)}"
    if v in _TOO_LONG_ZH and isinstance(value, (str, list, dict)):
        unit, what = _TOO_LONG_ZH[v]
        return f"{where}: {what}有 {len(value):,} {unit}，超过允许的 {error.validator_value:,} {unit}"
    if v == "enum":
        options = [
            f"{x}（{label.zh}）" if (label := _label(titles, path, x)) is not None else excerpt(str(x))
            for x in error.validator_value
        ]
        listed = "、".join(options[:-1]) + f" 或 {options[-1]}" if len(options) > 1 else "".join(options)
        return f"{where}: {_before_zh(value)}不是允许的值；应为 {excerpt(listed, 200)}"
    if v == "const":
        return f"{where}: 应为 {_shown_zh(error.validator_value)}"
    if v == "required":
        missing = next((k for k in error.validator_value if isinstance(value, dict) and k not in value), None)
        return f"{where}: 缺少必填字段 `{missing}`" if missing is not None else f"{where}: 缺少必填字段"
    if v == "minimum":
        return f"{where}: {_shown_zh(value)} 小于最小值 {_number_zh(error.validator_value)}"
    if v == "maximum":
        return f"{where}: {_shown_zh(value)} 大于最大值 {_number_zh(error.validator_value)}"
    if v == "exclusiveMinimum":
        return f"{where}: {_shown_zh(value)} 应大于 {_number_zh(error.validator_value)}"
    if v == "exclusiveMaximum":
        return f"{where}: {_shown_zh(value)} 应小于 {_number_zh(error.validator_value)}"
    if v == "multipleOf":
        step = _number_zh(error.validator_value)
        if step == "0.01":
            return f"{where}: {_shown_zh(value)} 的小数超过两位（金额精确到分）"
        return f"{where}: {_shown_zh(value)} 不是 {step} 的整数倍"
    if v == "format" and error.validator_value == "date":
        return f"{where}: {_before_zh(value)}不是日期（应为真实存在的日期，写成 YYYY-MM-DD）"
    if v == "minItems":
        return f"{where}: 列表至少要有 {error.validator_value} 项"
    if v == "minLength":
        return f"{where}: 至少要有 {error.validator_value} 个字符"
    if v == "pattern":
        return f"{where}: {_before_zh(value)}不符合要求的写法（{excerpt(str(error.validator_value))}）"
    if v == "uniqueItems":
        return f"{where}: 列表中有重复的项"
    if v == "minProperties":
        return f"{where}: 至少要有 {error.validator_value} 个字段"
    return f"{where}: 不符合格式要求（{error_message(error).split(': ', 1)[-1]}）"


def _label(titles: Any, path: str, code) -> Any:
    return titles.enum_label(path, code) if titles is not None else None
