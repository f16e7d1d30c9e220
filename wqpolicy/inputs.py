"""Input documents: loading them (YAML or JSON, exact numbers), validating them against their decision's
schema with JSON paths and line numbers, and turning date strings into dates."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable
from decimal import Decimal
from math import isfinite
from pathlib import Path
from typing import Any, NoReturn

from . import types as T
from .display import excerpt
from .errors import Diagnostic, WQError, suggest
from .fastschema import Check, compile_check
from .fastyaml import fast_yaml
from .fieldtitles import FieldTitles
from .jsonmarks import JsonMarks
from .jsonmarks import usable as json_lines
from .schemas import error_message, error_message_zh, error_path, inlined, resolver, validator
from .source import Span
from .values import exact_numbers
from .yamlload import (
    MAX_DEPTH,
    MAX_VALUES,
    LazyMarks,
    Marks,
    MarksLike,
    decimal_number,
    load_yaml,
    read_text,
    whole_number,
)


def load_input(
    path: str | Path, text: str | None = None, notes: list[Diagnostic] | None = None, *, as_json: bool = False
) -> tuple[dict, MarksLike]:
    """An input document and its marks. ``text`` given: parse it (for standard input) instead of reading;
    ``notes`` collects warnings about the file (read as GB18030: yamlload.decode_text). ``as_json``: the text must
    be JSON, whatever its name (a line of a .jsonl file), never read as YAML."""
    name = str(path)
    if text is None:
        text = read_text(path, notes=notes)
    doc = _json_document(text, name)
    marks: MarksLike
    if doc is not None:  # what the bureau's systems send: read without marks, found only if an error needs them
        marks = JsonMarks(text, name) if json_lines(text) else LazyMarks(lambda: _marks_of(text, name))
    else:
        if as_json or name.lower().endswith(".json"):
            _json_syntax(text, name)  # not read as YAML, which takes `0x10` for 16 and `yes` for true
        doc = fast_yaml(text)  # libyaml's C parser, no marks: seven times faster on a long document
        if doc is None:  # anything it leaves (an error, an alias, a tag): read with marks, which words it
            doc, marks = load_yaml(text, name, dates=False)
        else:
            marks = LazyMarks(lambda: _marks_of(text, name))
    if not isinstance(doc, dict):
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    "an input document must be a mapping of fields",
                    Span(name, 1, 1),
                    zh="申报材料必须是一组“字段: 值”",
                    hint_zh="每行写一个字段：`字段名: 值`，第一行写 `decision: 决定名称`",
                    hint="write a field on each line, `name: value`, starting with `decision: NAME`",
                )
            ]
        )
    decision = doc.get("decision")
    if decision is not None and not isinstance(decision, str):
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    f"decision: {excerpt(repr(decision))} is not the name of a decision",
                    marks.span(("decision",)),
                    subject="decision",
                    zh=f"decision: {excerpt(str(decision))} 不是决定的名称",
                    hint_zh="写政策中一项决定的名称（`wqpolicy list` 列出各项决定）",
                    hint="write the name of one of the policy's decisions (`wqpolicy list` names them)",
                )
            ]
        )
    return doc, marks


def _json_syntax(text: str, name: str) -> None:
    """Raise the syntax error of a .json file's text, if it has one, where it is; what JSON allows but
    ``_json_document`` leaves to the YAML reader (a duplicate key, NaN, a long number) passes, to be worded there."""
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    f"not valid JSON: {e.msg}",
                    Span(name, e.lineno, e.colno),
                    "a .json file must be JSON (numbers in decimal, text in double quotes)",
                    zh=f"不是有效的 JSON（{e.msg}）",
                    hint_zh=".json 文件必须是 JSON 格式（数字用十进制书写，文字用双引号）",
                )
            ]
        ) from None
    except (ValueError, RecursionError):
        pass


def _marks_of(text: str, name: str) -> Marks:
    """The marks of a JSON document ``_json_document`` read; none (errors then at line 1) in the rare case that the
    YAML reader refuses what JSON allows (a key over 1,024 characters)."""
    try:
        return load_yaml(text, name, dates=False)[1]
    except WQError:
        return Marks()


def _json_document(text: str, name: str = "") -> dict | None:
    """``text`` read as one JSON object, to the same values ``load_yaml`` gives (exact Decimals, ints, no dates),
    when it is one that ``load_yaml`` accepts as it is; None for anything else — not JSON, not an object, a
    duplicate key, NaN, a number too long, nesting near the limit — which ``load_yaml`` then reads and words."""
    if not text.lstrip().startswith("{"):
        return None
    # What the text itself proves, looked at in C, spares the walks below (a line of JSON lines, the usual document
    # of a batch): no escape and only printable characters (so no text YAML refuses: printable excludes controls,
    # line separators, surrogates and non-characters), fewer brackets than the depth limit, fewer characters than
    # the count limit.
    plain_text = (
        len(text) <= MAX_VALUES
        and "\\" not in text
        and text.strip().isprintable()
        and text.count("{") + text.count("[") < MAX_DEPTH - 2
    )
    try:
        doc = _READER.decode(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as are the hooks' refusals
        return None
    if plain_text:
        return doc if isinstance(doc, dict) else None
    if isinstance(doc, dict) and _count(doc) > MAX_VALUES:  # said here: read again as YAML, it would take 1 GB
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    f"more than {MAX_VALUES:,} values in one document",
                    Span(name, 1, 1),
                    "an engine limit, far above what an application holds: check what produced it",
                    zh=f"一份文件中的值超过 {MAX_VALUES:,} 个",
                    hint_zh="这是引擎的限制，远超一份申请所需：请检查生成该文件的程序",
                )
            ]
        )
    return doc if isinstance(doc, dict) and _plain(doc) else None


def _refuse(raw: str) -> NoReturn:
    raise ValueError(raw)  # NaN, Infinity: load_yaml says why they are not allowed


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")  # load_yaml says which, and where
    return out


# The reader of JSON text, made once (json.loads makes one for each call): each number read by the YAML reader's own
# functions, which refuse one of too many digits or too large an exponent.
_READER = json.JSONDecoder(
    parse_float=decimal_number, parse_int=whole_number, parse_constant=_refuse, object_pairs_hook=_unique_keys
)


def _count(value: Any) -> int:
    """The values ``value`` holds, itself included, counted without recursion."""
    count, stack = 0, [value]
    while stack:
        v = stack.pop()
        count += 1
        if isinstance(v, dict):
            stack += v.values()
        elif isinstance(v, list):
            stack += v
    return count


# What YAML reads as it is (its printable set, less the line breaks NEL, LS and PS, which it folds): a string
# with anything else, which JSON escapes allow (a lone surrogate, a control character), is left to load_yaml.
_NOT_YAML_TEXT = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _plain(value: Any) -> bool:
    """Whether ``value`` nests less deeply than load_yaml allows and holds only text YAML allows."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d >= MAX_DEPTH - 1:
            return False
        if isinstance(v, dict):
            if any(_NOT_YAML_TEXT.search(k) for k in v):
                return False
            stack += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            stack += [(x, d + 1) for x in v]
        elif isinstance(v, str) and _NOT_YAML_TEXT.search(v):
            return False
    return True


