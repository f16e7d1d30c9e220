"""Small changes to a policy version that a corpus of cases should notice: each numeric parameter (a threshold, a
ratio, a cap) moved by one unit of its kind each way, each ordering comparison's boundary flipped (`>=` to `>`,
`>` to `>=`, `<=` to `<`, `<` to `<=`), each rule removed, each code moved between two disjoint lists compared
with the same field (eligible and excluded cost categories) or, for a list with no such partner, removed from it,
and each transition dropped (`at(parameter, date)` read as the parameter's value in this version).

Found from the policy map (sites.py), never listed by hand. A Mutant is plain, picklable data; ``apply`` makes
the mutated PolicyVersion (the rest of the model shared, not copied), which a worker compiles once."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import ast
from ..display import display
from ..model import Expr, PolicyVersion, Text
from ..source import Span
from ..values import Duration
from .sites import ORDERING, Locator, PolicyMap, SiteInfo, Threshold, boundary_case, parameter_unit

FLIP = {">=": ">", ">": ">=", "<=": "<", "<": "<="}
# Codes of one list moved or removed, at most, in list order (an engine setting): a list of thousands of codes
# would give thousands of mutants, each compiled and run; a policy's category lists hold a dozen.
MAX_CODES = 100


@dataclass(frozen=True)
class Mutant:
    """One change: ``id`` (stable: the same policy gives the same ids), ``kind`` (threshold, ratio, cap,
    parameter, operator, rule, category, transition), ``change`` (what ``apply`` does), ``words`` (what it does,
    Chinese and English), the ``clause`` and place (``span``) of what it changes, the ``decisions`` it can affect,
    and the case that would notice it (``suggestion``)."""

    id: str
    kind: str
    change: tuple
    words: Text
    clause: str | None
    span: Span | None
    decisions: frozenset[str]
    suggestion: Text


def mutants(m: PolicyMap) -> list[Mutant]:
    """Every mutant of the version ``m`` maps, in a fixed order: parameters, operators, rules, codes."""
    return _parameters(m) + _operators(m) + _rules(m) + _codes(m) + _transitions(m)


def _transitions(m: PolicyMap) -> list[Mutant]:
    """`at(p, d)` as `p`: a case of an application dated in another version's period, with a value of `p` other
    than this version's, notices it."""
    out = []
    for info in m.transitions.values():
        place = f"{info.span.line}:{info.span.col}" if info.span is not None else ""
        out.append(
            Mutant(
                f"transition {info.owner.key} {place} at({info.parameter})",
                "transition",
                ("at", info.locator, info.pos, info.end),
                Text(
                    f"`{info.text}` 改为本版本的取值 {info.parameter}（不再按日期取当时施行的值）",
                    f"`{info.text}` read as this version's {info.parameter} (no longer the value in force on the date)",
                ),
                info.owner.clause,
                info.span,
                frozenset(info.decisions),
                Text(
                    f"补充一个案例：日期落在另一版本施行期间、且该版本的 {info.parameter} 取值不同，"
                    f"写明由此算出的金额或结果（{_at_where(info)}）",
                    f"add a case dated in another version's period, where {info.parameter} differs, stating the amount "
                    f"or result it gives ({_at_where(info)})",
                ),
            )
        )
    return out


def _at_where(info: Any) -> str:
    span = info.span
    at = f" {span.file.rsplit('/', 1)[-1]}:{span.line}" if span is not None else ""
    return f"{info.owner.kind} {info.owner.name}{at}"


def _value_text(value: Any, kind: str | None) -> str:
    if isinstance(value, Duration):
        if value.days < 0:  # 1 year less one day
            whole = Duration(value.years, value.months)
            return f"{whole} − {Duration(days=-value.days)}"
        return str(value)
    return display(value, "ratio" if kind == "ratio" else None)


def _moved(value: Any, step: Decimal, sign: int) -> Any:
    if isinstance(value, Duration):
        return Duration(value.years, value.months, value.days + sign)
    if isinstance(value, int) and not isinstance(value, bool):
        return value + sign * int(step)
    return Decimal(value) + sign * step


