"""A fast yes for valid input documents: a JSON Schema compiled once into Python source that answers
"certainly valid" (True) or "not certain" (False).

Valid documents are the usual case, and jsonschema takes several times as long as the decision itself to say
so. Every False falls back to jsonschema, which finds the errors and words them; so this module need only never
call an invalid document valid. Wherever it is unsure (an integer written 1.0, a float) it says False, and a
schema that uses what it does not handle (a remote $ref, oneOf, a format other than date) it declines as a whole:
``compile_check`` returns None and jsonschema does everything.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .values import exact_numbers, is_multiple

Check = Callable[[object], bool]

_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "enumDescriptions",
        "markdownDescription",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TYPE_TEST = {  # of the value in variable {x}
    "object": "type({x}) is dict",
    "array": "type({x}) is list",
    "string": "type({x}) is str",
    "boolean": "type({x}) is bool",
    "integer": "type({x}) is int",
    "null": "{x} is None",
    "number": "(type({x}) is int or (type({x}) is Decimal and {x}.is_finite()))",
}
_PINNING = frozenset({"$ref", "enum", "const"})
_SCALARS = frozenset({"string", "boolean", "integer", "number", "null"})
_COMPARE = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
_PY = {"object": "dict", "array": "list", "string": "str"}
_SIZE = {
    "minItems": ("array", "<"),
    "maxItems": ("array", ">"),
    "minLength": ("string", "<"),
    "maxLength": ("string", ">"),
    "minProperties": ("object", "<"),
    "maxProperties": ("object", ">"),
}


def _numbers_only(declared: Any) -> bool:
    """Whether a ``type`` keyword lets only numbers by (its test: an int, or a finite Decimal)."""
    kinds = [declared] if isinstance(declared, str) else declared
    return isinstance(kinds, list) and bool(kinds) and all(t in ("number", "integer") for t in kinds)


class _Declined(Exception):
    """The schema uses something this module does not handle."""


def compile_check(schema: Any) -> Check | None:
    """``check(document)`` True only for documents that are valid against ``schema`` and already exact: no
    float and no NaN or infinite Decimal anywhere, so ``values.exact_numbers`` would leave them as they are.
    None when the schema is beyond this module (use jsonschema)."""
    try:
        return _Compiler(schema).build()
    except (_Declined, RecursionError, SyntaxError, MemoryError):  # the last three: a schema too deep to compile
        return None
    except re.error:  # a pattern Python cannot compile: jsonschema reports it
        return None


def _valid_date(s: str) -> bool:
    if not _DATE.fullmatch(s):
        return False
    try:
        datetime.date.fromisoformat(s)
    except ValueError:
        return False
    return True


def _exact(x: Any) -> bool:
    """Whether ``x`` is already exact: nothing in it that ``exact_numbers`` would change (the test for values no
    keyword of the schema looks at)."""
    return exact_numbers(x) is x


class _Compiler:
    """The whole schema as one function of nested `if <x breaks a keyword>: return False` blocks, each property
    read once into a local; a new function only for each branch of anyOf and where the nesting gets deep."""

    MAX_NESTING = 12  # blocks in one function (Python allows 20 loops and 100 indents)
    MAX_NODES = 20_000  # schema nodes compiled: $refs are inlined, and refs of refs could multiply without end

    def __init__(self, root: Any) -> None:
        self.root = root
        self.lines: list[str] = []
        self.names: dict = {
            "Decimal": Decimal,
            "is_multiple": is_multiple,
            "valid_date": _valid_date,
            "exact": _exact,
            "NoneType": type(None),
            "MISSING": object(),
        }
        self.count = self.nodes = 0
        self.expanding: list[str] = []  # the $refs being inlined: one of them again would be recursion

    def build(self) -> Check:
        entry = self.function(self.root)
        namespace = dict(self.names)
        exec(compile("\n".join(self.lines), "<wqpolicy input schema>", "exec"), namespace)  # noqa: S102
        return namespace[entry]

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value: Any) -> str:
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def function(self, schema: Any, known: list[str] | None = None) -> str:
        name = self.fresh("f")
        body = self.emit(schema, "x", 2, known)
        # A test that raises (a remainder of more digits than the context holds, for a value past any bound; a
        # test this module got wrong) is not a yes: jsonschema decides.
        self.lines += [
            f"def {name}(x):",
            "    try:",
            *("        " + line for line in body),
            "    except (ArithmeticError, TypeError):",
            "        return False",
            "    return True",
            "",
        ]
        return name

    def emit(self, schema: Any, x: str, depth: int, known: list[str] | None = None) -> list[str]:
        """Lines that return False when the value in variable ``x`` breaks ``schema`` or is not exact; ``depth``
        counts the blocks around them. ``known``: the JSON types the value is already known to be one of (tested
        by the schema this one is a part of: an `allOf` branch, a `$ref`), or None."""
        self.nodes += 1
        if self.nodes > self.MAX_NODES:
            raise _Declined
        if depth > self.MAX_NESTING:
            return [f"if not {self.function(schema, known)}({x}): return False"]
        if isinstance(schema, bool):
            return [f"if not exact({x}): return False"] if schema else ["return False"]
        if not isinstance(schema, dict) or ("$id" in schema and schema is not self.root):
            raise _Declined  # a nested $id moves the base of $refs
        keys = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}  # x-…: annotations of ours
        if keys == {"$ref"}:
            return self.ref(schema["$ref"], x, depth, known)
        # the type the value has once the lines of the keywords that pin it have run (they run first)
        kinds = known if "type" not in schema and self.pinned(schema) is None else self.pinned(schema)
        kinds = [kinds] if isinstance(kinds, str) else kinds
        lines = []
        if not (keys & {"type", "enum", "const", "$ref"} or schema.get("allOf") or schema.get("anyOf")):
            if not (known and _SCALARS.issuperset(known)):  # a scalar's type test let only exact values by
                lines.append(f"if not exact({x}): return False")  # nothing here pins the type: a float could pass
        elif kinds is not None and not isinstance(kinds, list):
            raise _Declined
        # The type first, then what pins it (a $ref, an enum or const): the checks after them may then skip testing
        # it again (all are tests of one conjunction, so their order does not change the answer).
        for k in sorted(keys, key=lambda k: (k != "type", k not in _PINNING, k)):
            lines += self.keyword(k, schema[k], schema, x, kinds, depth)
        return _once(lines)

    def keyword(  # noqa: C901 - one branch per keyword reads best
        self, k: str, v: Any, schema: dict, x: str, kinds: list[str] | None, depth: int
    ) -> list[str]:
        def only(kind: str) -> bool:
            return kinds == [kind]

        def when(kind: str, body: list[str]) -> list[str]:
            """``body`` applies to values of one JSON type: guarded by a type test unless the type is known (and
            left out when the value is known to be of other types)."""
            if kinds is not None and kind not in kinds:
                return []
            if only(kind) or not body:
                return body
            return [f"if type({x}) is {_PY[kind]}:", *("    " + line for line in body)]

        if k == "type":
            if kinds is None or not all(t in _TYPE_TEST for t in kinds):  # (a list here: `type` is given)
                raise _Declined
            test = " or ".join(_TYPE_TEST[t].format(x=x) for t in kinds)
            lines = [f"if not ({test}): return False"]
            for kind in ("object", "array"):  # a container whose members no keyword reads: they must be exact
                members = ("properties", "additionalProperties") if kind == "object" else ("items",)
                if kind in kinds and not any(m in schema for m in members):
                    lines += when(kind, [f"if not exact({x}): return False"])
            return lines
        if k == "properties" or (k == "additionalProperties" and "properties" not in schema):
            if "patternProperties" in schema:
                raise _Declined
            return when("object", self.members(schema, x, depth + 1))
        if k == "additionalProperties":
            return []  # with the properties
        if k == "required":
            return when("object", [f"if not {self.const(frozenset(v))} <= {x}.keys(): return False"])
        if k == "items":
            if "prefixItems" in schema:
                raise _Declined
            item = self.fresh("v")
            return when("array", [f"for {item} in {x}:", *("    " + line for line in self.emit(v, item, depth + 2))])
        if k in _SIZE:
            if type(v) is not int:
                raise _Declined  # 1.5 or 2.0: jsonschema's reading of a fraction is its own
            kind, broken = _SIZE[k]
            # Bounds that other tests imply are left out (the tests form one conjunction): the keys a mapping may
            # have, the codes a text may be.
            named = schema.get("properties")
            closed = schema.get("additionalProperties") is False and "patternProperties" not in schema
            if k == "maxProperties" and closed and isinstance(named, dict) and len(named) <= v:
                return []
            longest = self.longest_code(schema) if k == "maxLength" else None
            if longest is not None and longest <= v:
                return []
            return when(kind, [f"if len({x}) {broken} {int(v)}: return False"])
        if k in _COMPARE or k == "multipleOf":
            if type(v) not in (int, Decimal) or not Decimal(v).is_finite():
                raise _Declined
            test = f"{x} {_COMPARE[k]} {self.const(v)}" if k != "multipleOf" else f"is_multiple({x}, {self.const(v)})"
            if k == "multipleOf" and v > 0 and is_multiple(1, v):
                # A whole number is a multiple of a step that divides 1; a Decimal whose quotient by the step fits
                # the context's 28 digits (money below 10**24 in fen) is tested by its remainder, without a call.
                step, fits = self.const(v), 26 + Decimal(v).adjusted()
                test = f"(type({x}) is int or (not {x} % {step} if {x}.adjusted() < {fits} else {test}))"
            if _numbers_only(kinds):
                return [f"if not {test}: return False"]  # the type, checked first, let only int and Decimal by
            # numeric keywords ignore what is not a number; anything else numeric (a float) is in doubt
            number = _TYPE_TEST["number"].format(x=x)
            return [
                f"if type({x}) not in (str, dict, list, bool, NoneType):",
                f"    if not ({number} and {test}): return False",
            ]
        if k in ("enum", "const"):
            options = list(v) if k == "enum" else [v]
            if not all(o is None or type(o) in (str, int) for o in options):
                raise _Declined
            if all(type(o) is str for o in options):  # codes: a text among them (1 or true never equals one)
                texts = self.const(frozenset(options))
                return [
                    f"if {x} not in {texts}: return False"
                    if only("string")
                    else f"if type({x}) is not str or {x} not in {texts}: return False"
                ]
            keyed = self.const(frozenset((type(o), o) for o in options))
            return [f"if type({x}) not in (str, int, NoneType) or (type({x}), {x}) not in {keyed}: return False"]
        if k == "pattern":
            return when("string", [f"if {self.const(re.compile(v))}.search({x}) is None: return False"])
        if k == "format":
            if v != "date":
                raise _Declined
            return when("string", [f"if not valid_date({x}): return False"])
        if k == "$ref":
            return self.ref(v, x, depth, kinds)
        if k == "allOf":
            return [line for s in v for line in self.emit(s, x, depth, kinds)]
        if k == "anyOf":
            return [f"if not ({' or '.join(f'{self.function(s)}({x})' for s in v)}): return False"]
        # oneOf and not would need "certainly invalid", which this module never knows; the rest is unknown
        raise _Declined

    def members(self, schema: dict, x: str, depth: int) -> list[str]:
        """An object's properties, each read once; the keys it may not have; the values of the others."""
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        known = self.const(frozenset(props))
        lines = [f"if not {x}.keys() <= {known}: return False"] if extra is False else []
        for name, sub in props.items():
            v = self.fresh("v")
            lines += [
                f"{v} = {x}.get({name!r}, MISSING)",
                f"if {v} is not MISSING:",
                *("    " + line for line in self.emit(sub, v, depth + 1)),
            ]
        if extra is not False:
            k, v = self.fresh("k"), self.fresh("v")
            rest = self.emit(extra, v, depth + 2)
            lines += [
                f"for {k}, {v} in {x}.items():",
                f"    if {k} not in {known}:",
                *("        " + line for line in rest),
            ]
        return lines

    def pinned(self, schema: dict, seen: tuple = ()) -> Any:
        """The type ``schema`` lets by, as far as its `type` says, or an `enum` or `const` of texts, or the
        schema its `$ref` points at (followed while it stays in this document); else None."""
        if "type" in schema:
            return schema["type"]
        if _codes(schema):
            return "string"
        target = self.target(schema, seen)
        return self.pinned(target, seen + (schema["$ref"],)) if target is not None else None

    def longest_code(self, schema: dict, seen: tuple = ()) -> int | None:
        """The length of the longest text ``schema``'s `enum` or `const` of texts lets by (that of the schema its
        `$ref` points at, as in ``pinned``), or None when it is no such list."""
        if _codes(schema):
            return max(len(o) for o in (schema["enum"] if "enum" in schema else [schema["const"]]))
        target = self.target(schema, seen)
        return self.longest_code(target, seen + (schema["$ref"],)) if target is not None else None

    def target(self, schema: dict, seen: tuple) -> dict | None:
        """The schema ``schema``'s `$ref` points at in this document, unless it was followed already."""
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/") or "%" in ref or ref in seen:
            return None
        target: Any = self.root
        for part in ref[2:].split("/"):
            if not isinstance(target, dict):
                return None
            target = target.get(part.replace("~1", "/").replace("~0", "~"))
        return target if isinstance(target, dict) else None

    def ref(self, ref: str, x: str, depth: int, known: list[str] | None = None) -> list[str]:
        if not ref.startswith("#/") or "%" in ref or ref in self.expanding:  # %-escapes: jsonschema's to decode
            raise _Declined  # elsewhere, or recursion
        target = self.root
        try:
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, TypeError, IndexError):
            raise _Declined from None
        self.expanding.append(ref)
        try:
            return self.emit(target, x, depth, known)
        finally:
            self.expanding.pop()


def _once(lines: list[str]) -> list[str]:
    """``lines`` without the repeats of a test that returns False at their own level (a bound that a part of the
    schema states again): each is pure, so a second one, reached only when the first passed, passes too."""
    seen: set[str] = set()
    out = []
    for line in lines:
        if not line.startswith(" ") and line.startswith("if ") and line.endswith(": return False"):
            if line in seen:
                continue
            seen.add(line)
        out.append(line)
    return out


def _codes(schema: dict) -> bool:
    """Whether ``schema``'s `enum` or `const` lets only texts by."""
    options = schema["enum"] if "enum" in schema else [schema["const"]] if "const" in schema else None
    return isinstance(options, list) and bool(options) and all(type(o) is str for o in options)