_JSON_LEAVES = (str, int, float, Decimal, bool, type(None), datetime.date)


def not_json(doc: Any, file: str | None = None) -> Diagnostic | None:
    """What makes a document given through the API no JSON document, if anything: a key that is not text (YAML
    reads `1: x` with the key 1), a value of no JSON kind (a set, bytes, a complex number, an object), or nesting
    past the limit, which a document that holds itself reaches too. Looked at without recursion."""
    stack = [(doc, "", 1)]
    while stack:
        v, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            problem = f"nested more than {MAX_DEPTH} deep (a document that holds itself is, without end)"
            problem_zh = f"嵌套超过 {MAX_DEPTH} 层（包含自身的文件会无限嵌套）"
        elif isinstance(v, dict):  # an OrderedDict, a CommentedMap: mappings too
            bad = next((k for k in v if type(k) is not str), _UNBUILT)
            if bad is _UNBUILT:
                stack += [(x, f"{path}.{k}" if path else k, depth + 1) for k, x in v.items()]
                continue
            problem = f"the key {excerpt(repr(bad))} is not text"
            problem_zh = f"键 {excerpt(repr(bad))} 不是文字"
        elif isinstance(v, list):
            stack += [(x, f"{path}[{i}]", depth + 1) for i, x in enumerate(v)]
            continue
        elif isinstance(v, _JSON_LEAVES):
            continue
        else:
            problem = f"a {type(v).__name__} is no JSON value"
            problem_zh = f"{type(v).__name__} 类型的值不能出现在 JSON 中"
        return Diagnostic(
            "WQ-INPUT",
            f"{excerpt(path, 80) or '(document)'}: {problem}",
            Span(file, 1, 1) if file else None,
            subject=path or None,
            zh=f"{excerpt(path, 80) or '（整份文件）'}：{problem_zh}",
        )
    return None