def _parameters(m: PolicyMap) -> list[Mutant]:
    version, out = m.version, []
    for name, p in version.parameters.items():
        unit = parameter_unit(version, name)
        if name not in m.reads or unit is None:
            continue
        sites = m.parameter_sites(name)
        kind = (
            "threshold"
            if sites
            else "ratio"
            if unit.kind == "ratio"
            else "cap"
            if unit.kind == "money"
            else "parameter"
        )
        for sign, (zh, en) in ((-1, ("减少一个单位", "one unit down")), (1, ("增加一个单位", "one unit up"))):
            new = _moved(p.value, unit.step, sign)
            if not isinstance(new, Duration) and new < 0:
                continue  # no threshold, ratio or amount is below zero
            before, after = _value_text(p.value, p.kind), _value_text(new, p.kind)
            words = Text(
                f"参数 {name}：{before} → {after}（{zh}，{unit.zh}）",
                f"parameter {name}: {before} → {after} ({en}, {unit.en})",
            )
            if sites:
                suggestion = _threshold_suggestion(sites, p.value, sign)
            else:
                readers = ", ".join(sorted(m.readers.get(name, ())))
                suggestion = Text(
                    f"补充一个案例，写明用到 {name} 的金额或结果（{readers}），并手工核算",
                    f"add a case that states the amounts or results computed with {name} ({readers}), checked by hand",
                )
            out.append(
                Mutant(
                    f"parameter {name} {'+' if sign > 0 else '-'}1",
                    kind,
                    ("parameters", ((name, new),)),
                    words,
                    p.clause,
                    p.span,
                    frozenset(m.decisions_of.get(name, ())),
                    suggestion,
                )
            )
    return out


def _threshold_suggestion(sites: list[SiteInfo], value: Any, sign: int) -> Text:
    """Where a case tells ``value`` from ``value`` moved one unit by ``sign``: for `x >= t` moved down, a case one
    unit below t; moved up, a case at t (for `x > t`, at t and one unit above) — the boundaries coverage asks for."""
    said_zh, said_en = [], []
    for info in sites:
        t = info.threshold
        assert t is not None
        op = _measured_op(info, t)
        inclusive_low = op in (">=", "<")  # the points in [a, b) tell them apart; else those in (a, b]
        where = ("below" if sign < 0 else "at") if inclusive_low else ("at" if sign < 0 else "above")
        own = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        hint = boundary_case(t, value if own else None, where)
        place = _where(info)
        said_zh.append(f"{hint.zh}（{place}）")
        said_en.append(f"{hint.en} ({place})")
    return Text("；".join(said_zh), "; ".join(said_en))


def _measured_op(info: SiteInfo, t: Threshold) -> str:
    """The comparison read with the measured side on the left (`t <= x` is `x >= t`)."""
    op = info.site.op
    return op if t.side == 1 else {">=": "<=", "<=": ">=", ">": "<", "<": ">"}[op]


def _where(info: SiteInfo) -> str:
    span = info.site.span
    at = f" {span.file.rsplit('/', 1)[-1]}:{span.line}" if span is not None else ""
    return f"{info.owner.kind} {info.owner.name}{at}"


def _operators(m: PolicyMap) -> list[Mutant]:
    out = []
    for info in m.sites.values():
        site = info.site
        if site.kind != "compare" or site.op not in ORDERING:
            continue
        new = FLIP[site.op]
        place = f"{site.span.line}:{site.span.col}" if site.span is not None else ""
        t = info.threshold
        if t is not None:
            value = m.version.parameters[t.parameter].value
            own = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
            hint = boundary_case(t, value if own else None, "at")
        else:
            node = _node(m.version, info)
            assert isinstance(node, ast.Binary)
            left, right = _text_of(info, node.left), _text_of(info, node.right)
            hint = Text(
                f"补充一个案例：`{left}` 恰好等于 `{right}`", f"add a case where `{left}` equals `{right}` exactly"
            )
        out.append(
            Mutant(
                f"operator {info.owner.key} {place} {site.op}→{new}",
                "operator",
                ("operator", info.locator, info.pos, info.end, new),
                Text(f"`{site.text}` 中的 {site.op} 改为 {new}", f"{site.op} turned into {new} in `{site.text}`"),
                info.owner.clause,
                site.span,
                frozenset(info.decisions),
                Text(f"{hint.zh}（{_where(info)}）", f"{hint.en} ({_where(info)})"),
            )
        )
    return out


def _text_of(info: SiteInfo, n: ast.Node) -> str:
    """The source text of ``n``, a node of the expression of the site ``info`` (whose text starts at the site)."""
    text = info.site.text
    start = ast.start(n) - (info.end - len(text))  # the site's text ends where its node does
    return text[start : start + n.end - ast.start(n)]


