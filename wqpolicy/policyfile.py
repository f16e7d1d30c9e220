"""A resolved policy document (YAML, ``extends`` applied) -> validated ``PolicyVersion``.

Builds the model, parsing each expression once, and runs the load-time checks that need no types:
the policy schema, expression syntax, the shape of parameter values, duplicate names, clause ids and the clause map.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path, PurePosixPath

from . import ast, parser
from .checker import reads
from .display import fill
from .errors import TYPO, Diagnostic, WQError, did_you_mean
from .model import Decision, Definition, Each, Expr, OutcomeStep, Output, Parameter, PolicyVersion, Rule, Text
from .parameter_values import joined_items, value_problems
from .schemas import data_dir, error_message, error_path, load_schema, validator
from .source import Span
from .syntax_errors import grouped_number, without_separators
from .values import is_number
from .yamlload import FULL_WIDTH_COLON, Marks, read_text

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CLAUSE_TAG = re.compile(r"\*\*\[([0-9]+(?:\.[0-9]+)*)\]\*\*\s*(.*)")


def policy_schema_errors(doc, marks: Marks) -> list[Diagnostic]:
    """The policy document against schemas/policy.schema.json, one diagnostic per problem: a slip that causes
    several schema errors (a full-width colon, a dedented line) is one diagnostic, at the slip."""
    schema_dir = data_dir("schemas")
    schema = load_schema(str(schema_dir / "policy.schema.json"))
    v = validator(schema, str(schema_dir))
    errors = [_deepest(e) for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    slips = [_full_width_colon(e, marks) or _split_number(e, marks) or _dedented(e, doc, marks, schema)
             for e in errors]
    out: list[Diagnostic] = []
    covered = [path for slip in slips if slip for path in slip[1]]
    for e, slip in zip(errors, slips):
        if slip is not None:
            out += [slip[0]] if slip[0] not in out else []
        elif not any(tuple(e.absolute_path)[:len(c)] == c for c in covered):
            message, hint = _schema_message(e, marks, "extends" in doc)
            out.append(Diagnostic("WQ-SCHEMA", message, marks.schema_span(e), hint))
    return out + _joined_edits(doc, marks)


def _deepest(error):
    # oneOf/anyOf errors: the sub-error that got furthest says the most; at equal depth, one from a branch of the
    # value's own type (a misspelt key of a mapping, not "the mapping is not text").
    while error.context:
        error = max(error.context, key=lambda c: (len(c.absolute_path), c.validator != "type"))
    return error


def _schema_message(error, marks: Marks, revision: bool) -> tuple[str, str | None]:
    """What a schema error means to whoever edits the file, and what to write instead (or None)."""
    where, value, path = error_path(error), error.instance, tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(value, dict):
        allowed = error.schema.get("properties", {})
        extra = next((k for k in value if k not in allowed), None)
        return error_message(error), did_you_mean(str(extra), allowed) if extra is not None else None
    if error.validator == "enum" and isinstance(value, str):
        return error_message(error), did_you_mean(value, [str(x) for x in error.validator_value])
    if error.validator == "format" and error.validator_value == "date":
        return f"{where}: `{value}` is not a date", "write the date as YYYY-MM-DD, e.g. 2021-01-01"
    if error.validator == "type" and value is None:
        return f"{where} is empty", "write a value after the colon, or remove the line"
    if error.validator == "type" and error.validator_value == "array" and isinstance(value, str):
        return f"{where}: `{value}` is text, but a list is required", f"write it in brackets: [{value}]"
    if error.validator == "type" and "string" in _wanted(error) and is_number(value):
        written = _written(marks, path) or str(value)
        key = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
        return f"{where}: `{written}` is read as a number, but text is required", \
            f'put it in quotes: `{key}"{written}"`'
    if error.validator == "type" and error.validator_value == "object" and len(path) == 2 \
            and path[0] == "parameters":
        written, clause = _written(marks, path), "" if revision else ', clause: "…"'
        return f"{where}: a parameter's value is written after `value:`", \
            f"write `{path[1]}: {{value: {written}{clause}}}`" if written else \
            f"write `value:` on the line below `{path[1]}:`, indented, and indent the value under it"
    if error.validator == "required" and isinstance(value, dict):
        missing = next((k for k in error.validator_value if k not in value), None)
        if missing is not None:
            return f"{where} lacks `{missing}`", f"add `{missing}: …`"
    return error_message(error), None


def _wanted(error) -> list:
    return error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]


def _written(marks: Marks, path: tuple) -> str | None:
    """A scalar as the file writes it (`6.10`, not 6.1), when it is on one line."""
    mark = marks.get(tuple(path))
    written = mark.text[mark.start:mark.end] if mark else ""
    return written if written and "\n" not in written and len(written) <= 60 else None


def _full_width_colon(error, marks: Marks):
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
    return Diagnostic("WQ-YAML", FULL_WIDTH_COLON, span), [holder + (key,)]


def _split_number(error, marks: Marks):
    """`{value: 1,500万元}`: inside `{…}` the comma ends the value, leaving `value: 1` and a key `500万元`."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return None
    path = tuple(error.absolute_path)
    extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
    found = [grouped_number(m.text, m.start - 1) if m and error.instance[k] is None and m.start else None
             for k, m in ((k, marks.get(("<key>",) + path + (k,))) for k in extras)]
    if not found or None in found:
        return None
    mark = marks.get(("<key>",) + path + (extras[0],))
    comma = mark.text.rindex(",", 0, mark.start)
    line, col = mark.text.count("\n", 0, comma) + 1, comma - mark.text.rfind("\n", 0, comma)
    first = mark.text[comma - len(found[0].split(",")[0]):comma]
    return Diagnostic("WQ-SCHEMA", without_separators(found[0]), Span(mark.file, line, col),
                      f"inside `{{…}}` a comma ends a value: this was read as `{first}` and a field `{extras[0]}`"), \
        [path]


