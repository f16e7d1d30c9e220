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
from decimal import Decimal
from typing import Callable

from .values import is_multiple

Check = Callable[[object], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
                          "examples", "enumDescriptions", "markdownDescription", "deprecated", "readOnly",
                          "writeOnly"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TYPE_TEST = {
    "object": "type(x) is dict", "array": "type(x) is list", "string": "type(x) is str",
    "boolean": "type(x) is bool", "integer": "type(x) is int", "null": "x is None",
    "number": "(type(x) is int or (type(x) is Decimal and x.is_finite()))",
}
_COMPARE = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
_SIZE = {"minItems": ("list", "<"), "maxItems": ("list", ">"), "minLength": ("str", "<"),
         "maxLength": ("str", ">"), "minProperties": ("dict", "<"), "maxProperties": ("dict", ">")}


def _numbers_only(declared) -> bool:
    """Whether a ``type`` keyword lets only numbers by (its test: an int, or a finite Decimal)."""
    kinds = [declared] if isinstance(declared, str) else declared
    return isinstance(kinds, list) and bool(kinds) and all(t in ("number", "integer") for t in kinds)


class _Declined(Exception):
    """The schema uses something this module does not handle."""


def compile_check(schema) -> Check | None:
    """``check(document)`` True only for documents valid against ``schema`` (numbers as int or Decimal, as
    ``inputs.exact_numbers`` leaves them); None when the schema is beyond this module (use jsonschema)."""
    try:
        return _Compiler(schema).build()
    except _Declined:
        return None


def _valid_date(s: str) -> bool:
    if not _DATE.fullmatch(s):
        return False
    try:
        datetime.date.fromisoformat(s)
    except ValueError:
        return False
    return True


class _Compiler:
    """One function ``n<i>(x)`` per schema node, each a list of `if <x breaks a keyword>: return False`."""

    def __init__(self, root):
        self.root = root
        self.lines = ["def _true(x):", "    return True", "def _false(x):", "    return False", ""]
        self.names: dict = {"Decimal": Decimal, "is_multiple": is_multiple, "valid_date": _valid_date,
                            "NoneType": type(None)}
        self.functions: list[str] = []  # constants mapping property names to function names
        self.refs: dict[str, str | None] = {}
        self.count = 0

    def build(self) -> Check:
        entry = self.node(self.root)
        namespace = dict(self.names)
        exec(compile("\n".join(self.lines), "<wqpolicy input schema>", "exec"), namespace)  # noqa: S102
        for const in self.functions:
            namespace[const] = {k: namespace[f] for k, f in namespace[const].items()}
        return namespace[entry]

    def const(self, value) -> str:
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def node(self, schema) -> str:
        """The name of the function checking ``schema``."""
        if isinstance(schema, bool):
            return "_true" if schema else "_false"
        if not isinstance(schema, dict) or ("$id" in schema and schema is not self.root):
            raise _Declined  # a nested $id moves the base of $refs
        keys = set(schema) - _ANNOTATIONS
        if keys == {"$ref"}:
            return self.ref(schema["$ref"])
        name = f"n{self.count}"
        self.count += 1
        # The type first: the checks after it may then skip testing it again (all are tests of one conjunction,
        # so their order does not change the answer).
        order = sorted(keys, key=lambda k: (k != "type", k))
        body = [line for k in order for line in self.keyword(k, schema[k], schema)]
        self.lines += [f"def {name}(x):", *("    " + line for line in body), "    return True", ""]
        return name

    def keyword(self, k: str, v, schema: dict) -> list[str]:  # noqa: C901 - one branch per keyword reads best
        if k == "type":
            kinds = [v] if isinstance(v, str) else list(v)
            if not all(t in _TYPE_TEST for t in kinds):
                raise _Declined
            return [f"if not ({' or '.join(_TYPE_TEST[t] for t in kinds)}): return False"]
        if k == "properties":
            if "patternProperties" in schema:
                raise _Declined
            props = self.const({n: self.node(sub) for n, sub in v.items()})
            self.functions.append(props)  # names now, the functions once they exist
            extra = schema.get("additionalProperties", True)
            other = None if isinstance(extra, bool) else self.node(extra)
            return ["if type(x) is dict:",
                    "    for k, v in x.items():",
                    f"        f = {props}.get(k)",
                    "        if f is not None:",
                    "            if not f(v): return False",
                    *([f"        elif not {other}(v): return False"] if other else [])]
        if k == "additionalProperties":
            if "patternProperties" in schema:
                raise _Declined
            known = self.const(frozenset(schema.get("properties", {})))
            if v is False:
                return [f"if type(x) is dict and not x.keys() <= {known}: return False"]
            if "properties" in schema or v is True:
                return []  # checked with the properties
            other = self.node(v)
            return ["if type(x) is dict:", "    for v in x.values():", f"        if not {other}(v): return False"]
        if k == "required":
            return [f"if type(x) is dict and not {self.const(frozenset(v))} <= x.keys(): return False"]
        if k == "items":
            if "prefixItems" in schema:
                raise _Declined
            item = self.node(v)
            return ["if type(x) is list:", "    for v in x:", f"        if not {item}(v): return False"]
        if k in _SIZE:
            kind, broken = _SIZE[k]
            return [f"if type(x) is {kind} and len(x) {broken} {int(v)}: return False"]
        if k in _COMPARE or k == "multipleOf":
            if type(v) not in (int, Decimal) or not Decimal(v).is_finite():
                raise _Declined
            test = f"x {_COMPARE[k]} {self.const(v)}" if k != "multipleOf" else f"is_multiple(x, {self.const(v)})"
            if k == "multipleOf" and v > 0 and is_multiple(1, v):
                test = f"(type(x) is int or {test})"  # a whole number is a multiple of a step that divides 1
            if _numbers_only(schema.get("type")):
                return [f"if not {test}: return False"]  # the type, checked first, let only int and Decimal by
            # numeric keywords ignore what is not a number; anything else numeric (a float) is in doubt
            return ["if type(x) not in (str, dict, list, bool, NoneType):",
                    f"    if not ({_TYPE_TEST['number']} and {test}): return False"]
        if k in ("enum", "const"):
            options = list(v) if k == "enum" else [v]
            if not all(o is None or type(o) in (str, int) for o in options):
                raise _Declined
            keyed = self.const(frozenset((type(o), o) for o in options))
            return [f"if type(x) not in (str, int, NoneType) or (type(x), x) not in {keyed}: return False"]
        if k == "pattern":
            return [f"if type(x) is str and {self.const(re.compile(v))}.search(x) is None: return False"]
        if k == "format":
            if v != "date":
                raise _Declined
            return ["if type(x) is str and not valid_date(x): return False"]
        if k == "$ref":
            return [f"if not {self.ref(v)}(x): return False"]
        if k == "allOf":
            return [f"if not {self.node(s)}(x): return False" for s in v]
        if k == "anyOf":
            return [f"if not ({' or '.join(f'{self.node(s)}(x)' for s in v)}): return False"]
        # oneOf and not would need "certainly invalid", which this module never knows; the rest is unknown
        raise _Declined

    def ref(self, ref: str) -> str:
        if not ref.startswith("#/"):
            raise _Declined
        if ref not in self.refs:
            target = self.root
            try:
                for part in ref[2:].split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
            except (KeyError, TypeError):
                raise _Declined from None
            self.refs[ref] = None  # while compiling: a reference back to here is recursion, declined
            self.refs[ref] = self.node(target)
        if self.refs[ref] is None:
            raise _Declined
        return self.refs[ref]