def _rules(m: PolicyMap) -> list[Mutant]:
    out = []
    seen = set()
    for decision in m.version.decisions.values():
        for rule in decision.rules:
            if rule.id in seen:
                continue
            seen.add(rule.id)
            out.append(
                Mutant(
                    f"rule {rule.id} removed",
                    "rule",
                    ("rule", rule.id),
                    Text(f"删除规则 {rule.id}", f"rule {rule.id} removed"),
                    rule.clause,
                    rule.span,
                    frozenset(m.decisions_of.get(f"rule {rule.id}", ())),
                    Text(
                        f"补充一个该规则不通过的案例，并写明 `rules: {{{rule.id}: fail}}` 及其结论",
                        f"add a case in which this rule fails, stating `rules: {{{rule.id}: fail}}` and the outcome",
                    ),
                )
            )
    return out


def _code_lists(m: PolicyMap) -> dict[str, list[str]]:
    """The text of a compared field (`i.category`) -> the list or mapping parameters it is looked up in (`in`)."""
    groups: dict[str, list[str]] = {}
    for info in m.sites.values():
        if info.site.kind != "compare" or info.site.op not in ("in", "not in"):
            continue
        node = _node(m.version, info)
        assert isinstance(node, ast.Binary)
        if not isinstance(node.right, ast.Name) or node.right.name not in m.version.parameters:
            continue
        value = m.version.parameters[node.right.name].value
        if isinstance(value, (list, dict)) and all(isinstance(x, str) for x in value):
            names = groups.setdefault(_text_of(info, node.left), [])
            if node.right.name not in names:
                names.append(node.right.name)
    return groups


def _codes(m: PolicyMap) -> list[Mutant]:
    version, out = m.version, []
    moved: set[str] = set()
    for field_text, names in _code_lists(m).items():
        lists = {n: version.parameters[n].value for n in names}
        pairs = [
            (a, b)
            for a in names
            for b in names
            if a != b
            and isinstance(lists[a], list)
            and isinstance(lists[b], list)
            and not set(lists[a]) & set(lists[b])
        ]
        for a, b in pairs:
            moved |= {a, b}
            for code in lists[a][:MAX_CODES]:
                p = version.parameters[a]
                out.append(
                    Mutant(
                        f"code {code} moved {a}→{b}",
                        "category",
                        ("parameters", ((a, [c for c in lists[a] if c != code]), (b, [*lists[b], code]))),
                        Text(f"{code} 从 {a} 移到 {b}", f"{code} moved from {a} to {b}"),
                        p.clause,
                        p.span,
                        frozenset(m.decisions_of.get(a, set()) | m.decisions_of.get(b, set())),
                        _code_suggestion(field_text, code, m, a),
                    )
                )
        for name in names:
            if name in moved:
                continue
            value, p = lists[name], version.parameters[name]
            for code in list(value)[:MAX_CODES]:
                rest = (
                    [c for c in value if c != code]
                    if isinstance(value, list)
                    else {k: v for k, v in value.items() if k != code}
                )
                out.append(
                    Mutant(
                        f"code {code} removed from {name}",
                        "category",
                        ("parameters", ((name, rest),)),
                        Text(f"从 {name} 中删除 {code}", f"{code} removed from {name}"),
                        p.clause,
                        p.span,
                        frozenset(m.decisions_of.get(name, set())),
                        _code_suggestion(field_text, code, m, name),
                    )
                )
    return out


def _code_suggestion(field_text: str, code: str, m: PolicyMap, name: str) -> Text:
    readers = ", ".join(sorted(m.readers.get(name, ())))
    return Text(
        f"补充一个案例：`{field_text}` 为 {code}，并写明它影响的结果或金额（{readers}）",
        f"add a case where `{field_text}` is {code}, stating the results or amounts it changes ({readers})",
    )


# -- applying a mutant ----------------------------------------------------------------------------------------------
def apply(version: PolicyVersion, change: tuple) -> PolicyVersion:
    """``version`` with ``change`` (a Mutant's) made: a new model sharing every part it does not change."""
    what = change[0]
    if what == "parameters":
        params = dict(version.parameters)
        for name, value in change[1]:
            params[name] = dataclasses.replace(params[name], value=value)
        return dataclasses.replace(version, parameters=params)
    if what == "rule":
        decisions = {
            name: dataclasses.replace(d, rules=[r for r in d.rules if r.id != change[1]])
            for name, d in version.decisions.items()
        }
        return dataclasses.replace(version, decisions=decisions)
    if what == "operator":
        _, loc, pos, end, op = change
        return _with_expr(version, loc, lambda e: Expr(e.text, _swapped(e.node, pos, end, op), e.locate))
    if what == "at":
        _, loc, pos, end = change
        return _with_expr(version, loc, lambda e: Expr(e.text, _without_at(e.node, pos, end), e.locate))
    raise ValueError(f"no such change: {what}")