_UNBUILT = object()

# Errors reported for one input document, at most (an engine setting): 50,000 wrong amounts took minutes to word.
MAX_INPUT_ERRORS = 50


# Bounds on an input document where its schema declares none (engine settings, not numbers of any policy): items
# of a list, characters of a text, fields of a mapping. A schema's own `maxItems`, `maxLength` or `maxProperties`
# replaces them; the checker's cost estimate reads the same bounds (types.ListOf.bound).
MAX_LIST_ITEMS = T.MAX_LIST_ITEMS
MAX_TEXT_CHARS = 1_000
MAX_FIELDS = 1_000
_DEFAULT_BOUNDS = {"maxItems": MAX_LIST_ITEMS, "maxLength": MAX_TEXT_CHARS, "maxProperties": MAX_FIELDS}

# Keywords whose schemas a bound may be added to without changing what else the schema means: not `not`, `if`
# or `contains`, where a stricter schema would let more through.
_BOUNDED_ONE = ("additionalProperties", "items", "then", "else", "unevaluatedItems", "unevaluatedProperties")
_BOUNDED_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_BOUNDED_NAMED = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def bounded(schema: Any) -> Any:
    """A copy of ``schema`` in which every schema a value is checked against limits its lists, texts and
    mappings: by its own `maxItems`, `maxLength`, `maxProperties`, or by the defaults above. A schema that is only
    a `$ref` is left as it is (what it points at is bounded)."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if set(out) - {"$ref", "$comment", "description", "title"} or "$ref" not in out:
        for k, v in _DEFAULT_BOUNDS.items():
            out.setdefault(k, v)
    for k in _BOUNDED_ONE:
        if isinstance(out.get(k), dict):
            out[k] = bounded(out[k])
    for k in _BOUNDED_MANY:
        if isinstance(out.get(k), list):
            out[k] = [bounded(x) for x in out[k]]
    for k in _BOUNDED_NAMED:
        if isinstance(out.get(k), dict):
            out[k] = {n: bounded(x) for n, x in out[k].items()}
    return out


class InputSchema:
    """One decision's input schema, compiled once. ``resources``: the schema files its `$ref`s name, by URI
    (schema_files.SchemaFile.resources); nothing else is looked up."""

    def __init__(self, schema: dict, path: str, resources: dict | None = None) -> None:
        schema = bounded(schema)
        resources = {uri: bounded(x) for uri, x in (resources or {}).items()}
        self.path = path
        self.validator = validator(inlined(schema), resources=resources)
        self._schema = schema
        self._check: Check | None = None
        self._built = False
        self._titles: FieldTitles | None = None
        self.type = T.from_schema(schema, resolver(schema, resources=resources))
        self._convert = _date_converter(self.type)
        self._exact = _number_reader(self.type)

    @property
    def certainly_valid(self) -> Check | None:
        """The fast yes for the usual, valid document (fastschema), compiled on the first document, not at load:
        loading and checking a policy need none; None when the schema is beyond it."""
        if not self._built:
            self._check, self._built = compile_check(self._schema), True
        return self._check

    @property
    def record(self) -> T.Record:
        """The type of the documents the schema admits, as the checker reads fields from it: a schema of no object
        (of any value) lets any field be there."""
        return self.type if isinstance(self.type, T.Record) else T.Record((), True)

    def errors(self, doc: Any, marks: MarksLike | None = None, file: str | None = None) -> list[Diagnostic]:
        """Every schema violation, as `investment[2].amount: -5 is less than the minimum of 0`."""
        problem = not_json(doc, file)
        return [problem] if problem else self._errors(exact_numbers(doc), marks, file)

    def validated(self, doc: Any, marks: MarksLike | None = None, file: str | None = None) -> dict:
        """``prepare(doc)`` once the document passes its schema; WQError with every violation if it does not."""
        check = self.certainly_valid
        if check is None or not check(doc):  # its yes: valid, and already exact
            if check is not None and self._exact is not None:
                # A document with floats (json.load's): read exactly where the schema has numbers, and checked
                # again; its yes (no float left anywhere) means that what was read is what exact_numbers gives.
                try:
                    exact = self._exact(doc)
                except RecursionError:  # a document that holds itself: found out below
                    exact = doc
                if exact is not doc and check(exact):
                    return self._convert(exact) if self._convert else exact
            try:
                exact = exact_numbers(doc)
            except RecursionError:  # a document that holds itself: not_json says so below
                exact = None
            if check is not None and exact is not None and exact is not doc and check(exact):
                return self._convert(exact) if self._convert else exact  # floats (json.load's), valid read exactly
            problem = not_json(doc, file)
            if problem:
                raise WQError([problem])
            doc = exact if exact is not None else exact_numbers(doc)
            problems = self._errors(doc, marks, file)
            if problems:
                raise WQError(problems)
        return self._convert(doc) if self._convert else doc

    def _errors(self, doc: Any, marks: MarksLike | None, file: str | None) -> list[Diagnostic]:
        if self.certainly_valid is not None and self.certainly_valid(doc):
            return []
        out = []
        if marks is not None and not hasattr(marks, "schema_span"):
            raise TypeError(f"marks must be the marks load_input gives, not {type(marks).__name__}")
        for e in itertools.islice(self.validator.iter_errors(doc), MAX_INPUT_ERRORS + 1):
            span = marks.schema_span(e) if marks is not None else None
            if span is None and file:
                span = Span(file, 1, 1)
            path = error_path(e)
            out.append(self._diagnostic(e, span, None if path == "(document)" else path))
        if len(out) > MAX_INPUT_ERRORS:  # a document wrong throughout: the first errors say what to mend
            out = sorted(out[:MAX_INPUT_ERRORS])
            last = out[-1].span  # the line saying so placed just after the last error shown, to be read after it
            after = Span(last.file, last.line, last.col + 1) if last is not None else None
            return out + [
                Diagnostic(
                    "WQ-INPUT",
                    f"more errors not shown: the first {MAX_INPUT_ERRORS} are above",
                    after,
                    "correct them and run again",
                    zh=f"还有更多错误未列出：上面是前 {MAX_INPUT_ERRORS} 个",
                    hint_zh="改正后再运行一次",
                )
            ]
        return sorted(out)

    def _diagnostic(self, e, span: Span | None, subject: str | None) -> Diagnostic:
        """WQ-INPUT for one schema error: English, and Chinese naming the field by its title (`年度考核结果
        result: “合格”不是允许的值；应为 qualified（合格）或 unqualified（不合格）`); an unknown field with the
        closest allowed name."""
        if self._titles is None:
            self._titles = FieldTitles(self._schema)
        hint = None
        if e.validator == "additionalProperties" and isinstance(e.instance, dict):
            allowed = e.schema.get("properties", {})
            extra = [k for k in e.instance if k not in allowed]
            hint = suggest(str(extra[0]), map(str, allowed)) if len(extra) == 1 else None
        return Diagnostic(
            "WQ-INPUT",
            error_message(e),
            span,
            hint[0] if hint else None,
            subject=subject,
            zh=error_message_zh(e, self._titles),
            hint_zh=hint[1] if hint else None,
        )

    def prepare(self, doc: dict) -> dict:
        """The document with date strings turned into dates and floats into Decimals (a copy where anything
        changes)."""
        doc = exact_numbers(doc)
        return self._convert(doc) if self._convert else doc


def _number_reader(t: T.Type | None) -> Callable[[Any], Any] | None:
    """A function giving the document with the floats at the places ``t`` says are numbers as exact_numbers reads
    them (a copy where anything changes), whatever lies elsewhere left as it is; None when ``t`` has no number.
    Where ``t`` says nothing (any value, a mapping), the value there is read by exact_numbers whole."""
    if t == T.NUMBER:

        def number(v: Any) -> Any:
            return exact_numbers(v) if type(v) is float else v

        return number
    if isinstance(t, T.ListOf):
        inner = _number_reader(t.item)
        if inner is None:
            return None
        row = t.item
        if (
            isinstance(row, T.Record)
            and not row.open
            and all(ft == T.NUMBER or _number_reader(ft) is None for _, ft in row.fields)
        ):
            return _rows_reader(tuple(n for n, ft in row.fields if ft == T.NUMBER))

        def items(v: Any) -> Any:
            if type(v) is not list:
                return v
            out = v
            for i, x in enumerate(v):
                new = inner(x)
                if new is not x:
                    if out is v:
                        out = list(v)
                    out[i] = new
            return out

        return items
    if isinstance(t, T.Record) and not t.open:
        numbers = tuple(n for n, ft in t.fields if ft == T.NUMBER)  # read here, without a call each
        readers = tuple((n, r) for n, ft in t.fields if ft != T.NUMBER and (r := _number_reader(ft)) is not None)
        if not readers and not numbers:
            return None

        def record(v: Any) -> Any:
            if type(v) is not dict:
                return v
            out = v  # copied only when a field changes
            for n in numbers:
                if type(x := v.get(n)) is float:
                    if out is v:
                        out = dict(v)
                    out[n] = Decimal(repr(x)) if isfinite(x) else exact_numbers(x)  # exact_numbers' reading
            for n, r in readers:
                if n in v:
                    x = v[n]
                    new = r(x)
                    if new is not x:
                        if out is v:
                            out = dict(v)
                        out[n] = new
            return out

        return record
    if t in (T.BOOL, T.STRING, T.DATE):
        return None
    return exact_numbers  # any value, an open record, a mapping: every float in it


def _rows_reader(numbers: tuple[str, ...]) -> Callable[[Any], Any]:
    """The reader of a list of records whose only numbers are their fields ``numbers`` (investment lines, finance
    years): what ``_number_reader`` gives it, each record read in the loop rather than by a call each."""

    def rows(v: Any) -> Any:
        if type(v) is not list:
            return v
        out = v
        for i, row in enumerate(v):
            if type(row) is not dict:
                continue
            new = row
            for n in numbers:
                if type(x := row.get(n)) is float:
                    if new is row:
                        new = dict(row)
                    new[n] = Decimal(repr(x)) if isfinite(x) else exact_numbers(x)
            if new is not row:
                if out is v:
                    out = list(v)
                out[i] = new
        return out

    return rows


def _date_converter(t: T.Type | None) -> Callable[[Any], Any] | None:
    """A function converting date strings at the places ``t`` says are dates, or None if there are none."""
    if t == T.DATE:

        def conv(v: Any) -> Any:
            if isinstance(v, str):
                try:
                    return datetime.date.fromisoformat(v)
                except ValueError:
                    return v
            return v

        return conv
    if isinstance(t, T.ListOf):
        inner = _date_converter(t.item)
        if inner is None:
            return None
        return lambda v: [inner(x) for x in v] if isinstance(v, list) else v
    if isinstance(t, T.Record):
        convs = {n: c for n, ft in t.fields if (c := _date_converter(ft)) is not None}
        if not convs:
            return None

        def record(v: Any) -> Any:
            if not isinstance(v, dict):
                return v
            out = v  # copied only when a field changes: a document without dates comes back as it went in
            for n, c in convs.items():
                if n in v:
                    new = c(v[n])
                    if new is not v[n]:
                        if out is v:
                            out = dict(v)
                        out[n] = new
            return out

        return record
    return None
