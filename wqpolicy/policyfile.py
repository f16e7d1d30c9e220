"""A resolved policy document (YAML, ``extends`` applied) -> validated ``PolicyVersion``.

Builds the model, parsing each expression once, and runs the load-time checks that need no types: expression
syntax, the shape of parameter values, duplicate names, clause ids and the clause map (the policy schema is checked
before, by policy_schema.py).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import ast, parser, plausibility
from .checker import reads
from .confusables import confusion
from .display import excerpt, fill
from .errors import TYPO, Diagnostic, Related, WQError, meant, suggest, typo_of
from .input_fields import resolve_fields
from .model import Decision, Definition, Each, Expr, OutcomeStep, Output, Parameter, PolicyVersion, Rule, Text, item_of
from .overlay import layer_paths
from .parameter_values import value_problems
from .policy_schema import clause_written
from .schema_files import Refusal, SchemaFile, inside, load_input_schema
from .schemas import data_dir
from .source import Span
from .yamlload import Marks, read_text

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CLAUSE_TAG = re.compile(r"\*\*\[([0-9]+(?:\.[0-9]+)*)\]\*\*\s*(.*)")


def clauses_of(document: Path, notes: list[Diagnostic] | None = None) -> dict[str, str]:
    """Clause id -> text, from a Markdown source whose paragraphs are tagged **[id]** (``notes``: a warning when it
    is read as GB18030)."""
    out = {}
    for line in read_text(document, notes=notes).splitlines():
        m = _CLAUSE_TAG.search(line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


class Builder:
    """Builds one PolicyVersion from its resolved document, collecting diagnostics."""

    def __init__(self, doc: dict, marks: Marks, file: str, directory: Path, gone: dict | None = None) -> None:
        self.doc, self.marks, self.file, self.dir = doc, marks, file, directory
        self.diagnostics: list[Diagnostic] = []
        # names of items that were in this version when it was published and are gone from its file now
        # (lockfile.gone_items): named somewhere still, each is reported as deleted, never matched by spelling
        self.gone = gone or {}
        # clause id -> ('added' | 'changed' | 'removed', where in the document): the clauses edited inline
        self.clause_edits: dict[str, tuple[str, tuple]] = {}

    def build(self) -> PolicyVersion:
        d = self.doc
        clauses = self._clauses()
        params = {n: self._parameter(n, p) for n, p in (d.get("parameters") or {}).items()}
        self._params = params
        for p in params.values():
            p.label = self._label(p.label)
        defs = {n: self._definition(("definitions", n), n, x) for n, x in (d.get("definitions") or {}).items()}
        decisions = {}
        for name, raw in (d.get("decisions") or {}).items():
            decisions[name] = self._decision(name, raw)
        for name, raw in (d.get("decisions") or {}).items():
            for other in raw.get("rules_from") or []:
                if other not in decisions:
                    self._error(
                        "WQ-NAME",
                        f"`rules_from` names no decision `{other}`",
                        ("decisions", name, "rules_from"),
                        zh=f"`rules_from` 中的 `{other}` 不是已有的决定",
                    )
                else:
                    decisions[name].rules[:0] = decisions[other].rules
        policy = PolicyVersion(
            id=d["id"],
            version=str(d["version"]),
            title=_text(d.get("title")),
            effective_from=date_of(d["effective_from"]),
            effective_until=date_of(d.get("effective_until")),
            extends=d.get("extends"),
            gap_before=bool(d.get("gap_before")),
            parameters=params,
            definitions=defs,
            decisions=decisions,
            clause_map=d.get("clause_map") or {},
            clauses=clauses,
            metadata=d.get("metadata") or {},
            file=self.file,
            raw=d,
            effective_span=self.marks.span(("effective_from",)),
            gone=self.gone,
        )
        self._check_names(policy)
        self._check_templates()
        self._check_confusables()
        self._check_clauses(policy)
        self._check_dates(policy)
        return policy

    def _check_templates(self) -> None:
        """Every {name} in a note or label (of a parameter, definition, output, outcome or rule) names a parameter,
        so that the text renders with the value in force: a text that states a value says it through a template
        (`{min_investment}`), and stays true when a revision changes the value. Rules' labels and messages are
        checked where the rule is built."""
        params = set(self._params)
        for path, text in plausibility.texts(self.doc):
            if "{" not in text or path[-1] in ("message",) or "message" in path:
                continue
            if path[:1] == ("decisions",) and len(path) > 3 and path[2] == "rules" and "label" in path:
                continue  # a rule's label: checked with the rule
            for m in _PLACEHOLDER.finditer(text):
                name = m.group(1).strip()
                if name in params and name == m.group(1):
                    continue
                span = self.marks.span(path, m.start(), len(m.group(0)), value=text)
                item, decision = item_of(path)
                close = typo_of(name, params)
                hint = meant(close) if close else None
                self.diagnostics.append(
                    Diagnostic(
                        "WQ-NAME",
                        f"`{m.group(0)}` cannot be filled in: a note's or label's {{…}} names a parameter",
                        span,
                        hint and hint[0],
                        subject=item,
                        decision=decision,
                        zh=f"`{m.group(0)}` 无法填入：说明或名称中的 {{…}} 须为参数名",
                        hint_zh=hint and hint[1],
                    )
                )

    def _check_dates(self, policy: PolicyVersion) -> None:
        start, until = policy.effective_from, policy.effective_until
        if start and until and until < start:
            self._error(
                "WQ-VERSION",
                f"effective_until {until} is before effective_from {start}: this version would never be in force",
                ("effective_until",),
                hint="effective_until is the last day in force, on or after effective_from",
                zh=f"有效期截止日 effective_until {until} 早于生效日 effective_from {start}：这个版本永远不会生效",
                hint_zh="effective_until 是有效的最后一天，应不早于 effective_from",
            )

    # -- pieces -------------------------------------------------------------------------------------
    def _clauses(self) -> dict[str, str]:
        """The clauses of the source document, with those the policy (or a revision of it) adds, changes and
        removes inline (`clauses: {add: …, change: …, remove: […]}`), each layer in turn."""
        clauses = self._document_clauses()
        for layer, at in layer_paths(self.doc.get("clauses"), ("clauses",)):
            if isinstance(layer, dict):
                self._clause_layer(clauses, layer, at)
        return clauses

    def _clause_layer(self, clauses: dict[str, str], layer: dict, at: tuple) -> None:
        removing = layer.get("remove")
        for i, clause in enumerate(removing if isinstance(removing, list) else []):
            clause = str(clause)
            if clause in clauses:
                del clauses[clause]
                self.clause_edits[clause] = ("removed", at + ("remove", i))
            else:
                self._missing_clause(clause, at + ("remove", i), clauses, "remove", "删除")
        for how, word in (("add", "新增"), ("change", "修改")):
            entries = layer.get(how)
            for clause, text in entries.items() if isinstance(entries, dict) else ():
                clause, here = str(clause), at + (how, clause)
                if how == "add" and clause in clauses:
                    self._error(
                        "WQ-CLAUSE",
                        f"clause {clause} is in the guideline text already: to give it new words, use `change`",
                        here,
                        key=True,
                        subject=clause,
                        zh=f"指南原文中已有条款 {clause}：如需改写，请用 `change`",
                    )
                    continue
                if how == "change" and clause not in clauses:
                    self._missing_clause(clause, here, clauses, how, word, key=True)
                    continue
                said = text.get("zh") if isinstance(text, dict) else text
                if not isinstance(said, str) or not said.strip():
                    self._error(
                        "WQ-SCHEMA",
                        f"clause {clause}: give its text, `{{zh: …, en: …}}`",
                        here,
                        key=True,
                        subject=clause,
                        zh=f"条款 {clause}：请写出条文，`{{zh: …, en: …}}`",
                    )
                    continue
                clauses[clause] = said.strip()
                self.clause_edits[clause] = ("added" if how == "add" else "changed", here)

    def _missing_clause(self, clause: str, path: tuple, clauses: dict, how: str, word: str, key: bool = False) -> None:
        written = clause_written(clause)
        close = written if written in clauses and written != clause else None
        self._error(
            "WQ-CLAUSE",
            f"clause {clause} is not in the guideline text: nothing to {how}",
            path,
            key=key,
            hint=f"write `{close}`" if close else None,
            subject=clause,
            zh=f"指南原文中没有条款 {clause}：没有可{word}的内容",
            hint_zh=f"请写 `{close}`" if close else None,
        )

    def _document_clauses(self) -> dict[str, str]:
        doc = (self.doc.get("source") or {}).get("document")
        if not doc:
            return {}
        folder, doc = self._written(("source", "document"), doc)
        found = inside(doc, folder, str(folder))
        if isinstance(found, Refusal) or not found[0].is_file():
            why = (
                found
                if isinstance(found, Refusal)
                else Refusal(f"`{excerpt(doc)}` is not there", f"`{excerpt(doc)}` 不存在")
            )
            self._error(
                "WQ-FILE",
                f"source document {why.en}",
                ("source", "document"),
                hint="keep the source document in the policy's folder",
                zh=f"原文文件 {why.zh}",
                hint_zh="把原文文件放在政策文件夹内",
            )
            return {}
        path = found[0]
        try:
            notes: list[Diagnostic] = []
            clauses = clauses_of(path, notes)
            for d in notes:  # read as GB18030: said at `document:`, naming the file
                self._error(
                    d.code,
                    f"source document `{doc}`: {d.message}",
                    ("source", "document"),
                    hint=d.hint,
                    severity=d.severity,
                    zh=f"原文文件 `{doc}`：{d.zh}",
                    hint_zh=d.hint_zh,
                )
            return clauses
        except WQError as e:  # not UTF-8, too large, unreadable: say so at `document:`, with the place inside it
            for d in e.diagnostics:
                where = f"({d.span.line}:{d.span.col})" if d.span else ""
                self._error(
                    "WQ-FILE",
                    f"source document `{doc}` {where}: {d.message}",
                    ("source", "document"),
                    hint=d.hint,
                    zh=f"原文文件 `{doc}` {where}：{d.zh or d.message}",
                    hint_zh=d.hint_zh,
                )
            return {}

    def _parameter(self, name: str, raw: Any) -> Parameter:
        path = ("parameters", name)
        if "value" not in raw:
            self._error(
                "WQ-SCHEMA",
                f"parameter `{name}` has no `value`",
                path,
                zh=f"参数 `{name}` 没有 `value`（取值）",
                hint="add `value: …`",
                hint_zh="加上 `value: …`",
            )
        if "clause" not in raw:
            self._error(
                "WQ-SCHEMA",
                f"parameter `{name}` cites no clause",
                path,
                key=True,
                hint='add `clause: "…"`, the id of the clause of the source document it comes from',
                zh=f"参数 `{name}` 没有注明条款",
                hint_zh='加上 `clause: "…"`，写明它出自原文的哪一条',
            )
        kind = raw.get("type")
        # text declared a string stays text, even when it reads as a literal (a date, 3%)
        value = raw.get("value") if kind == "string" else literal_value(raw.get("value"))
        problems = value_problems(value, kind) if "value" in raw else []
        for p in problems:
            self._error(
                p.code,
                f"parameter `{name}`: {p.message}",
                path + ("value",) + p.at,
                hint=p.hint,
                severity=p.severity,
                zh=f"参数 `{name}`：{p.zh}" if p.zh else None,
                hint_zh=p.hint_zh,
            )
        low, high = self._bound(path, raw, "min", kind), self._bound(path, raw, "max", kind)
        low, high = plausibility.bounds(kind, raw.get("unit"), low, high)
        if "value" in raw and not any(p.severity == "error" for p in problems):
            self._plausible(path, name, raw.get("value"), value, kind, low, high)
        label = _text(raw.get("label"))
        return Parameter(
            name,
            value,
            kind,
            label,
            raw.get("clause"),
            raw.get("note"),
            self.marks.key_span(path),
            raw.get("unit"),
            low,
            high,
            label,
        )

    def _bound(self, path: tuple, raw: dict, key: str, kind: str | None):
        """A declared `min` or `max`, read as a literal of the parameter's kind (None when not given or wrong)."""
        if key not in raw:
            return None
        bound = literal_value(raw[key])
        wrong = [p for p in value_problems(bound, kind) if p.severity == "error"]
        if wrong or not isinstance(bound, (int, Decimal, datetime.date)) or isinstance(bound, bool):
            self._error(
                "WQ-TYPE",
                f"`{key}: {excerpt(raw[key])}` is not a bound for a parameter of type {kind}",
                path + (key,),
                hint="give a number of the parameter's kind (`0`, `100%`, `500万元`) or a date",
                zh=f"`{key}: {excerpt(raw[key])}` 不能作为类型为 {kind} 的参数的范围",
                hint_zh="写一个与参数同类的数（如 `0`、`100%`、`500万元`）或日期",
            )
            return None
        return bound

    def _plausible(self, path: tuple, name: str, raw, value, kind: str | None, low, high) -> None:
        """A value implausible for its kind and bounds (an error); an entry of a mapping that lacks a field its
        siblings have (a warning, naming a sibling that has it)."""
        for f in plausibility.value_findings(raw, value, kind, low, high):
            self._error(
                "WQ-VALUE",
                f"parameter `{name}`: {f.message}",
                path + ("value",),
                hint=f.hint,
                severity=f.severity,
                zh=f"参数 `{name}`：{f.zh}",
                hint_zh=f.hint_zh,
            )
        for entry, field, sibling in plausibility.missing_fields(value):
            where = self.marks.key_span(path + ("value", sibling))
            self._error(
                "WQ-VALUE",
                f"parameter `{name}`: entry `{entry}` has no `{field}`, which every other entry has: a rule that "
                f"reads `{field}` of it finds nothing (unknown)",
                path + ("value", entry),
                key=True,
                hint=f"give `{entry}` its `{field}`, as `{sibling}` has",
                severity="warning",
                zh=f"参数 `{name}`：`{entry}` 缺少其他各项都有的 `{field}`，读取它的规则将无从判断（待定）",
                hint_zh=f"为 `{entry}` 补上 `{field}`，写法同 `{sibling}`",
                related=(Related(where, f"`{sibling}` has `{field}`", f"`{sibling}` 有 `{field}`"),) if where else (),
            )

    def _expr(self, path: tuple, text: Any) -> Expr | None:
        if not isinstance(text, str):
            self._error("WQ-SCHEMA", "an expression must be text", path, zh="表达式必须是文字")
            return None
        marks = self.marks

        def locate(offset: int, length: int, path: tuple = path, text: str = text) -> Span | None:
            return marks.span(path, offset, length, value=text)

        try:
            node = parser.parse(text)
        except parser.ParseFailure as e:
            self.diagnostics.append(
                Diagnostic(
                    "WQ-SYNTAX",
                    e.message,
                    locate(e.offset, e.length),
                    e.hint,
                    subject=item_of(path)[0],
                    decision=item_of(path)[1],
                    zh=e.zh,
                    hint_zh=e.hint_zh,
                )
            )
            return None
        return Expr(text, node, locate)

    def _definition(self, path: tuple, name: str, raw: Any) -> Definition:
        if isinstance(raw, str):
            return Definition(name, self._expr(path, raw), None, None, None, None, self.marks.key_span(path))
        each = None
        expr = None
        if "each" in raw:
            var = raw.get("as") or "item"
            carry = {}
            for c, spec in (raw.get("carry") or {}).items():
                carry[c] = (
                    self._expr(path + ("carry", c, "start"), spec.get("start")),
                    self._expr(path + ("carry", c, "next"), spec.get("next")),
                )
            fields = {f: self._expr(path + ("fields", f), e) for f, e in (raw.get("fields") or {}).items()}
            if not fields:
                self._error(
                    "WQ-SCHEMA",
                    f"per-item definition `{name}` has no `fields`",
                    path,
                    zh=f"逐项定义 `{name}` 没有 `fields`（各项要算出的字段）",
                )
            each = Each(
                self._expr(path + ("each",), raw["each"]),
                var,
                self._expr(path + ("order_by",), raw["order_by"]) if "order_by" in raw else None,
                carry,
                fields,
            )
        elif "expr" in raw:
            expr = self._expr(path + ("expr",), raw["expr"])
        else:
            self._error(
                "WQ-SCHEMA",
                f"definition `{name}` needs `expr` (or `each` and `fields`)",
                path,
                zh=f"定义 `{name}` 需要 `expr`（或 `each` 和 `fields`）",
            )
        label = _text(raw.get("label"))
        return Definition(
            name,
            expr,
            each,
            self._label(label),
            raw.get("clause"),
            raw.get("note"),
            self.marks.key_span(path),
            raw.get("type"),
            label,
        )

    def _decision(self, name: str, raw: Any) -> Decision:
        path = ("decisions", name)
        schema, input_path, refs = {}, raw.get("input"), {}
        if not input_path:
            self._error(
                "WQ-SCHEMA",
                f"decision `{name}` needs `input` (its input document's JSON Schema)",
                path,
                zh=f"决定 `{name}` 需要 `input`（申报材料的输入格式文件）",
            )
        else:
            found = self._input_schema(input_path, path + ("input",))
            if found is not None:
                input_path, schema, refs = str(found.path), found.schema, found.resources
                # the fields a revision adds, removes or requires, resolved onto the schema it inherits
                schema, problems = resolve_fields(
                    schema, layer_paths(raw.get("input_fields"), path + ("input_fields",)), self.marks, name
                )
                self.diagnostics += problems
        defs = {n: self._definition(path + ("definitions", n), n, x) for n, x in (raw.get("definitions") or {}).items()}
        # the names a condition may read, where the schema lists the inputs (else unknown: placeholders unchecked)
        known = (
            (
                set(self._params)
                | set(self.doc.get("definitions") or {})
                | set(defs)
                | set(schema.get("properties") or {})
                | {"rules", "outcome"}
            )
            if schema.get("properties")
            else None
        )
        rules = [
            r
            for r in (self._rule(path + ("rules", rid), rid, r, known) for rid, r in (raw.get("rules") or {}).items())
            if r is not None
        ]
        steps = []
        for i, step in enumerate(raw.get("outcome") or []):
            if "otherwise" in step:
                steps.append(OutcomeStep(None, step["otherwise"], self.marks.span(path + ("outcome", i))))
            else:
                steps.append(
                    OutcomeStep(
                        self._expr(path + ("outcome", i, "when"), step.get("when")),
                        step.get("then"),
                        self.marks.span(path + ("outcome", i)),
                    )
                )
        if not steps:
            self._error(
                "WQ-SCHEMA",
                f"decision `{name}` needs an `outcome` list",
                path,
                zh=f"决定 `{name}` 需要 `outcome` 结论列表",
            )
        elif steps[-1].when is not None:
            self._error(
                "WQ-SCHEMA",
                "the outcome list must end with `otherwise`",
                path + ("outcome", len(steps) - 1),
                zh="结论列表必须以 `otherwise`（其他情况）结尾",
            )
        outputs = {}
        for oname, o in (raw.get("outputs") or {}).items():
            opath = path + ("outputs", oname)
            e = self._expr(opath + ("expr",), o.get("expr")) if "expr" in o else None
            if "expr" not in o:
                self._error(
                    "WQ-SCHEMA", f"output `{oname}` needs `expr`", opath, zh=f"输出 `{oname}` 需要 `expr`（表达式）"
                )
            label = _text(o.get("label"))
            outputs[oname] = Output(
                oname,
                e,
                o.get("type", "number"),
                o.get("fields") or {},
                self._label(label),
                o.get("clause"),
                self.marks.key_span(opath),
                label,
                o.get("payout") is True,
            )
            if o.get("payout") is True and o.get("type", "number") != "money":
                self._error(
                    "WQ-TYPE",
                    f"output `{oname}`: `payout: true` is for amounts of money; its type is {o.get('type', 'number')}",
                    opath + ("payout",),
                    hint="give it `type: money`, or remove `payout`",
                    zh=f"输出 `{oname}`：`payout: true` 只用于金额，而它的类型是 {o.get('type', 'number')}",
                    hint_zh="将其类型写为 `type: money`，或删去 `payout`",
                )
        labels = {k: self._label(_text(v)) for k, v in (raw.get("outcomes") or {}).items()}
        dated = raw.get("version_date")
        version_date = version_date_note = None
        if isinstance(dated, dict):
            version_date = self._expr(path + ("version_date", "expr"), dated.get("expr"))
            version_date_note = dated.get("note")
        elif dated is not None:
            version_date = self._expr(path + ("version_date",), dated)
        decision = Decision(
            name,
            _text(raw.get("label")),
            input_path or "",
            schema,
            rules,
            defs,
            steps,
            labels,
            outputs,
            self.marks.key_span(path),
            refs,
        )
        decision.version_date, decision.version_date_note = version_date, version_date_note
        return decision

    def _rule(self, path: tuple, rid: str, raw: Any, known: set | None = None) -> Rule | None:
        missing = [k for k in ("clause", "label", "condition", "message") if k not in raw]
        if missing:
            self._error(
                "WQ-SCHEMA",
                f"rule `{rid}` needs {', '.join(f'`{k}`' for k in missing)}",
                path,
                key=True,
                zh=f"规则 `{rid}` 缺少 {'、'.join(f'`{k}`' for k in missing)}",
            )
            return None
        condition = self._expr(path + ("condition",), raw["condition"])
        label = _text(raw["label"])
        self._check_placeholders(
            path + ("label",),
            raw["label"],
            set(self._params),
            (
                "a label's {…} names a parameter, filled in when the policy loads",
                "标签中的 {…} 应为参数名，加载政策时填入其取值",
            ),
        )
        read = {p.split(".")[0].split("[")[0] for p, _ in reads(condition)} if condition is not None else set()
        if condition is not None and known is not None and read <= known:
            # a condition that reads a misspelt name is reported by the checker; its message is not blamed too
            names = ", ".join(p for p, _ in reads(condition))
            self._check_placeholders(
                path + ("message",),
                raw["message"],
                {p for p, _ in reads(condition)},
                (
                    f"a message's {{…}} names a value the condition reads: {names}",
                    f"提示语中的 {{…}} 应为条件所读取的值：{names}",
                ),
                real=known,
            )
        return Rule(
            rid,
            raw["clause"],
            self._label(label),
            condition,
            raw.get("severity", "require"),
            _text(raw["message"]),
            raw.get("note"),
            self.marks.key_span(path),
            label,
        )

    def _check_placeholders(
        self, path: tuple, raw: Any, known: set, what: tuple[str, str], real: set[str] | frozenset[str] = frozenset()
    ) -> None:
        """Each {name} of a rule's label or message must be one that can be filled, or it is shown as written.
        A name whose root is ``real`` is spelt right but not filled here: no spelling is suggested for it.
        ``what`` says what a {name} there may name (English, Chinese)."""
        for lang, text in raw.items() if isinstance(raw, dict) else ():
            for m in _PLACEHOLDER.finditer(text if isinstance(text, str) else ""):
                name = m.group(1).strip()
                span = self.marks.span(path + (lang,), m.start(), len(m.group(0)), value=text)
                item, decision = item_of(path)
                if name != m.group(1) and name in known:  # `{ name }`: filled only as written, `{name}`
                    self.diagnostics.append(
                        Diagnostic(
                            "WQ-NAME",
                            f"`{m.group(0)}` is not filled in: a placeholder has no spaces inside its braces",
                            span,
                            f"write `{{{name}}}`",
                            subject=item,
                            decision=decision,
                            zh=f"`{m.group(0)}` 不会被填入取值：占位符的花括号内不能有空格",
                            hint_zh=f"请写 `{{{name}}}`",
                        )
                    )
                elif name not in known:
                    hint = None if re.split(r"[.\[]", name)[0] in real else suggest(name, known)
                    self.diagnostics.append(
                        Diagnostic(
                            "WQ-NAME",
                            f"`{{{name}}}` cannot be filled in: {what[0]}",
                            span,
                            hint and hint[0],
                            subject=item,
                            decision=decision,
                            zh=f"`{{{name}}}` 无法填入取值：{what[1]}",
                            hint_zh=hint and hint[1],
                        )
                    )

    def _label(self, text: Text | None) -> Text | None:
        """A label with {parameter} placeholders filled, so it stays true when a revision changes the value."""
        if text is None or "{" not in text.zh + text.en:
            return text
        values = {n: p.value for n, p in self._params.items()}
        kinds = {n: p.kind for n, p in self._params.items()}
        shown: dict[str, str] = {}
        return Text(fill(text.zh, values, kinds, shown), fill(text.en, values, kinds, shown))

    def _input_schema(self, ref: str, path: tuple) -> SchemaFile | None:
        """The checked input schema a decision's `input:` names, or None (and why, at `input:` or at the line of
        the schema file at fault). The file must lie inside the folder of the policy file that names it (the
        base's folder for an `input:` a revision inherits); a copy of a bundled policy saved elsewhere without its
        schemas finds them in the bundled policy's folder, by the same relative path."""
        folder, ref = self._written(path, ref)
        found = load_input_schema(ref, folder, str(folder))
        if isinstance(found, Refusal) and found.missing:
            for bundled in _bundled_policy_folders():
                again = load_input_schema(ref, bundled, str(bundled))
                if not isinstance(again, Refusal):
                    found = again
                    break
        if isinstance(found, Refusal):
            self._error(
                "WQ-FILE",
                f"input schema {found.en}",
                path,
                hint="keep the input schemas in the policy's folder and name them by their path in it, "
                "e.g. `input: inputs/application.schema.json`",
                zh=f"输入格式 {found.zh}",
                hint_zh="把输入格式放在政策文件夹内，并用其相对路径引用，例如 `input: inputs/application.schema.json`",
            )
            return None
        self.diagnostics += found.problems
        return None if any(d.severity == "error" for d in found.problems) else found

    def _written(self, path: tuple, ref: str) -> tuple[Path, str]:
        """(folder of the file that wrote the file name ``ref`` at ``path``, ``ref`` as it is read from there): a
        revision's base, for a name it inherits, which overlay.anchored made absolute, and is made relative to
        that folder again, as its file writes it."""
        mark = self.marks.get(path)
        if mark is None or not mark.file or mark.file == self.file:
            return self.dir, ref
        folder = Path(mark.file).parent
        if isinstance(ref, str) and os.path.isabs(ref):
            try:
                ref = os.path.relpath(ref, folder.resolve())
            except (OSError, RuntimeError, ValueError):  # another drive, a link loop: `inside` says why
                pass
        return folder, ref

    # -- checks -------------------------------------------------------------------------------------
    def _check_names(self, policy: PolicyVersion) -> None:
        decisions_raw = self.doc.get("decisions") or {}
        for name in policy.definitions:
            if name in policy.parameters:
                self._twice(
                    ("parameters", name),
                    ("definitions", name),
                    lambda here, there, name=name: (
                        f"`{name}` is both a parameter and a definition",
                        f"`{name}` 既是参数又是定义",
                        None,
                        None,
                    ),
                )
        rule_ids: dict[str, str] = {}
        for dname, decision in policy.decisions.items():
            raw = decisions_raw.get(dname) or {}
            own = raw.get("rules") or {}
            for rid in own:
                if rid in rule_ids:
                    self._twice(
                        ("decisions", rule_ids[rid], "rules", rid),
                        ("decisions", dname, "rules", rid),
                        lambda here, there, rid=rid: (
                            f"rule id `{rid}` is also defined in decision `{there[1]}`",
                            f"规则编号 `{rid}` 在决定 `{there[1]}` 中也有定义",
                            f"use `rules_from: [{there[1]}]` to evaluate its rules here too",
                            f"用 `rules_from: [{there[1]}]` 在此沿用其规则",
                        ),
                    )
                rule_ids.setdefault(rid, dname)
            read = {
                p.split(".")[0].split("[")[0]
                for step in decision.outcome
                if step.when is not None
                for p, _ in reads(step.when)
            }
            if not own and not raw.get("rules_from") and read <= {"rules"} and raw.get("outcome"):
                # its outcome reads only rule counts, all 0: every application would be decided alike
                self._error(
                    "WQ-SCHEMA",
                    f"decision `{dname}` has no rules, and its outcome reads nothing else: "
                    "every application would be decided alike",
                    ("decisions", dname),
                    key=True,
                    hint="write its rules under `rules:`, or evaluate another decision's with `rules_from: [NAME]`",
                    zh=f"决定 `{dname}` 没有任何规则，其结论也不读取其他内容：所有申请都会得到同样的结论",
                    hint_zh="在 `rules:` 下写出规则，或用 `rules_from: [决定名]` 沿用另一决定的规则",
                )
            for name in decision.definitions:
                if name in policy.parameters:
                    self._twice(
                        ("parameters", name),
                        ("decisions", dname, "definitions", name),
                        lambda here, there, name=name: (
                            f"`{name}` is both a parameter and a definition",
                            f"`{name}` 既是参数又是定义",
                            None,
                            None,
                        ),
                    )
                elif name in policy.definitions:  # in this decision, the policy's definition would be hidden
                    self._twice(
                        ("definitions", name),
                        ("decisions", dname, "definitions", name),
                        lambda here, there, name=name, dname=dname: (
                            f"definition `{name}` of decision `{dname}` has the name of a definition of the "
                            "policy: in this decision, expressions would read the decision's in its place",
                            f"决定 `{dname}` 的定义 `{name}` 与政策级定义同名：在该决定中，表达式会读取决定自己的定义",
                            "give one of them another name",
                            "给其中一个改用别的名称",
                        ),
                    )
            labels = decision.outcome_labels
            unlabelled: dict[str, tuple] = {}
            for i, step in enumerate((self.doc.get("decisions") or {}).get(dname, {}).get("outcome") or []):
                key = "otherwise" if "otherwise" in step else "then"
                if labels and step.get(key) not in labels:
                    unlabelled.setdefault(str(step.get(key)), ("decisions", dname, "outcome", i, key))
            for word, path in sorted(unlabelled.items()):
                # a near miss of a labelled outcome is a typo, which would decide under a word no output knows
                hint = suggest(word, labels, cutoff=TYPO) or next(  # or cut short: `inelig`
                    (meant(x) for x in labels if len(word) >= 3 and x.startswith(word)), None
                )
                self._error(
                    "WQ-NAME",
                    f"outcome `{word}` has no label in `outcomes`",
                    path,
                    hint=hint and hint[0],
                    severity="error" if hint else "warning",
                    zh=f"结论 `{word}` 在 `outcomes` 中没有标签（中英文说明）",
                    hint_zh=hint and hint[1],
                )

    def _twice(
        self, first: tuple, second: tuple, words: Callable[..., tuple[str, str, str | None, str | None]]
    ) -> None:
        """A name given twice, at ``first`` and ``second`` (document paths of the two keys): reported at the one
        the file being checked writes (a revision's own line, not the base's it inherits; the second when both or
        neither are), with the other as a related place. ``words(here, there)`` gives (message, zh, hint,
        hint_zh) for the report at ``here``, the other being ``there``."""
        here, there = first, second
        if (self.marks.key_span(second) or _NOWHERE).file == self.file or (
            self.marks.key_span(first) or _NOWHERE
        ).file != self.file:
            here, there = second, first
        message, zh, hint, hint_zh = words(here, there)
        where = self.marks.key_span(there)
        related = (Related(where, "the other is here", "另一处在此"),) if where else ()
        self._error("WQ-DUPLICATE", message, here, key=True, hint=hint, zh=zh, hint_zh=hint_zh, related=related)

    def _check_confusables(self) -> None:
        """Names that are not what they look like (confusables.py): each where it is written."""
        d = self.doc
        named: list[tuple[tuple, str]] = [(("parameters", n), "parameter") for n in d.get("parameters") or {}]
        named += [(("definitions", n), "definition") for n in d.get("definitions") or {}]
        named += [(("metadata", n), "metadata item") for n in d.get("metadata") or {}]
        for dname, raw in (d.get("decisions") or {}).items():
            named.append((("decisions", dname), "decision"))
            for kind, what in (
                ("rules", "rule id"),
                ("outputs", "output"),
                ("definitions", "definition"),
                ("outcomes", "outcome"),
            ):
                named += [(("decisions", dname, kind, n), what) for n in raw.get(kind) or {}]
            for i, step in enumerate(raw.get("outcome") or []):
                for key in ("then", "otherwise"):
                    if isinstance(step, dict) and isinstance(step.get(key), str):
                        named.append((("decisions", dname, "outcome", i, key), "outcome"))
        sections: list[tuple] = [("definitions",)] + [("decisions", n, "definitions") for n in d.get("decisions") or {}]
        for section in sections:
            holder = d
            for step in section:
                holder = (holder or {}).get(step) or {}
            for dname_, raw in holder.items():
                if isinstance(raw, dict) and "each" in raw:
                    at = section + (dname_,)
                    if isinstance(raw.get("as"), str):
                        named.append((at + ("as",), "item name"))
                    named += [(at + ("carry", c), "carried value") for c in raw.get("carry") or {}]
                    named += [(at + ("fields", f), "field") for f in raw.get("fields") or {}]
        for path, what in named:
            is_key = path[-1] not in ("then", "otherwise", "as")
            name = path[-1] if is_key else _value_at_path(d, path)
            found = confusion(name)
            if found is not None:
                self._error(
                    "WQ-CONFUSABLE",
                    f"{what} `{name}` {found.en}",
                    path,
                    key=is_key,
                    hint=found.hint,
                    zh=f"名称 `{name}` {found.zh}",
                    hint_zh=found.hint_zh,
                    subject=str(name),
                )

    def _check_clauses(self, policy: PolicyVersion) -> None:
        clauses = policy.clauses
        if not clauses:
            return
        cited: list[tuple[Any, tuple]] = []
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
        for clause, where in cited:
            if clause is not None and str(clause) not in clauses:
                self._unknown_clause(str(clause), where, clauses)
        self._nested_clauses(policy, clauses)
        names = self._encodable_names(policy)
        for clause, entry in policy.clause_map.items():
            path = ("clause_map", clause)
            if clause not in clauses:
                self._unknown_clause(clause, path, clauses, key=True)
            if isinstance(entry, list):
                for i, item in enumerate(entry):
                    if item in names:
                        continue
                    if item in self.gone:
                        self.diagnostics.append(deleted_item(item, self.gone[item], self.marks.span(path + (i,))))
                        continue
                    close = typo_of(item, names)
                    hint = meant(close) if close else None
                    self._error(
                        "WQ-NAME",
                        f"clause {clause} maps to `{item}`, which is not a parameter, "
                        "definition, rule, output, decision or metadata item",
                        path + (i,),
                        hint=hint and hint[0],
                        subject=str(item),
                        zh=f"条款 {clause} 映射到 `{item}`，但它不是参数、定义、规则、输出、决定或元数据项",
                        hint_zh=hint and hint[1],
                    )
        for clause in clauses:
            if clause not in policy.clause_map:
                added = self.clause_edits.get(clause)
                self._error(
                    "WQ-CLAUSE",
                    f"clause {clause} is not in the clause map",
                    added[1] if added and added[0] == "added" else ("clause_map",) if "clause_map" in self.doc else (),
                    key=True,
                    hint="list what encodes it, or give `not_computable: <reason>`",
                    zh=f"条款 {clause} 不在条款映射（clause_map）中",
                    hint_zh="列出实现该条款的参数、规则等，或写 `not_computable: 原因`",
                )

    def _unknown_clause(self, clause, path, clauses, key=False, severity="error"):
        """A clause id the source document does not have, at ``path``, with the document as the other place. The
        one hint given is the same id written as the document writes ids (`３.２.３`, `3,2,3`, `3.2.3.`): a clause
        id that differs by a digit is another clause, never offered in its place."""
        removed = self.clause_edits.get(clause)
        if removed is not None and removed[0] == "removed":
            where = self.marks.span(removed[1])
            self._error(
                "WQ-CLAUSE",
                f"clause {clause} is removed (`clauses: remove`), but this still cites it",
                path,
                key=key,
                hint="remove the clause's entry from the clause map, and cite another clause here or remove this item",
                severity=severity,
                zh=f"条款 {clause} 已删除（`clauses: remove`），但这里仍引用它",
                hint_zh="从条款映射中删去该条款的条目，并在此改引其他条款或删去此项",
                related=[Related(where, f"clause {clause} is removed here", f"条款 {clause} 在此删除")]
                if where
                else [],
            )
            return
        written = clause_written(clause)
        close = written if written in clauses and written != clause else None
        document = self._source_document()
        self._error(
            "WQ-CLAUSE",
            f"clause `{clause}` does not exist in the source document",
            path,
            key=key,
            hint=f"write `{close}`" if close else None,
            severity=severity,
            zh=f"原文中没有条款 `{clause}`",
            hint_zh=f"请写 `{close}`" if close else None,
            related=[
                Related(
                    document,
                    "the source document, whose **[id]** tags list the clauses",
                    "原文文件：其中的 **[条款号]** 标记列出了全部条款",
                )
            ]
            if document
            else [],
        )

    def _source_document(self) -> Span | None:
        """Where the source document is (its first line), when the policy names one that can be found."""
        doc = (self.doc.get("source") or {}).get("document")
        if not isinstance(doc, str):
            return None
        folder, doc = self._written(("source", "document"), doc)
        found = inside(doc, folder, str(folder))
        if isinstance(found, Refusal):
            return None
        return Span(str(folder / doc) if not os.path.isabs(doc) else str(found[0]), 1, 1)  # as the policy names it

    def _nested_clauses(self, policy: PolicyVersion, clauses: dict) -> None:
        """The `clause:` of the entries of a parameter's value (an industry's 2.2.1): a warning where one is not
        in the source document (the entry itself still works; the clause it cites cannot be shown)."""
        for name in policy.parameters:
            raw = ((self.doc.get("parameters") or {}).get(name) or {}).get("value")
            if not isinstance(raw, dict):
                continue
            for key, entry in raw.items():
                if isinstance(entry, dict) and "clause" in entry and str(entry["clause"]) not in clauses:
                    self._unknown_clause(
                        str(entry["clause"]), ("parameters", name, "value", key, "clause"), clauses, severity="warning"
                    )

    @staticmethod
    def _encodable_names(policy: PolicyVersion) -> set[str]:
        names = set(policy.parameters) | set(policy.definitions) | set(policy.decisions) | set(policy.metadata)
        for dname, d in policy.decisions.items():
            names |= {r.id for r in d.rules} | set(d.definitions) | {f"{dname}.{o}" for o in d.outputs}
            # a rule that failed to build is still named: its own diagnostic says what is wrong with it
            names |= set((policy.raw.get("decisions") or {}).get(dname, {}).get("rules") or {})
        return names

    def _error(
        self,
        code: str,
        message: str,
        path: tuple,
        key: bool = False,
        hint: str | None = None,
        severity: str = "error",
        *,
        subject: str | None = None,
        zh: str | None = None,
        hint_zh: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        """A diagnostic at ``path`` of the document (at its key with ``key``); its subject and decision are
        those of the item the path lies in, unless ``subject`` is given."""
        span = self.marks.key_span(path) if key else self.marks.span(path)
        item, decision = item_of(path)
        self.diagnostics.append(
            Diagnostic(code, message, span, hint, severity, subject or item, decision, zh, hint_zh, tuple(related))
        )


_NOWHERE = Span("", 0, 0)


def deleted_item(name: str, what: tuple[str, str], span: Span | None) -> Diagnostic:
    """WQ-NAME for ``name``, an item deleted from a published version (``what``: its kind, English and Chinese)
    and still named at ``span``: said to be deleted, with no other name offered in its place."""
    en, zh = what
    return Diagnostic(
        "WQ-NAME",
        f"{en} {name} has been deleted (the published version recorded in the lock file has it), but it is still "
        "named here",
        span,
        "a published version cannot be changed: undo the deletion, and make the change in a revision "
        "(`wqpolicy revise`), where the item and every place that names it are removed together",
        subject=name,
        zh=f"{zh} {name} 已被删除（锁定文件记录的已发布版本中有此项），但这里仍引用它",
        hint_zh="已发布版本不可修改：请撤销删除，改用 `wqpolicy revise` 新建修订版本，"
        "在修订中一并删除该项及引用它的各处",
    )


def _value_at_path(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step] if isinstance(doc, (dict, list)) else None
    return doc


def _bundled_policy_folders() -> list[Path]:
    root = data_dir("policies")
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def literal_value(v: Any) -> Any:
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
        if (
            isinstance(node, ast.Unary)
            and node.op == "-"
            and isinstance(node.operand, ast.Literal)
            and node.operand.kind == "number"
        ):
            return -node.operand.value
        return v
    if isinstance(v, list):
        return [literal_value(x) for x in v]
    if isinstance(v, dict):  # a clause id ("2.2") inside a value stays text
        return {k: x if k == "clause" else literal_value(x) for k, x in v.items()}
    return v


def _text(raw: Any) -> Text | None:
    return Text(raw["zh"], raw["en"]) if isinstance(raw, dict) and "zh" in raw and "en" in raw else None


def date_of(v: Any, bad: Any = None) -> Any:
    """A policy's date field as written (a date, or text YYYY-MM-DD); None when not given, ``bad`` when unreadable."""
    if v is None or isinstance(v, datetime.date):
        return v
    try:
        return datetime.date.fromisoformat(str(v))
    except ValueError:
        return bad