def _without_at(node: ast.Node, pos: int, end: int) -> ast.Node:
    """``node`` with the `at(p, d)` at ``pos``..``end`` replaced by `p` (the nodes on the way rebuilt)."""
    if isinstance(node, ast.Call) and node.func == "at" and node.pos == pos and node.end == end:
        return node.args[0]
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            new = _without_at(value, pos, end)
            if new is not value:
                changes[f.name] = new
        elif isinstance(value, tuple) and any(isinstance(v, ast.Node) for v in value):
            items = tuple(_without_at(v, pos, end) if isinstance(v, ast.Node) else v for v in value)
            if any(a is not b for a, b in zip(items, value)):
                changes[f.name] = items
    return dataclasses.replace(node, **changes) if changes else node


def _swapped(node: ast.Node, pos: int, end: int, op: str) -> ast.Node:
    """``node`` with the comparison at ``pos``..``end`` given operator ``op`` (the nodes on the way rebuilt)."""
    if isinstance(node, ast.Binary) and node.pos == pos and node.end == end and node.op in FLIP:
        return dataclasses.replace(node, op=op)
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ast.Node):
            new = _swapped(value, pos, end, op)
            if new is not value:
                changes[f.name] = new
        elif isinstance(value, tuple) and any(isinstance(v, ast.Node) for v in value):
            items = tuple(_swapped(v, pos, end, op) if isinstance(v, ast.Node) else v for v in value)
            if any(a is not b for a, b in zip(items, value)):
                changes[f.name] = items
    return dataclasses.replace(node, **changes) if changes else node


def _node(version: PolicyVersion, info: SiteInfo) -> ast.Node:
    """The AST node of a site."""
    expr = _expr_at(version, info.locator)
    for n in ast.walk(expr.node):
        if n.pos == info.pos and n.end == info.end and isinstance(n, (ast.Binary, ast.If)):
            return n
    raise LookupError(info.site)


def _expr_at(version: PolicyVersion, loc: Locator) -> Expr:
    found: list[Expr] = []

    def take(e: Expr) -> Expr:
        found.append(e)
        return e

    _with_expr(version, loc, take)
    return found[0]


def _with_expr(version: PolicyVersion, loc: Locator, change) -> PolicyVersion:  # noqa: C901 - one case per place
    """``version`` with the expression at ``loc`` replaced by ``change(expr)``."""
    if loc.kind == "rule":
        decisions = {}
        for name, d in version.decisions.items():
            rules = [dataclasses.replace(r, condition=change(r.condition)) if r.id == loc.name else r for r in d.rules]
            decisions[name] = dataclasses.replace(d, rules=rules)
        return dataclasses.replace(version, decisions=decisions)
    if loc.kind in ("step", "output"):
        assert loc.decision is not None
        d = version.decisions[loc.decision]
        if loc.kind == "step":
            assert isinstance(loc.name, int)
            steps = list(d.outcome)
            steps[loc.name] = dataclasses.replace(steps[loc.name], when=change(steps[loc.name].when))
            d = dataclasses.replace(d, outcome=steps)
        else:
            outputs = dict(d.outputs)
            outputs[str(loc.name)] = dataclasses.replace(
                outputs[str(loc.name)], expr=change(outputs[str(loc.name)].expr)
            )
            d = dataclasses.replace(d, outputs=outputs)
        return dataclasses.replace(version, decisions={**version.decisions, loc.decision: d})
    # a definition: of the policy, or of one decision; a whole expression, or a part of a per-item one
    owner = version.decisions[loc.decision] if loc.decision is not None else None
    defs = dict(owner.definitions if owner is not None else version.definitions)
    definition = defs[str(loc.name)]
    part = loc.part
    if part == ("expr",):
        definition = dataclasses.replace(definition, expr=change(definition.expr))
    else:
        each = definition.each
        assert each is not None
        if part[0] in ("source", "order_by"):
            each = dataclasses.replace(each, **{part[0]: change(getattr(each, part[0]))})
        elif part[0] == "carry":
            start, nxt = each.carry[part[1]]
            pair = (change(start), nxt) if part[2] == 0 else (start, change(nxt))
            each = dataclasses.replace(each, carry={**each.carry, part[1]: pair})
        else:
            each = dataclasses.replace(each, fields={**each.fields, part[1]: change(each.fields[part[1]])})
        definition = dataclasses.replace(definition, each=each)
    defs[str(loc.name)] = definition
    if owner is not None:
        assert loc.decision is not None
        return dataclasses.replace(
            version, decisions={**version.decisions, loc.decision: dataclasses.replace(owner, definitions=defs)}
        )
    return dataclasses.replace(version, definitions=defs)
