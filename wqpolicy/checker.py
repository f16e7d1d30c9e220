"""Static checks over expressions: names, fields, arity and types, and cycles among definitions.

One ``Checker`` covers one decision: it sees the policy's parameters and definitions, the decision's own
definitions and the fields of its input schema. It records the type of every node (the compiler reads them)
and collects every problem as a Diagnostic; nothing stops at the first.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from decimal import Decimal

from . import ast
from . import types as T
from .confusables import confusion
from .cost import MAX_COST, each_cost, node_cost, too_costly
from .cost import words as cost_words
from .display import decimal_text, excerpt
from .errors import Diagnostic, Related, meant, suggest, typo_of
from .functions import BUILTINS, Builtin
from .model import Decision, Definition, Expr, PolicyVersion
from .parameter_values import number_hints
from .source import Span
from .syntax_errors import keyword_for
from .values import is_number, is_whole

OUTCOME_COUNTS = ("passed", "failed", "unknown", "error", "advisories")
RULE_COUNTS = T.Record(tuple((n, T.NUMBER) for n in OUTCOME_COUNTS))

_OUTPUT_KINDS = {
    "money": T.NUMBER,
    "ratio": T.NUMBER,
    "number": T.NUMBER,
    "integer": T.NUMBER,
    "string": T.STRING,
    "bool": T.BOOL,
    "date": T.DATE,
}


# Codes of a parameter named one by one in never-a-value warnings, at most; the rest are counted in one.
_NAMED_CODES = 20

# Definitions built on definitions, at most (an engine limit, far above any guideline's: checking and
# evaluating follow each step on Python's stack).
MAX_CHAIN = 48


class Checker:
    """Types and names for one decision. ``types`` maps id(node) -> type once ``check`` has run."""

    def __init__(self, policy: PolicyVersion, decision: Decision, input_type: T.Record) -> None:
        self.policy = policy
        self.decision = decision
        self.input = input_type
        self.params = {n: T.of_value(p.value) for n, p in policy.parameters.items()}
        self.defs: dict[str, Definition] = {**policy.definitions, **decision.definitions}
        self.types: dict[int, T.Type | None] = {}
        self.def_types: dict[str, T.Type | None] = {}
        self.diagnostics: list[Diagnostic] = []
        self._in_progress: list[str] = []
        self._expr: Expr | None = None
        self._subject: str | None = None  # the rule, definition, output or "outcome" being checked

    # -- entry points -------------------------------------------------------------------------------
    def check(self) -> list[Diagnostic]:
        """Check every rule, the outcome steps and the outputs of the decision."""
        self._check_shadowing()
        for rule in self.decision.rules:
            self._subject = rule.id
            self.expect(rule.condition, T.BOOL, ("a rule's condition", "规则的条件"))
            self._check_cost(rule.condition)
        for step in self.decision.outcome:
            if step.when is not None:
                self._subject = "outcome"
                self.expect(step.when, T.BOOL, ("an outcome's `when`", "结论的 `when`"), {"rules": RULE_COUNTS})
                self._check_cost(step.when)
        for out in self.decision.outputs.values():
            self._subject = out.name
            want = _OUTPUT_KINDS.get(out.kind)
            if out.kind == "list":
                t = self.expr(out.expr, specials={"outcome": T.STRING})
                if out.expr is not None and not isinstance(t, T.ListOf) and t != T.ANY:
                    self._error_at(
                        out.expr,
                        out.expr.node,
                        "WQ-TYPE",
                        f"output `{out.name}` is declared a list but its expression gives {t}",
                        zh=f"输出 `{out.name}` 声明为列表，但其表达式得到的是{T.zh(t)}",
                    )
            elif want is not None:
                self.expect(
                    out.expr,
                    want,
                    (f"output `{out.name}` ({out.kind})", f"输出 `{out.name}`（{out.kind}）"),
                    {"outcome": T.STRING},
                )
            self._check_cost(out.expr)
        if self.decision.version_date is not None:
            self._subject = "version_date"
            self.expect(self.decision.version_date, T.DATE, ("a decision's `version_date`", "决定的 `version_date`"))
            self._check_cost(self.decision.version_date)
        self._subject = None
        return self.diagnostics

    def _check_cost(self, expr: Expr | None) -> None:
        """WQ-COST where ``expr`` (type-checked already) may take more steps than an expression may."""
        if expr is None:
            return
        found = too_costly(expr.node, self.types)
        if found is None:
            return
        node, total, bounds = found
        message, zh, hint, hint_zh = cost_words(total, bounds)
        start = ast.start(node)
        self.diagnostics.append(
            Diagnostic(
                "WQ-COST",
                message,
                expr.span(start, max(1, node.end - start)),
                hint,
                subject=self._subject,
                decision=self.decision.name,
                zh=zh,
                hint_zh=hint_zh,
            )
        )

    def _check_shadowing(self) -> None:
        """A parameter or definition named like a field of the input, or like `outcome` or `rules`, would be read
        in its place, silently: `partner_cases: {value: 99}` would decide every application on 99."""
        named: list[tuple[str, ...]] = [("parameters", n) for n in self.policy.parameters]
        named += [("definitions", n) for n in self.policy.definitions]
        named += [("decisions", self.decision.name, "definitions", n) for n in self.decision.definitions]
        for path in named:
            name, what = path[-1], "parameter" if path[0] == "parameters" else "definition"
            related: tuple[Related, ...] = ()
            what_zh = "参数" if what == "parameter" else "定义"
            if self.input.field(name) is not None:
                # said once for a parameter or definition of the policy, whichever decisions' inputs have the
                # field: each decision's input is a related place (policy._merged joins them)
                own = path[0] == "decisions"
                clash = (
                    f"a field of the input of decision `{self.decision.name}`"
                    if own
                    else "a field of a decision's input (each named as a related place)"
                )
                clash_zh = (
                    f"决定 `{self.decision.name}` 申报材料中的一个字段"
                    if own
                    else "某个决定申报材料中的一个字段（各处见附注）"
                )
                related = () if own else self._input_named()
            elif name in ("outcome", "rules"):
                clash = f"the decision's `{name}`, which outputs and outcome steps read"
                clash_zh = f"决定的 `{name}`（输出和结论步骤会读取它）"
            else:
                continue
            where = self.policy.marks.key_span(path) if self.policy.marks else None
            self.diagnostics.append(
                Diagnostic(
                    "WQ-DUPLICATE",
                    f"{what} `{name}` has the name of {clash}: expressions would read the {what} in its place",
                    where,
                    "give it another name",
                    subject=name,
                    decision=self.decision.name,
                    related=related,
                    zh=f"{what_zh} `{name}` 与{clash_zh}同名：表达式会读取这个{what_zh}，而不是它",
                    hint_zh="给它改一个名称",
                )
            )

    def _input_named(self) -> tuple[Related, ...]:
        """Where this decision names its input schema, as a related place of a finding about it."""
        marks = self.policy.marks
        where = marks.span(("decisions", self.decision.name, "input")) if marks else None
        return (
            (
                Related(
                    where,
                    f"the input schema of decision `{self.decision.name}`",
                    f"决定 `{self.decision.name}` 的输入格式",
                ),
            )
            if where
            else ()
        )

    def expect(
        self, expr: Expr | None, want: T.Type, what: tuple[str, str], specials: dict | None = None
    ) -> T.Type | None:
        """The type of ``expr``, WQ-TYPE when it is not ``want``; ``what`` names the place (English, Chinese). An
        expression that did not parse (None: reported already) is of any type."""
        t = self.expr(expr, specials=specials)
        if expr is not None and not T.fits(t, want):
            self._error_at(
                expr,
                expr.node,
                "WQ-TYPE",
                f"{what[0]} must be {want}, but this is {t}",
                zh=f"{what[1]}应为{T.zh(want)}，但这里得到的是{T.zh(t)}",
            )
        return t

    def expr(self, expr: Expr | None, locals_: dict | None = None, specials: dict | None = None) -> T.Type | None:
        if expr is None:  # it did not parse (reported already): of any type, so nothing else is blamed on it
            return T.ANY
        saved = self._expr
        self._expr = expr
        try:
            return self._visit(expr.node, dict(locals_ or {}), specials or {})
        finally:
            self._expr = saved

    # -- definitions --------------------------------------------------------------------------------
    def def_type(self, name: str, expr: Expr | None, node: ast.Node) -> T.Type | None:
        if name in self.def_types:
            return self.def_types[name]
        if name in self._in_progress:
            loop = self._in_progress[self._in_progress.index(name) :] + [name]
            self._error_at(
                expr,
                node,
                "WQ-CYCLE",
                "definitions depend on each other in a circle: " + " → ".join(loop),
                hint="a definition may not use itself, directly or through others",
                zh="定义之间循环引用：" + " → ".join(loop),
                hint_zh="定义不能直接或间接地引用自身",
            )
            return T.ANY
        if len(self._in_progress) >= MAX_CHAIN:
            chain = f"{' → '.join(self._in_progress[:3])} → … → {name}"
            self._error_at(
                expr,
                node,
                "WQ-CYCLE",
                f"definitions are built on one another more than {MAX_CHAIN} deep: {chain}",
                hint="an engine limit: compute the value in fewer steps",
                zh=f"定义层层引用超过 {MAX_CHAIN} 层：{chain}",
                hint_zh="这是引擎的限制：用更少的步骤算出这个值",
            )
            return T.ANY
        self._in_progress.append(name)
        subject, self._subject = self._subject, name
        try:
            d = self.defs[name]
            if d.each is not None:
                t = self._each_type(d)
            else:
                t = self.expr(d.expr)
                self._check_cost(d.expr)
        finally:
            self._in_progress.pop()
            self._subject = subject
        self.def_types[name] = t
        return t

    def _each_type(self, d: Definition) -> T.Type | None:
        each = d.each
        assert each is not None
        source = self.expr(each.source)
        if each.source is not None and not isinstance(source, T.ListOf) and source != T.ANY:
            self._error_at(
                each.source,
                each.source.node,
                "WQ-TYPE",
                f"`each` needs a list, not {source}",
                zh=f"`each` 需要列表，而不是{T.zh(source)}",
            )
            source = T.ListOf(T.ANY)
        marks = self.policy.marks
        self._shadowed_loop_name(
            (marks.span(self._def_path(d.name) + ("as",)) if marks else None) or _start_of(each.source), each.var, {}
        )
        local = {each.var: source.item if isinstance(source, T.ListOf) else T.ANY}
        if each.order_by is not None:
            t = self.expr(each.order_by, local)
            if t not in (T.NUMBER, T.DATE, T.STRING, T.ANY):
                self._error_at(
                    each.order_by,
                    each.order_by.node,
                    "WQ-TYPE",
                    f"cannot order by {t} values",
                    zh=f"不能按{T.zh(t)}排序（可按数字、日期或文字排序）",
                )
        for name, (start, _) in each.carry.items():
            local[name] = self.expr(start)
        fields = []
        for name, e in each.fields.items():
            t = self.expr(e, local)
            local[name] = t
            fields.append((name, t))
        for name, (_start, nxt) in each.carry.items():
            t = self.expr(nxt, local)
            if T.join(t, local[name]) is None:
                self._error_at(
                    nxt,
                    nxt.node,
                    "WQ-TYPE",
                    f"carry `{name}` starts as {local[name]} but `next` gives {t}",
                    zh=f"累计值 `{name}` 起初是{T.zh(local[name])}，但 `next` 得到的是{T.zh(t)}",
                )
        most = source.most if isinstance(source, T.ListOf) else T.MAX_LIST_ITEMS
        per_item = [
            e for e in [each.order_by, *each.fields.values(), *(n for _, n in each.carry.values())] if e is not None
        ]
        once = [e for e in [each.source, *(s for s, _ in each.carry.values())] if e is not None]
        total = each_cost(
            most, sum(node_cost(e.node, self.types) for e in per_item), sum(node_cost(e.node, self.types) for e in once)
        )
        if total > MAX_COST:
            message, zh, hint, hint_zh = cost_words(total, [most])
            where = self.policy.marks.key_span(self._def_path(d.name)) if self.policy.marks else None
            self.diagnostics.append(
                Diagnostic(
                    "WQ-COST",
                    message,
                    where or _start_of(each.source),
                    hint,
                    subject=d.name,
                    decision=self.decision.name,
                    zh=zh,
                    hint_zh=hint_zh,
                )
            )
        return T.ListOf(T.Record(tuple(fields)), source.bound if isinstance(source, T.ListOf) else None)

    def _def_path(self, name: str) -> tuple:
        return (
            ("decisions", self.decision.name, "definitions", name)
            if name in self.decision.definitions
            else ("definitions", name)
        )

    # -- nodes --------------------------------------------------------------------------------------
    def _visit(self, n: ast.Node, local: dict, specials: dict) -> T.Type | None:
        t = getattr(self, "_" + type(n).__name__)(n, local, specials)
        self.types[id(n)] = t
        return t

    def _Literal(self, n: ast.Literal, local: dict, specials: dict) -> T.Type | None:
        return {
            "number": T.NUMBER,
            "string": T.STRING,
            "bool": T.BOOL,
            "date": T.DATE,
            "duration": T.DURATION,
            "unknown": T.ANY,  # stands where a value of any type may: `if … then unknown else 0` is a number
        }[n.kind]

    def _IsKnown(self, n: ast.IsKnown, local: dict, specials: dict) -> T.Type | None:
        if _is_unknown_literal(n.subject):
            self._error_at(
                self._expr,
                n,
                "WQ-TYPE",
                f"`unknown {n.op}` is always {'false' if n.known else 'true'}: test a value that may be missing",
                zh=f"`unknown {n.op}` 的结果永远是{'假' if n.known else '真'}：应检验可能缺失的值",
            )
        self._visit(n.subject, local, specials)
        return T.BOOL

    def _Name(self, n: ast.Name, local: dict, specials: dict) -> T.Type | None:
        name = n.name
        if name in local:
            return local[name]
        if name in self.defs:
            return self.def_type(name, self._expr, n)
        if name in self.params:
            return self.params[name]
        field = self.input.field(name)
        if field is not None:
            return field
        if name in specials:
            return specials[name]
        gone = getattr(self.policy, "gone", {}).get(name)
        if gone is not None:  # deleted from a published version: never matched by spelling to another item
            en, zh = gone
            self._error_at(
                self._expr,
                n,
                "WQ-NAME",
                f"{en} `{name}` has been deleted (the published version recorded in the lock file has it), but "
                "this expression still reads it",
                "a published version cannot be changed: undo the deletion, and make the change in a revision "
                "(`wqpolicy revise`)",
                zh=f"{zh} `{name}` 已被删除（锁定文件记录的已发布版本中有此项），但此表达式仍读取它",
                hint_zh="已发布版本不可修改：请撤销删除，改用 `wqpolicy revise` 新建修订版本",
            )
            return T.ANY
        known = [*local, *self.defs, *self.params, *self.input.names(), *specials]
        keyword = keyword_for(name)
        close = typo_of(name, known)
        numbered = number_hints(name)
        hint = (
            (f"write `{keyword}`: keywords are lower-case English", f"请写 `{keyword}`：关键字用小写英文")
            if keyword
            else (meant(close) if close else None)
            or (numbered if numbered[0] is not None else None)
            or (f'if this is text, put it in quotes: "{name}"', f'如果这是文字，请加上引号："{name}"')
        )
        self._error_at(
            self._expr, n, "WQ-NAME", f"unknown name `{name}`", hint[0], zh=f"未知的名称 `{name}`", hint_zh=hint[1]
        )
        return T.ANY

    def _Field(self, n: ast.Field, local: dict, specials: dict) -> T.Type | None:
        subject = self._visit(n.subject, local, specials)
        if subject == T.ANY:
            return T.ANY
        if isinstance(subject, T.MapOf):
            return subject.value
        if isinstance(subject, T.Record):
            t = subject.field(n.name)
            if t is None:
                where = _dotted(n.subject) or "this record"
                hint = suggest(n.name, subject.names())
                self._error_at(
                    self._expr,
                    n,
                    "WQ-NAME",
                    f"`{where}` has no field `{n.name}`",
                    hint and hint[0],
                    offset=n.subject.end + 1,
                    zh=f"`{_dotted(n.subject) or '这条记录'}` 没有字段 `{n.name}`",
                    hint_zh=hint and hint[1],
                )
                return T.ANY
            return t
        self._error_at(
            self._expr,
            n,
            "WQ-TYPE",
            f"{subject} has no fields (`.{n.name}`)",
            offset=n.subject.end,
            zh=f"{T.zh(subject)}没有字段（`.{n.name}`）",
        )
        return T.ANY

    def _Index(self, n: ast.Index, local: dict, specials: dict) -> T.Type | None:
        subject = self._visit(n.subject, local, specials)
        key = self._visit(n.key, local, specials)
        if isinstance(subject, T.MapOf):
            self._want(n.key, key, T.STRING, ("a mapping key", "代码表的代码"))
            return subject.value
        if isinstance(subject, T.ListOf):
            self._want(n.key, key, T.NUMBER, ("a list position", "列表的位置"))
            position = self._known_number(n.key, local)
            if position is not None and not is_whole(position):
                self._error_at(
                    self._expr,
                    n.key,
                    "WQ-TYPE",
                    f"a list position must be a whole number, not {decimal_text(position)}",
                    zh=f"列表的位置必须是整数，而不是 {decimal_text(position)}",
                )
            return subject.item
        if isinstance(subject, T.Record):
            self._want(n.key, key, T.STRING, ("a field name", "字段名"))
            joined: T.Type = T.ANY
            for _, ft in subject.fields:
                joined = T.join(joined, ft) or T.ANY
            return joined
        if subject != T.ANY:
            self._error_at(
                self._expr,
                n,
                "WQ-TYPE",
                f"cannot look up `[…]` in {subject}",
                zh=f"不能在{T.zh(subject)}中用 `[…]` 查找",
            )
        return T.ANY

    def _known_number(self, n: ast.Node, local: dict) -> Decimal | int | None:
        """The value of ``n`` when it is known before any input: a number, negated or not, or a parameter."""
        if isinstance(n, ast.Unary) and n.op == "-":
            v = self._known_number(n.operand, local)
            return None if v is None else -v
        if isinstance(n, ast.Literal):
            v = n.value
        elif (
            isinstance(n, ast.Name)
            and n.name not in local
            and n.name not in self.defs
            and n.name in self.policy.parameters
        ):
            v = self.policy.parameters[n.name].value
        else:
            return None
        return v if is_number(v) else None

    def _Unary(self, n: ast.Unary, local: dict, specials: dict) -> T.Type | None:
        t = self._visit(n.operand, local, specials)
        if n.op == "not":
            self._want(n.operand, t, T.BOOL, ("the operand of `not`", "`not` 所作用的值"))
            return T.BOOL
        self._want(n.operand, t, T.NUMBER, ("the operand of `-`", "负号 `-` 所作用的值"))
        return T.NUMBER

    def _Binary(self, n: ast.Binary, local: dict, specials: dict) -> T.Type | None:
        a = self._visit(n.left, local, specials)
        b = self._visit(n.right, local, specials)
        op = n.op
        if op in ("and", "or"):
            self._want(n.left, a, T.BOOL, (f"the left side of `{op}`", f"`{op}` 的左边"))
            self._want(n.right, b, T.BOOL, (f"the right side of `{op}`", f"`{op}` 的右边"))
            return T.BOOL
        if op in ("in", "not in"):
            self._text_as_list(n.right, b, op)
            if isinstance(a, T.Codes):
                self._never_held(n.left, a, n.right)
            if isinstance(b, T.ListOf):
                if T.join(a, b.item) is None:
                    self._error_at(
                        self._expr,
                        n,
                        "WQ-TYPE",
                        f"`{op}` looks for {a} in a {b}",
                        zh=f"`{op}` 在{T.zh(b)}中查找{T.zh(a)}，永远找不到",
                    )
            elif isinstance(b, (T.MapOf, T.Record)):
                self._want(n.left, a, T.STRING, (f"the left side of `{op}` (a key)", f"`{op}` 的左边（代码）"))
            elif b == T.STRING:
                self._want(n.left, a, T.STRING, (f"the left side of `{op}`", f"`{op}` 的左边"))
            elif b != T.ANY:
                self._error_at(
                    self._expr,
                    n,
                    "WQ-TYPE",
                    f"the right side of `{op}` must be a list, not {b}",
                    zh=f"`{op}` 的右边应为列表，而不是{T.zh(b)}",
                )
            return T.BOOL
        if op in ("==", "!=") and (_is_unknown_literal(n.left) or _is_unknown_literal(n.right)):
            other = n.right if _is_unknown_literal(n.left) else n.left
            said = (_dotted(other) or "x") if not _is_unknown_literal(other) else "x"
            test = "is unknown" if op == "==" else "is known"
            self._error_at(
                self._expr,
                n,
                "WQ-TYPE",
                f"`{op} unknown` is unknown whatever the other side is, so it never decides",
                f"to test whether a value is missing, write `{said} {test}`",
                zh=f"`{op} unknown` 无论另一边是什么，结果都是待定，永远无法判断",
                hint_zh=f"要检验一个值是否缺失，请写 `{said} {test}`",
            )
            return T.BOOL
        if op in ("==", "!="):
            if (isinstance(a, T.Codes) and isinstance(n.right, ast.Literal)) or (
                isinstance(b, T.Codes) and isinstance(n.left, ast.Literal)
            ):
                if isinstance(a, T.Codes):
                    self._never_held(n.left, a, n.right)
                elif isinstance(b, T.Codes):
                    self._never_held(n.right, b, n.left)
            if T.join(a, b) is None:
                self._error_at(
                    self._expr,
                    n,
                    "WQ-TYPE",
                    f"comparing {a} with {b} is always false",
                    hint="compare values of the same type",
                    zh=f"{T.zh(a)}与{T.zh(b)}相比较，结果永远为假",
                    hint_zh="只比较同一类型的值",
                )
            return T.BOOL
        if op in ("<", "<=", ">", ">="):
            if T.join(a, b) is None or T.join(a, b) not in (T.NUMBER, T.DATE, T.STRING, T.ANY):
                # `2021/1/1` is a division: a date written as people write it by hand
                dated = {a, b} == {T.DATE, T.NUMBER}
                self._error_at(
                    self._expr,
                    n,
                    "WQ-TYPE",
                    f"cannot order {a} against {b} with `{op}`",
                    "a date is written YYYY-MM-DD, e.g. 2021-01-01" if dated else None,
                    zh=f"不能用 `{op}` 比较{T.zh(a)}和{T.zh(b)}的大小",
                    hint_zh="日期写成 YYYY-MM-DD，例如 2021-01-01" if dated else None,
                )
            return T.BOOL
        if op == "+" and (a, b) in ((T.DATE, T.DURATION), (T.DURATION, T.DATE)):
            return T.DATE
        if op == "-" and (a, b) == (T.DATE, T.DURATION):
            return T.DATE
        if op == "+" and T.STRING in (a, b) and T.join(a, b) is not None:
            return T.STRING
        self._want(n.left, a, T.NUMBER, (f"the left side of `{op}`", f"`{op}` 的左边"))
        self._want(n.right, b, T.NUMBER, (f"the right side of `{op}`", f"`{op}` 的右边"))
        return T.NUMBER

    def _never_held(self, field: ast.Node, codes: T.Codes, n: ast.Node) -> None:
        """A warning for each text in ``n`` (a literal, a list of them, or a list or mapping parameter) that
        ``field`` can never hold, its input schema listing the codes it may: a code misspelt in the policy, or one
        a revision added to a parameter but not to the schema, so that no input can ever match it."""
        if isinstance(n, ast.Literal):
            texts = [n.value]
        elif isinstance(n, ast.ListExpr) and all(isinstance(x, ast.Literal) for x in n.items):
            texts = [x.value for x in n.items]
        elif isinstance(n, ast.Name) and n.name in self.policy.parameters:
            value = self.policy.parameters[n.name].value
            texts = list(value) if isinstance(value, (list, dict)) else []
        else:
            return
        never = [t for t in texts if isinstance(t, str) and t not in codes.values]
        if not never:
            return
        # the decision is named by a related place, its `input:`, so that the same finding in a definition that
        # several decisions read is one finding (policy._merged), naming each
        allowed = f"its input schema allows only {', '.join(sorted(codes.values))}"
        allowed_zh = f"输入格式只允许 {', '.join(sorted(codes.values))}"
        name = _dotted(field) or "the left side"
        name_zh = _dotted(field) or "左边"
        hint = (
            "add the code to the field's `enum` in the input schema, or correct it here",
            "把这个代码加入输入格式中该字段的 enum，或在此更正",
        )
        assert self._expr is not None
        read_at = self._expr.span(n.pos, max(1, n.end - n.pos))
        related = self._input_named()
        if not isinstance(n, ast.Name):
            shown = ", ".join(f"`{t}`" for t in never)
            self.diagnostics.append(
                Diagnostic(
                    "WQ-TYPE",
                    f"this is {shown}, which `{name}` can never be: {allowed}",
                    read_at,
                    (suggest(never[0], codes.values) or hint)[0],
                    "warning",
                    subject=self._subject,
                    decision=self.decision.name,
                    related=related,
                    zh=f"这里是 {shown}，而 `{name_zh}` 不可能取这个值：{allowed_zh}",
                    hint_zh=(suggest(never[0], codes.values) or hint)[1],
                )
            )
            return
        positions = self._item_positions(n.name)
        for text in never[:_NAMED_CODES]:  # at the item, where it is fixed (in a revision, when it added it)
            where = self._item_span(n.name, text, positions) or read_at
            self.diagnostics.append(
                Diagnostic(
                    "WQ-TYPE",
                    f"`{excerpt(text)}` in `{n.name}` is never a value of `{name}` (read at {read_at}): {allowed}",
                    where,
                    (suggest(text, codes.values) or hint)[0],
                    "warning",
                    subject=n.name,
                    decision=self.decision.name,
                    related=related,
                    zh=f"`{n.name}` 中的 `{excerpt(text)}` 不可能是 `{name_zh}` 的取值"
                    f"（读取于 {read_at}）：{allowed_zh}",
                    hint_zh=(suggest(text, codes.values) or hint)[1],
                )
            )
        if len(never) > _NAMED_CODES:  # the rest counted, after the last named: a list of 100,000 is not named
            last = self._item_span(n.name, never[_NAMED_CODES], positions) or read_at
            self.diagnostics.append(
                Diagnostic(
                    "WQ-TYPE",
                    f"{len(never) - _NAMED_CODES:,} more items of `{n.name}` are never a value of `{name}` "
                    f"(read at {read_at}): {allowed}",
                    last,
                    hint[0],
                    "warning",
                    subject=n.name,
                    decision=self.decision.name,
                    zh=f"`{n.name}` 中另有 {len(never) - _NAMED_CODES:,} 项不可能是 `{name}` 的取值",
                    hint_zh="把这些代码加入输入格式中该字段的 enum，或在此更正",
                    related=related,
                )
            )

    def _item_positions(self, parameter: str) -> dict:
        """Each text item of a list parameter -> its first position: found once per parameter, so that naming each
        of many items is not a search of the list each time."""
        value = self.policy.parameters[parameter].value
        out: dict = {}
        for i, x in enumerate(value if isinstance(value, list) else ()):
            if isinstance(x, str):
                out.setdefault(x, i)
        return out

    def _item_span(self, parameter: str, item: str, positions: dict) -> Span | None:
        """Where ``item`` of a list or mapping parameter is written, when the policy's marks are known."""
        marks, value = self.policy.marks, self.policy.parameters[parameter].value
        if not marks:
            return None
        if isinstance(value, dict):
            mark = marks.get(("<key>", "parameters", parameter, "value", item))
        else:
            index = positions.get(item)
            mark = marks.get(("parameters", parameter, "value", index)) if index is not None else None
        return mark.span(0, len(item)) if mark else None

    def _text_as_list(self, n: ast.Node, t: T.Type | None, op: str) -> None:
        """A parameter meant as a list but written as one text (`value: a, b`): `in` would look for a part of
        the text, and match `a` in `ab`. A parameter declared `type: string` is text on purpose."""
        if t != T.STRING or not isinstance(n, ast.Name) or n.name not in self.policy.parameters:
            return
        p = self.policy.parameters[n.name]
        if p.kind != "string" and isinstance(p.value, str):
            items = excerpt(", ".join(x.strip() for x in p.value.replace("，", ",").replace("、", ",").split(",")))
            self._error_at(
                self._expr,
                n,
                "WQ-TYPE",
                f"`{n.name}` is one text, `{excerpt(p.value)}`, so `{op}` looks for a part of it, not for an item",
                hint=f"write its value as a list, [{items}], or declare `type: string` if a part of the text is meant",
                zh=f"`{n.name}` 是一段文字 `{excerpt(p.value)}`，所以 `{op}` 查找的是文字的一部分，而不是列表中的一项",
                hint_zh=f"把取值写成列表 [{items}]；如果确实要查找文字的一部分，请声明 `type: string`",
            )

    def _If(self, n: ast.If, local: dict, specials: dict) -> T.Type | None:
        c = self._visit(n.cond, local, specials)
        self._want(n.cond, c, T.BOOL, ("the condition of `if`", "`if` 的条件"))
        a = self._visit(n.then, local, specials)
        b = self._visit(n.other, local, specials)
        t = T.join(a, b)
        if t is None:
            self._error_at(
                self._expr,
                n.other,
                "WQ-TYPE",
                f"`then` gives {a} but `else` gives {b}",
                offset=ast.start(n.other),
                zh=f"`then` 得到的是{T.zh(a)}，而 `else` 得到的是{T.zh(b)}",
                hint_zh="两边应得到同一类型的值",
                hint="both should give values of one type",
            )
            return T.ANY
        return t

    def _ListExpr(self, n: ast.ListExpr, local: dict, specials: dict) -> T.Type | None:
        item: T.Type = T.ANY
        for x in n.items:
            t = self._visit(x, local, specials)
            joined = T.join(item, t)
            if joined is None:
                self._error_at(
                    self._expr, x, "WQ-TYPE", f"a list mixes {item} and {t}", zh=f"列表中混有{T.zh(item)}和{T.zh(t)}"
                )
                joined = T.ANY
            item = joined
        return T.ListOf(item, len(n.items))

    def _Call(self, n: ast.Call, local: dict, specials: dict) -> T.Type | None:
        if n.func == "at" and len(n.args) == 2:
            return self._at(n, local, specials)
        fn = self._builtin(n, n.func)
        args = [self._visit(a, local, specials) for a in n.args]
        if fn is None:
            return T.ANY
        if not fn.min_args <= len(args) <= fn.max_args:
            want = str(fn.min_args) if fn.min_args == fn.max_args else f"{fn.min_args} to {fn.max_args}"
            want_zh = str(fn.min_args) if fn.min_args == fn.max_args else f"{fn.min_args} 到 {fn.max_args}"
            self._error_at(
                self._expr,
                n,
                "WQ-ARITY",
                f"`{fn.name}` takes {want} argument{'s' if want != '1' else ''}, not {len(args)}",
                hint=fn.doc,
                zh=f"`{fn.name}` 需要 {want_zh} 个参数，而这里给了 {len(args)} 个",
                hint_zh=fn.doc_zh,
            )
            return T.ANY
        return self._result(fn, n, args)

    def _at(self, n: ast.Call, local: dict, specials: dict) -> T.Type | None:
        """`at(parameter, date)`: the first argument names a parameter (its value in the version in force on the
        date is read, not the value of this version), the second is a date."""
        first, day = n.args
        named = isinstance(first, ast.Name) and first.name not in local and first.name not in self.defs
        if named and first.name in self.params:
            t = self.params[first.name]
            self.types[id(first)] = t
            return self._result(BUILTINS["at"], n, [t, self._visit(day, local, specials)])
        self._visit(first, local, specials)  # an unknown or deleted name is said to be so (WQ-NAME)
        self._visit(day, local, specials)
        if named and self.input.field(first.name) is None and first.name not in specials:
            return T.ANY
        what, what_zh = _at_argument(first, self, local)
        self._error_at(
            self._expr,
            first,
            "WQ-TYPE",
            f"`at` takes a parameter's name first, and {what} is not one",
            "at(parameter, date) gives the value a parameter had on a date, e.g. at(first_tranche_share, "
            "recognized_on); for a value worked out from parameters, use `at` on each parameter it reads",
            offset=ast.start(first),
            zh=f"`at` 的第一个参数应为参数名，而{what_zh}不是参数",
            hint_zh="at(参数, 日期) 给出某一参数在某日的取值，例如 at(first_tranche_share, recognized_on)；"
            "要得到由参数算出的值，请对其中每个参数分别使用 `at`",
        )
        return T.ANY

    def _Aggregate(self, n: ast.Aggregate, local: dict, specials: dict) -> T.Type | None:
        source = self._visit(n.source, local, specials)
        if not isinstance(source, T.ListOf) and source != T.ANY:
            self._error_at(
                self._expr,
                n.source,
                "WQ-TYPE",
                f"`for … in` needs a list, not {source}",
                zh=f"`for … in` 需要列表，而不是{T.zh(source)}",
            )
        self._shadowed_loop_name(self._loop_name_span(n), n.var, local)
        inner = dict(local)
        inner[n.var] = source.item if isinstance(source, T.ListOf) else T.ANY
        if n.cond is not None:
            c = self._visit(n.cond, inner, specials)
            self._want(n.cond, c, T.BOOL, ("the `if` filter", "`if` 筛选条件"))
        element = self._visit(n.element, inner, specials)
        if n.func is None:
            return T.ListOf(element, source.bound if isinstance(source, T.ListOf) else None)
        fn = self._builtin(n, n.func)
        if fn is None:
            return T.ANY
        if not fn.collection:
            self._error_at(
                self._expr,
                n,
                "WQ-ARITY",
                f"`{fn.name}` does not take a `for` form",
                hint=fn.doc,
                zh=f"`{fn.name}` 不能使用 `for` 写法",
                hint_zh=fn.doc_zh,
            )
            return T.ANY
        return self._result(fn, n, [T.ListOf(element)])

    def _shadowed_loop_name(self, where: Span | None, var: str, local: dict) -> None:
        """A loop's item name (at ``where``) that is a look-alike, or the name of something the loop could read:
        inside the loop it means the item, so the other is hidden there (`sum(min_investment for min_investment
        in …)`)."""
        name = confusion(var)
        if name is not None:
            self.diagnostics.append(
                Diagnostic(
                    "WQ-CONFUSABLE",
                    f"the loop's item name `{var}` {name.en}",
                    where,
                    name.hint,
                    subject=self._subject,
                    decision=self.decision.name,
                    zh=f"循环的项名 `{var}` {name.zh}",
                    hint_zh=name.hint_zh,
                )
            )
        if var in local:
            what, zh = "the item of an enclosing loop", "外层循环的项"
        elif var in self.defs:
            what, zh = "a definition", "一个定义"
        elif var in self.params:
            what, zh = "a parameter", "一个参数"
        elif self.input.field(var) is not None:
            what, zh = "a field of the input", "输入中的一个字段"
        else:
            return
        self.diagnostics.append(
            Diagnostic(
                "WQ-DUPLICATE",
                f"the loop's item is named `{var}`, the name of {what}: inside the loop `{var}` means "
                f"the item, and the other is hidden",
                where,
                "name the item otherwise (a letter, as in `for i in …`)",
                subject=self._subject,
                decision=self.decision.name,
                zh=f"循环的项名为 `{var}`，与{zh}同名：在循环内 `{var}` 指该项，另一个被遮蔽",
                hint_zh="给循环的项另起名称（如 `for i in …` 中的一个字母）",
            )
        )

    def _loop_name_span(self, n: ast.Aggregate) -> Span | None:
        """Where the item name of the loop ``n`` is written: after `for`, between its element and its list."""
        assert self._expr is not None
        text = self._expr.text
        found = re.search(rf"\bfor\s+({re.escape(n.var)})(?!\w)", text[n.element.end : ast.start(n.source)])
        at = n.element.end + found.start(1) if found else n.pos
        return self._expr.span(at, len(n.var) if found else 1)

    def _builtin(self, n: ast.Node, func: str) -> Builtin | None:
        fn = BUILTINS.get(func)
        if fn is None:
            hint = suggest(func, BUILTINS)
            self._error_at(
                self._expr,
                n,
                "WQ-NAME",
                f"unknown function `{func}`",
                hint and hint[0],
                length=len(func),
                zh=f"未知的函数 `{func}`",
                hint_zh=hint and hint[1],
            )
        return fn

    def _result(self, fn: Builtin, n: ast.Node, args: list[T.Type | None]) -> T.Type | None:
        try:
            return fn.result(args)
        except TypeError as e:
            self._error_at(
                self._expr,
                n,
                "WQ-TYPE",
                f"{fn.name}: {e}",
                hint=fn.doc,
                length=len(fn.name),
                zh=f"{fn.name}：{getattr(e, 'zh', None) or e}",
                hint_zh=fn.doc_zh,
            )
            return T.ANY

    # -- reporting ----------------------------------------------------------------------------------
    def _want(self, node, actual, want, what: tuple[str, str]):
        """WQ-TYPE when ``actual`` is not ``want``; ``what`` names the place (English, Chinese)."""
        if not T.fits(actual, want):
            self._error_at(
                self._expr,
                node,
                "WQ-TYPE",
                f"{what[0]} must be {want}, not {actual}",
                zh=f"{what[1]}应为{T.zh(want)}，而不是{T.zh(actual)}",
            )

    def _error_at(
        self,
        expr: Expr | None,
        node: ast.Node,
        code: str,
        message: str,
        hint: str | None = None,
        offset: int | None = None,
        length: int | None = None,
        *,
        zh: str | None = None,
        hint_zh: str | None = None,
    ) -> None:
        """A diagnostic at ``node`` of ``expr`` (from ``offset``, ``length`` characters, when given); without a place
        when there is no expression (the checker reports only while one is being checked)."""
        start = node.pos if offset is None else offset
        size = length if length is not None else max(1, node.end - start)
        self.diagnostics.append(
            Diagnostic(
                code,
                message,
                expr.span(start, size) if expr is not None else None,
                hint,
                subject=self._subject,
                decision=self.decision.name,
                zh=zh,
                hint_zh=hint_zh,
            )
        )