def _dedented(error, doc, marks: Marks, root: dict):
    """A line indented less than the item it belongs to: `value:` level with its parameter's name, a parameter
    level with `parameters:`, a rule level with `rules:`. It is read as an entry of the mapping above, where it
    is unknown or of the wrong shape; it belongs under the entry before it."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
        if len(extras) != 1:
            return None
        holder, key = path, extras[0]
    elif path and isinstance(path[-1], str) and path[-1] not in (_schema_at(root, path[:-1]) or {}).get(
            "properties", {}):
        holder, key = path[:-1], path[-1]
    else:
        return None
    mapping = _value_at(doc, holder)
    names = list(mapping) if isinstance(mapping, dict) else []
    before = names[:names.index(key)] if key in names else []
    owner = next((k for k in reversed(before) if mapping[k] is None or isinstance(mapping[k], dict)), None)
    if owner is None or not all(_belongs(root, holder + (owner,), mapping[owner], k, mapping[k])
                                for k in names[names.index(owner) + 1:names.index(key) + 1]):
        return None
    at, above = marks.get(("<key>",) + holder + (key,)), marks.get(("<key>",) + holder + (owner,))
    if at is None or above is None or at.line == above.line or at.text[at.start - at.col:at.start].strip() \
            or at.col > above.col:
        return None
    entries = mapping[owner] and marks.get(("<key>",) + holder + (owner, next(iter(mapping[owner]))))
    spaces = entries.col if entries and entries.line > above.line else above.col + 2
    return Diagnostic("WQ-SCHEMA", f"`{key}:` is indented less than the item it belongs to", at.span(),
                      f"indent it under `{owner}:` (line {above.line + 1}), with {spaces} spaces before it"), \
        [holder + (key,), holder + (owner,)] if mapping[owner] is None else [holder + (key,)]


def _belongs(root: dict, owner_path: tuple, owner, key, value) -> bool:
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


def _resolved(root: dict, node):
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        node = root.get("$defs", {}).get(node["$ref"][len("#/$defs/"):])
    if isinstance(node, dict) and ("oneOf" in node or "anyOf" in node):  # a definition: text, or a mapping
        branches = [_resolved(root, b) for b in node.get("oneOf", node.get("anyOf"))]
        node = next((b for b in branches if isinstance(b, dict) and "properties" in b), node)
    return node


def _value_at(doc, path: tuple):
    for key in path:
        if isinstance(doc, dict):
            doc = doc.get(key)
        else:
            doc = doc[key] if isinstance(doc, list) and isinstance(key, int) and key < len(doc) else None
    return doc


def _joined_edits(doc, marks: Marks) -> list[Diagnostic]:
    """Codes joined by a Chinese comma in a revision's `remove: […]` or `add: […]` (`[design，installation]`): one
    item, which `remove` would not find and `add` would add as a new code."""
    out = []
    for name, entry in (doc.get("parameters") or {}).items() if isinstance(doc.get("parameters"), dict) else ():
        for edit in ("remove", "add"):
            items = entry.get(edit) if isinstance(entry, dict) else None
            for p in joined_items(items, edit) if isinstance(items, list) else ():
                if p.severity == "error":
                    out.append(Diagnostic(p.code, f"parameter `{name}`: {p.message}",
                                          marks.span(("parameters", name, edit) + p.at), p.hint))
    return out


def clauses_of(document: Path) -> dict[str, str]:
    """Clause id -> text, from a Markdown source whose paragraphs are tagged **[id]**."""
    out = {}
    for line in read_text(document).splitlines():
        m = _CLAUSE_TAG.search(line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


class Builder:
    """Builds one PolicyVersion from its resolved document, collecting diagnostics."""

    def __init__(self, doc: dict, marks: Marks, file: str, directory: Path):
        self.doc, self.marks, self.file, self.dir = doc, marks, file, directory
        self.diagnostics: list[Diagnostic] = []

    def build(self) -> PolicyVersion:
        d = self.doc
        clauses = self._clauses()
        params = {n: self._parameter(n, p) for n, p in (d.get("parameters") or {}).items()}
        self._params = params
        defs = {n: self._definition(("definitions", n), n, x) for n, x in (d.get("definitions") or {}).items()}
        decisions = {}
        for name, raw in (d.get("decisions") or {}).items():
            decisions[name] = self._decision(name, raw)
        for name, raw in (d.get("decisions") or {}).items():
            for other in raw.get("rules_from") or []:
                if other not in decisions:
                    self._error("WQ-NAME", f"`rules_from` names no decision `{other}`",
                                ("decisions", name, "rules_from"))
                else:
                    decisions[name].rules[:0] = decisions[other].rules
        policy = PolicyVersion(
            id=d["id"], version=str(d["version"]), title=_text(d.get("title")),
            effective_from=date_of(d["effective_from"]), effective_until=date_of(d.get("effective_until")),
            extends=d.get("extends"), gap_before=bool(d.get("gap_before")), parameters=params, definitions=defs,
            decisions=decisions, clause_map=d.get("clause_map") or {}, clauses=clauses,
            metadata=d.get("metadata") or {}, file=self.file, raw=d,
            effective_span=self.marks.span(("effective_from",)))
        self._check_names(policy)
        self._check_clauses(policy)
        self._check_dates(policy)
        return policy

    def _check_dates(self, policy: PolicyVersion) -> None:
        start, until = policy.effective_from, policy.effective_until
        if start and until and until < start:
            self._error("WQ-VERSION", f"effective_until {until} is before effective_from {start}: this version "
                        "would never be in force", ("effective_until",),
                        hint="effective_until is the last day in force, on or after effective_from")

    # -- pieces -------------------------------------------------------------------------------------
    def _clauses(self) -> dict[str, str]:
        doc = (self.doc.get("source") or {}).get("document")
        if not doc:
            return {}
        path = self.dir / doc
        if not path.is_file():
            self._error("WQ-FILE", f"source document `{doc}` not found beside the policy", ("source", "document"))
            return {}
        try:
            return clauses_of(path)
        except WQError as e:  # not UTF-8, too large, unreadable: say so at `document:`, with the place inside it
            for d in e.diagnostics:
                self._error("WQ-FILE", f"source document `{doc}` ({d.span.line}:{d.span.col}): {d.message}",
                            ("source", "document"), hint=d.hint)
            return {}

    def _parameter(self, name, raw) -> Parameter:
        path = ("parameters", name)
        if "value" not in raw:
            self._error("WQ-SCHEMA", f"parameter `{name}` has no `value`", path)
        if "clause" not in raw:
            self._error("WQ-SCHEMA", f"parameter `{name}` cites no clause", path, key=True,
                        hint='add `clause: "…"`, the id of the clause of the source document it comes from')
        kind = raw.get("type")
        # text declared a string stays text, even when it reads as a literal (a date, 3%)
        value = raw.get("value") if kind == "string" else literal_value(raw.get("value"))
        if "value" in raw:
            for p in value_problems(value, kind):
                self._error(p.code, f"parameter `{name}`: {p.message}", path + ("value",) + p.at, hint=p.hint,
                            severity=p.severity)
        return Parameter(name, value, kind, _text(raw.get("label")), raw.get("clause"), raw.get("note"),
                         self.marks.key_span(path))

    def _expr(self, path, text) -> Expr | None:
        if not isinstance(text, str):
            self._error("WQ-SCHEMA", "an expression must be text", path)
            return None
        marks = self.marks

        def locate(offset, length, path=path, text=text):
            return marks.span(path, offset, length, value=text)

        try:
            node = parser.parse(text)
        except parser.ParseFailure as e:
            self.diagnostics.append(Diagnostic("WQ-SYNTAX", e.message, locate(e.offset, e.length), e.hint))
            return None
        return Expr(text, node, locate)

    def _definition(self, path, name, raw) -> Definition | None:
        if isinstance(raw, str):
            return Definition(name, self._expr(path, raw), None, None, None, None, self.marks.key_span(path))
        each = None
        expr = None
        if "each" in raw:
            var = raw.get("as") or "item"
            carry = {}
            for c, spec in (raw.get("carry") or {}).items():
                carry[c] = (self._expr(path + ("carry", c, "start"), spec.get("start")),
                            self._expr(path + ("carry", c, "next"), spec.get("next")))
            fields = {f: self._expr(path + ("fields", f), e) for f, e in (raw.get("fields") or {}).items()}
            if not fields:
                self._error("WQ-SCHEMA", f"per-item definition `{name}` has no `fields`", path)
            each = Each(self._expr(path + ("each",), raw["each"]), var,
                        self._expr(path + ("order_by",), raw["order_by"]) if "order_by" in raw else None,
                        carry, fields)
        elif "expr" in raw:
            expr = self._expr(path + ("expr",), raw["expr"])
        else:
            self._error("WQ-SCHEMA", f"definition `{name}` needs `expr` (or `each` and `fields`)", path)
        return Definition(name, expr, each, _text(raw.get("label")), raw.get("clause"), raw.get("note"),
                          self.marks.key_span(path), raw.get("type"))

    def _decision(self, name, raw) -> Decision:
        path = ("decisions", name)
        schema, input_path = {}, raw.get("input")
        if not input_path:
            self._error("WQ-SCHEMA", f"decision `{name}` needs `input` (its input document's JSON Schema)", path)
        else:
            found = self.find_schema(input_path)
            if found is None:
                self._error("WQ-FILE", f"input schema `{input_path}` not found (looked beside the policy and in "
                            "the bundled schemas/ folder)", path + ("input",))
            else:
                input_path = str(found)
                schema = load_schema(input_path)
        defs = {n: self._definition(path + ("definitions", n), n, x)
                for n, x in (raw.get("definitions") or {}).items()}
        # the names a condition may read, where the schema lists the inputs (else unknown: placeholders unchecked)
        known = (set(self._params) | set(self.doc.get("definitions") or {}) | set(defs)
                 | set(schema.get("properties") or {}) | {"rules", "outcome"}) if schema.get("properties") else None
        rules = [r for r in (self._rule(path + ("rules", rid), rid, r, known)
                             for rid, r in (raw.get("rules") or {}).items()) if r is not None]
        steps = []
        for i, step in enumerate(raw.get("outcome") or []):
            if "otherwise" in step:
                steps.append(OutcomeStep(None, step["otherwise"], self.marks.span(path + ("outcome", i))))
            else:
                steps.append(OutcomeStep(self._expr(path + ("outcome", i, "when"), step.get("when")),
                                         step.get("then"), self.marks.span(path + ("outcome", i))))
        if not steps:
            self._error("WQ-SCHEMA", f"decision `{name}` needs an `outcome` list", path)
        elif steps[-1].when is not None:
            self._error("WQ-SCHEMA", "the outcome list must end with `otherwise`",
                        path + ("outcome", len(steps) - 1))
        outputs = {}
        for oname, o in (raw.get("outputs") or {}).items():
            opath = path + ("outputs", oname)
            e = self._expr(opath + ("expr",), o.get("expr")) if "expr" in o else None
            if "expr" not in o:
                self._error("WQ-SCHEMA", f"output `{oname}` needs `expr`", opath)
            outputs[oname] = Output(oname, e, o.get("type", "number"), o.get("fields") or {}, _text(o.get("label")),
                                    o.get("clause"), self.marks.key_span(opath))
        labels = {k: _text(v) for k, v in (raw.get("outcomes") or {}).items()}
        return Decision(name, _text(raw.get("label")), input_path or "", schema, rules, defs, steps, labels, outputs,
                        self.marks.key_span(path))

    def _rule(self, path, rid, raw, known: set | None = None) -> Rule | None:
        missing = [k for k in ("clause", "label", "condition", "message") if k not in raw]
        if missing:
            self._error("WQ-SCHEMA", f"rule `{rid}` needs {', '.join(f'`{k}`' for k in missing)}", path, key=True)
            return None
        condition = self._expr(path + ("condition",), raw["condition"])
        label = _text(raw["label"])
        self._check_placeholders(path + ("label",), raw["label"], set(self._params),
                                 "a label's {…} names a parameter, filled in when the policy loads")
        read = {p.split(".")[0].split("[")[0] for p, _ in reads(condition)} if condition is not None else set()
        if condition is not None and known is not None and read <= known:
            # a condition that reads a misspelt name is reported by the checker; its message is not blamed too
            self._check_placeholders(path + ("message",), raw["message"], {p for p, _ in reads(condition)},
                                     "a message's {…} names a value the condition reads: "
                                     + ", ".join(p for p, _ in reads(condition)), real=known)
        return Rule(rid, raw["clause"], self._label(label), condition, raw.get("severity", "require"),
                    _text(raw["message"]), raw.get("note"), self.marks.key_span(path), label)

    def _check_placeholders(self, path, raw, known: set, what: str, real: set = frozenset()) -> None:
        """Each {name} of a rule's label or message must be one that can be filled, or it is shown as written.
        A name whose root is ``real`` is spelt right but not filled here: no spelling is suggested for it."""
        for lang, text in (raw.items() if isinstance(raw, dict) else ()):
            for m in _PLACEHOLDER.finditer(text if isinstance(text, str) else ""):
                name = m.group(1).strip()
                span = self.marks.span(path + (lang,), m.start(), len(m.group(0)), value=text)
                if name != m.group(1) and name in known:  # `{ name }`: filled only as written, `{name}`
                    self.diagnostics.append(Diagnostic(
                        "WQ-NAME", f"`{m.group(0)}` is not filled in: a placeholder has no spaces inside its braces",
                        span, f"write `{{{name}}}`"))
                elif name not in known:
                    self.diagnostics.append(Diagnostic(
                        "WQ-NAME", f"`{{{name}}}` cannot be filled in: {what}", span,
                        None if re.split(r"[.\[]", name)[0] in real else did_you_mean(name, known)))

    def _label(self, text: Text | None) -> Text | None:
        """A label with {parameter} placeholders filled, so it stays true when a revision changes the value."""
        if text is None or "{" not in text.zh + text.en:
            return text
        values = {n: p.value for n, p in self._params.items()}
        kinds = {n: p.kind for n, p in self._params.items()}
        return Text(fill(text.zh, values, kinds), fill(text.en, values, kinds))

    def find_schema(self, ref: str) -> Path | None:
        """``ref`` beside the policy file, else in the bundled schemas folder: as written, or with everything up
        to its last `schemas/` folder (or its leading `../` steps) dropped, so a copy of a bundled policy edited
        elsewhere still finds them, as does a revision of such a copy (whose base's paths arrive made absolute)."""
        parts = list(PurePosixPath(ref).parts)
        if "schemas" in parts[:-1]:
            parts = parts[len(parts) - parts[::-1].index("schemas"):]
        while parts and parts[0] == "..":
            parts.pop(0)
        bundled = data_dir("schemas")
        for p in (self.dir / ref, bundled / ref, bundled.joinpath(*parts) if parts else None):
            if p is not None and p.resolve().is_file():
                return p.resolve()
        return None

    # -- checks -------------------------------------------------------------------------------------
    def _check_names(self, policy: PolicyVersion) -> None:
        seen: dict[str, tuple] = {}
        for name in policy.parameters:
            seen[name] = ("parameters", name)
        for name in policy.definitions:
            if name in seen:
                self._error("WQ-DUPLICATE", f"`{name}` is both a parameter and a definition",
                            ("definitions", name), key=True)
        rule_ids: dict[str, str] = {}
        for dname, decision in policy.decisions.items():
            own = (self.doc.get("decisions") or {}).get(dname, {}).get("rules") or {}
            for rid in own:
                if rid in rule_ids:
                    self._error("WQ-DUPLICATE", f"rule id `{rid}` is also defined in decision `{rule_ids[rid]}`",
                                ("decisions", dname, "rules", rid), key=True,
                                hint=f"use `rules_from: [{rule_ids[rid]}]` to evaluate its rules here too")
                rule_ids.setdefault(rid, dname)
            for name in decision.definitions:
                if name in policy.parameters:
                    self._error("WQ-DUPLICATE", f"`{name}` is both a parameter and a definition",
                                ("decisions", dname, "definitions", name), key=True)
            labels = decision.outcome_labels
            unlabelled = {}
            for i, step in enumerate((self.doc.get("decisions") or {}).get(dname, {}).get("outcome") or []):
                key = "otherwise" if "otherwise" in step else "then"
                if labels and step.get(key) not in labels:
                    unlabelled.setdefault(str(step.get(key)), ("decisions", dname, "outcome", i, key))
            for word, path in sorted(unlabelled.items()):
                # a near miss of a labelled outcome is a typo, which would decide under a word no output knows
                hint = did_you_mean(word, labels, cutoff=TYPO) or next(  # or cut short: `inelig`
                    (f"did you mean `{x}`?" for x in labels if len(word) >= 3 and x.startswith(word)), None)
                self._error("WQ-NAME", f"outcome `{word}` has no label in `outcomes`", path, hint=hint,
                            severity="error" if hint else "warning")

    def _check_clauses(self, policy: PolicyVersion) -> None:
        clauses = policy.clauses
        if not clauses:
            return
        cited = []
        for name, p in policy.parameters.items():
            cited.append((p.clause, ("parameters", name, "clause")))
        for name, d in policy.definitions.items():
            cited.append((d.clause, ("definitions", name, "clause")))
        for dname, decision in policy.decisions.items():
            raw_rules = (self.doc.get("decisions") or {}).get(dname, {}).get("rules") or {}
            for rid, r in raw_rules.items():
                cited.append((r.get("clause"), ("decisions", dname, "rules", rid, "clause")))
            for oname, o in decision.outputs.items():
                cited.append((o.clause, ("decisions", dname, "outputs", oname, "clause")))
        for name, m in policy.metadata.items():
            cited.append((m.get("clause"), ("metadata", name, "clause")))
        for clause, path in cited:
            if clause is not None and str(clause) not in clauses:
                self._unknown_clause(str(clause), path, clauses)
        names = self._encodable_names(policy)
        for clause, entry in policy.clause_map.items():
            path = ("clause_map", clause)
            if clause not in clauses:
                self._unknown_clause(clause, path, clauses, key=True)
            if isinstance(entry, list):
                for i, item in enumerate(entry):
                    if item not in names:
                        from .errors import did_you_mean
                        self._error("WQ-NAME", f"clause {clause} maps to `{item}`, which is not a parameter, "
                                    "definition, rule, output, decision or metadata item", path + (i,),
                                    hint=did_you_mean(item, names))
        for clause in clauses:
            if clause not in policy.clause_map:
                self._error("WQ-CLAUSE", f"clause {clause} is not in the clause map",
                            ("clause_map",) if "clause_map" in self.doc else (), key=True,
                            hint="list what encodes it, or give `not_computable: <reason>`")

    def _unknown_clause(self, clause, path, clauses, key=False):
        from .errors import did_you_mean
        self._error("WQ-CLAUSE", f"clause `{clause}` does not exist in the source document", path, key=key,
                    hint=did_you_mean(clause, clauses))

    @staticmethod
    def _encodable_names(policy: PolicyVersion) -> set[str]:
        names = set(policy.parameters) | set(policy.definitions) | set(policy.decisions) | set(policy.metadata)
        for dname, d in policy.decisions.items():
            names |= {r.id for r in d.rules} | set(d.definitions) | {f"{dname}.{o}" for o in d.outputs}
            # a rule that failed to build is still named: its own diagnostic says what is wrong with it
            names |= set((policy.raw.get("decisions") or {}).get(dname, {}).get("rules") or {})
        return names

    def _error(self, code, message, path, key=False, hint=None, severity="error"):
        span = self.marks.key_span(path) if key else self.marks.span(path)
        self.diagnostics.append(Diagnostic(code, message, span, hint, severity))


def literal_value(v):
    """Parameter values: text that is a literal of the language (4.5%, 2亿, 2 years, 2022-07-01) becomes
    that value; lists and mappings are converted item by item; everything else stays as it is."""
    if isinstance(v, str):
        if not v[:2].lstrip("-")[:1].isdigit():
            return v  # only numbers, dates and durations are literals worth parsing
        try:
            node = parser.parse(v)
        except parser.ParseFailure:
            return v
        if isinstance(node, ast.Literal) and node.kind in ("number", "date", "duration"):
            return node.value
        if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, ast.Literal) \
                and node.operand.kind == "number":
            return -node.operand.value
        return v
    if isinstance(v, list):
        return [literal_value(x) for x in v]
    if isinstance(v, dict):  # a clause id ("2.2") inside a value stays text
        return {k: x if k == "clause" else literal_value(x) for k, x in v.items()}
    return v


def _text(raw) -> Text | None:
    return Text(raw["zh"], raw["en"]) if isinstance(raw, dict) and "zh" in raw and "en" in raw else None


def date_of(v, bad=None):
    """A policy's date field as written (a date, or text YYYY-MM-DD); None when not given, ``bad`` when unreadable."""
    if v is None or isinstance(v, datetime.date):
        return v
    try:
        return datetime.date.fromisoformat(str(v))
    except ValueError:
        return bad