def _at_argument(n: ast.Node, checker: Checker, local: dict) -> tuple[str, str]:
    """What the first argument of an `at` is, when it is no parameter (English, Chinese)."""
    if isinstance(n, ast.Name):
        if n.name in local:
            return f"`{n.name}` (a loop's item)", f"`{n.name}`（循环的项）"
        if n.name in checker.defs:
            return f"`{n.name}` (a definition)", f"`{n.name}`（定义）"
        if checker.input.field(n.name) is not None:
            return f"`{n.name}` (a field of the input)", f"`{n.name}`（申报材料的字段）"
        return f"`{n.name}`", f"`{n.name}`"
    return "this expression", "这个表达式"


def _is_unknown_literal(n: ast.Node) -> bool:
    return isinstance(n, ast.Literal) and n.kind == "unknown"


def _start_of(expr: Expr | None) -> Span | None:
    """Where ``expr`` starts in its file (None for one that did not parse)."""
    return expr.span(0, 1) if expr is not None else None


def _dotted(n: ast.Node) -> str | None:
    if isinstance(n, ast.Name):
        return n.name
    if isinstance(n, ast.Field):
        head = _dotted(n.subject)
        return f"{head}.{n.name}" if head else None
    return None


def reads(expr: Expr, local_names: Iterable[str] = (), at_dates: bool = True) -> list[tuple[str, ast.Node]]:
    """The names and paths an expression reads, as (source text, node), first seen first; loop variables
    excluded, and the parameter of an `at(parameter, date)` (its value on the date is read, not this version's).
    A path is a name followed by `.field` and `[key]` steps: `industries[platform.industry].zh`. With ``at_dates``
    false, what an `at` reads is left out altogether, its date too."""
    out: dict[str, ast.Node] = {}

    def visit(n: ast.Node, local: frozenset[str]) -> None:
        root = _path_root(n)
        if root is not None:
            if root not in local:
                # `items[i.n].flag` inside `for i in …` has no value of its own: what it reads is `items`
                head = _free_of(n, local)
                text = expr.text[head.pos : head.end]
                out.setdefault(text if _has_index(head) else _dotted(head) or text, head)
            for sub in _index_keys(n):
                visit(sub, local)
            return
        if isinstance(n, ast.Aggregate):
            visit(n.source, local)
            inner = local | {n.var}
            for c in (n.element, n.cond):
                if c is not None:
                    visit(c, inner)
            return
        if isinstance(n, ast.Call) and n.func == "at" and len(n.args) == 2 and isinstance(n.args[0], ast.Name):
            if at_dates:  # at(p, d) reads p's value on d, not the value of this version: d is read
                visit(n.args[1], local)
            return
        for c in ast.children(n):
            visit(c, local)

    visit(expr.node, frozenset(local_names))
    return list(out.items())


def item_reads(checker: Checker, expr: Expr, seen: set | None = None) -> list[tuple[str, str]]:
    """(input list path, field) for each field of an input list's items that ``expr`` reads in a loop over it
    (`f.rd_expense for f in finances` -> ("finances", "rd_expense")), following definitions transitively and
    through aliases (`investment_items: investment`): where a missing field inside an item is named from."""
    seen = set() if seen is None else seen
    out: dict[tuple[str, str], None] = {}

    def source_path(n: ast.Node) -> str | None:
        path = _dotted(n)
        if path is None:
            return None
        root = path.split(".")[0]
        d = checker.defs.get(root)
        if d is not None:
            return source_path(d.expr.node) if d.expr is not None and "." not in path else None
        return path if root not in checker.params and checker.input.field(root) is not None else None

    def fields_of(var: str, path: str, nodes: Iterable[ast.Node]) -> None:
        for node in nodes:
            for n in ast.walk(node):
                if isinstance(n, ast.Field) and isinstance(n.subject, ast.Name) and n.subject.name == var:
                    out.setdefault((path, n.name))

    def definition(name: str) -> None:
        if name in seen or name not in checker.defs:
            return
        seen.add(name)
        d = checker.defs[name]
        for e in [d.expr] if d.expr is not None else []:
            out.update(dict.fromkeys(item_reads(checker, e, seen)))
        if d.each is not None:
            each = d.each
            parts = [
                x
                for x in [each.order_by, *each.fields.values(), *(y for pair in each.carry.values() for y in pair)]
                if x is not None
            ]
            path = source_path(each.source.node) if each.source is not None else None
            if path is not None:
                fields_of(each.var, path, [x.node for x in parts])
            for x in [each.source, *parts]:
                out.update(dict.fromkeys(item_reads(checker, x, seen)))

    for n in ast.walk(expr.node):
        if isinstance(n, ast.Aggregate):
            path = source_path(n.source)
            if path is not None:
                fields_of(n.var, path, [c for c in (n.element, n.cond) if c is not None])
        elif isinstance(n, ast.Name):
            definition(n.name)
    return list(out)


def _path_root(n: ast.Node) -> str | None:
    while isinstance(n, (ast.Field, ast.Index)):
        n = n.subject
    return n.name if isinstance(n, ast.Name) else None


def _free_of(n: ast.Node, local: Container[str]) -> ast.Node:
    """The longest head of path ``n`` whose `[key]` steps use no loop variable of ``local``."""
    head, step = n, n
    while isinstance(step, (ast.Field, ast.Index)):
        if isinstance(step, ast.Index) and _uses(step.key, local):
            head = step.subject
        step = step.subject
    return head


def _uses(n: ast.Node, names: Container[str]) -> bool:
    return (isinstance(n, ast.Name) and n.name in names) or any(_uses(c, names) for c in ast.children(n))


def _has_index(n: ast.Node) -> bool:
    while isinstance(n, (ast.Field, ast.Index)):
        if isinstance(n, ast.Index):
            return True
        n = n.subject
    return False


def _index_keys(n: ast.Node) -> list:
    keys = []
    while isinstance(n, (ast.Field, ast.Index)):
        if isinstance(n, ast.Index):
            keys.append(n.key)
        n = n.subject
    return keys
