"""A decision record explained rule by rule, for notices and for the JSON record: which part of a compound
condition did not hold (each operand of its top-level `and`/`or` evaluated on its own), what it would take to pass
(to_pass.py, for a part that a figure of the application decides), and the missing evidence by its material name.

``explain(policy, record, document)`` computes it; ``explained_json(record, explanation)`` is the record's JSON
with it added — what `wqpolicy eval --format json` prints. Computed only when asked: ``Policy.evaluate`` and the
compiled decision never do any of it."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import ast
from .expression import part_evaluator
from .levers import Lever, LeverFinder, Reads
from .model import Text
from .monotone import Prover
from .phrasing import COMPARISONS, Phrasing, negated_sign, sign
from .to_pass import Budget, Found, NotFound, search, with_value
from .units import bare_title
from .values import FAULTS, UNKNOWN, is_number
from .vocabulary import Vocabulary, vocabulary

_RULE_WORDS = {
    "pass": Text("成立", "holds"),
    "fail": Text("不成立", "does not hold"),
    "unknown": Text("待定", "undecided"),
    "error": Text("出错", "error"),
}
WHY_UNKNOWN = Text("缺少材料，补正后方可判断", "undecided until the missing evidence is given")
WHY_JUDGED = Text("不取决于可计算的数字，由下列材料决定", "no figure decides it: the evidence below does")
WHY_NEVER = Text(
    "单独改变申请人的任一数字都不能使其成立", "no change of a single figure of the application makes it hold"
)
WHY_NOT_MONOTONE = Text(
    "随数字变化时成立与否不单调，无精确答案", "it does not change monotonically with the figures: no exact answer"
)
WHY_NOT_SEARCHED = Text("申请内容过大，未逐项计算", "the application is too large to search every figure")


@dataclass(frozen=True)
class Part:
    """One operand of a rule's top-level `and`/`or` (or the whole condition): its ``text``, a Chinese
    ``sentence`` and its ``outcome`` (pass, fail, unknown, error)."""

    text: str
    sentence: str
    outcome: str

    def to_json(self) -> dict:
        return {"expr": self.text, "zh": self.sentence, "outcome": self.outcome}


@dataclass(frozen=True)
class Change:
    """A change that makes a part hold: the ``found`` move, whether the whole rule then passes
    (``rule_passes``, checked by evaluating the whole decision), other codes a new item may carry for the same
    amount (``codes``), and the change in words (``text``)."""

    found: Found
    rule_passes: bool
    codes: tuple
    text: Text

    def to_json(self, vocab: Vocabulary) -> dict:
        lever, found = self.found.lever, self.found
        kind, unit = _words(vocab, _material_path(lever))
        money = kind == "money"
        out: dict[str, Any] = {
            "lever": lever.kind,
            "field": lever.path,
            "material": vocab.material(_material_path(lever)).to_json(),
            "direction": "increase" if found.direction > 0 else "decrease",
            "by": _number_json(found.by, money),
            "to": _number_json(found.after, money),
        }
        if found.before is not None:
            out["from"] = _number_json(found.before, money)
        if unit is not None:
            out["unit"] = unit.to_json()
        if lever.kind == "new_item":
            ((code_field, _),) = lever.item.items()
            out["item"] = {code_field: list(self.codes)}
        out["rule_passes"] = self.rule_passes
        out["text"] = self.text.to_json()
        return out


@dataclass(frozen=True)
class Advice:
    """What it would take for one part that does not hold: ``comparison`` (its values, for a comparison:
    ``近三年平均研发投入强度 2.85% < 3%``), the ``changes`` found (exact, verified), or else ``reason`` and the
    ``evidence`` (input paths) that decide it."""

    part: Part
    comparison: Text | None
    changes: list[Change]
    reason: Text | None
    evidence: list[str]

    @property
    def exact(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class RuleExplanation:
    """One rule explained: ``join`` (and / or, or None for a single condition), its ``parts``, ``to_pass``
    (an Advice per part that does not hold; empty for a rule that passes or faulted) and ``missing`` (input
    paths)."""

    rule_id: str
    join: str | None
    parts: list[Part]
    to_pass: list[Advice]
    missing: list[str]

    @property
    def failed_parts(self) -> list[Part]:
        return [p for p in self.parts if p.outcome != "pass"] if self.join else []


@dataclass(frozen=True)
class Explanation:
    """A record explained: per rule id a RuleExplanation; ``materials``: each missing input path with the rules
    that need it, in the record's order."""

    vocab: Vocabulary
    rules: dict[str, RuleExplanation]
    materials: list[tuple[str, list[str]]] = field(default_factory=list)

    def material(self, path: str) -> Text:
        return self.vocab.material(path)


_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _evaluator(policy, decision: str, rule):
    kept = _KEPT.setdefault(policy, {})
    key = (decision, rule.id)
    if key not in kept:
        kept[key] = part_evaluator(policy, decision, rule.condition)
    return kept[key]


def _prover(policy, decision: str, rule) -> Prover:
    kept = _KEPT.setdefault(policy, {})
    key = ("prover", decision, rule.id)
    if key not in kept:
        kept[key] = Prover(policy, decision, rule.condition)
    return kept[key]


def _finder(policy, decision: str, vocab: Vocabulary) -> LeverFinder:
    """The decision's LeverFinder, kept with the policy: what a condition reads is found once per condition."""
    kept = _KEPT.setdefault(policy, {})
    key = ("finder", decision)
    found = kept.get(key)
    if found is None or found.vocab is not vocab:
        found = kept[key] = LeverFinder(vocab)
    return found


@dataclass(frozen=True)
class _Shape:
    """What explaining a rule needs that is the same for every record of its policy: its top-level ``join``, the
    ``nodes`` of its parts, and each part's text and Chinese sentence (phrased once, not per record)."""

    join: str | None
    nodes: list
    texts: list[tuple[str, str]]


def _shape(policy, decision: str, rule, phrasing: Phrasing) -> _Shape:
    kept = _KEPT.setdefault(policy, {})
    key = ("shape", decision, rule.id)
    found = kept.get(key)
    if found is None:
        condition = rule.condition
        join, nodes = _operands(condition.node)
        texts = [(condition.text[ast.start(n) : n.end], phrasing.node(n, condition.text)) for n in nodes]
        found = kept[key] = _Shape(join, nodes, texts)
    return found


def _rules(policy, decision: str, phrasing: Phrasing) -> dict[str, tuple[Any, Any, _Shape]]:
    """Rule id -> (the rule, its part evaluator, its shape), for each rule of the decision: made once per policy."""
    kept = _KEPT.setdefault(policy, {})
    key = ("rules", decision)
    found = kept.get(key)
    if found is None:
        found = kept[key] = {
            r.id: (r, _evaluator(policy, decision, r), _shape(policy, decision, r, phrasing))
            for r in policy.model.decisions[decision].rules
        }
    return found


def explain(policy, record, document: dict, to_pass: bool = True) -> Explanation:
    """Explain ``record``, made by ``policy.evaluate(…, document)``: the parts of each rule that did not hold,
    what would make them hold (``to_pass``: skip that search with False) and the missing evidence by name.

    >>> policy = load_policy()
    >>> doc = {"service_area_m2": 800}
    >>> e = explain(policy, policy.evaluate("recognition", doc), doc)
    >>> e.rules["recognition.service_area"].to_pass[0].changes[0].text.zh
    '公共服务面积需再增加 200 平方米（800 平方米 → 1,000 平方米）'
    """
    name = record.decision
    vocab = vocabulary(policy, name)
    phrasing = Phrasing(vocab)
    finder = _finder(policy, name, vocab)
    doc = policy.inputs[name].prepare({"decision": name, **document} if "decision" not in document else document)
    budget = Budget(doc)
    rules = _rules(policy, name, phrasing)
    out: dict[str, RuleExplanation] = {}
    for result in record.rules:
        kept = rules.get(result.id)
        if kept is None:
            continue
        rule, evaluate, shape = kept
        condition = rule.condition
        join, nodes = shape.join, shape.nodes
        parts = [Part(text, sentence, _outcome(evaluate, n, doc)) for n, (text, sentence) in zip(nodes, shape.texts)]
        advice: list[Advice] = []
        outcome = str(result.outcome)
        if to_pass and outcome in ("fail", "unknown"):
            for n, part in zip(nodes, parts):
                if part.outcome in ("fail", "unknown"):
                    advice.append(
                        _advise(
                            policy,
                            name,
                            result.id,
                            evaluate,
                            _prover(policy, name, rule),
                            n,
                            condition.text,
                            part,
                            doc,
                            vocab,
                            phrasing,
                            finder,
                            budget,
                            list(result.missing),
                        )
                    )
            if join == "or" and any(a.exact for a in advice):
                advice = [a for a in advice if a.exact]  # one way is enough; parts no figure moves are no way
        out[result.id] = RuleExplanation(result.id, join, parts if join else parts[:1], advice, list(result.missing))
    materials: list[tuple[str, list[str]]] = []
    for path in record.missing():
        materials.append((path, [r.id for r in record.rules if path in r.missing]))
    return Explanation(vocab, out, materials)


def _operands(node) -> tuple[str | None, list]:
    """The operands of a top-level `and` (or `or`) chain, left to right; the node itself when it is neither."""
    if isinstance(node, ast.Binary) and node.op in ("and", "or"):
        op = node.op
        out: list = []

        def flat(n):
            if isinstance(n, ast.Binary) and n.op == op:
                flat(n.left)
                flat(n.right)
            else:
                out.append(n)

        flat(node)
        return op, out
    return None, [node]


def _outcome(evaluate, node, doc) -> str:
    try:
        v = evaluate(node, doc)
    except FAULTS:
        return "error"
    return "pass" if v is True else "fail" if v is False else "unknown"


def _value(evaluate, node, doc):
    try:
        return evaluate(node, doc)
    except FAULTS:
        return UNKNOWN


def _advise(
    policy,
    decision,
    rule_id,
    evaluate,
    prover: Prover,
    node,
    text,
    part: Part,
    doc,
    vocab: Vocabulary,
    phrasing: Phrasing,
    finder: LeverFinder,
    budget: Budget,
    rule_missing: list[str],
) -> Advice:
    reads = finder.reads(node)
    comparison = _comparison(policy, decision, evaluate, node, text, doc, vocab, phrasing, finder)
    if part.outcome == "unknown":
        evidence = [p for p in rule_missing if _reads_path(reads, p)] or _plain_fields(reads, doc, only_missing=True)
        return Advice(part, comparison, [], WHY_UNKNOWN, evidence)
    levers = finder.levers(reads, doc)
    if not levers:
        return Advice(part, comparison, [], WHY_JUDGED, _plain_fields(reads, doc))

    def holds(d: dict) -> bool:
        return evaluate(node, d) is True

    def prove(doc_at, figure_at, lever: Lever, direction: int, limit: int):  # where it changes, if proven monotone
        return prover.threshold(node, doc_at, figure_at, lever, direction, limit, holds)

    found: list[Found] = []
    misses: list[NotFound] = []
    for lever in levers:
        for direction in (1,) if lever.kind == "new_item" else (1, -1):
            result = search(doc, lever, direction, holds, budget, prove)
            if isinstance(result, Found):
                found.append(result)
            else:
                misses.append(result)
    changes = [_change(policy, decision, rule_id, f, codes, doc, vocab) for f, codes in _best(found)]
    if changes:
        return Advice(part, comparison, changes, None, [])
    reasons = {m.reason for m in misses}
    reason = (
        WHY_NOT_SEARCHED if "not_searched" in reasons else WHY_NOT_MONOTONE if "not_monotone" in reasons else WHY_NEVER
    )
    return Advice(part, comparison, [], reason, _plain_fields(reads, doc))


def _reads_path(reads: Reads, path: str) -> bool:
    head = path.split("[")[0]
    return (
        path in reads.fields
        or any(head == lst for lst, _ in reads.items)
        or any(path.startswith(f + ".") for f in reads.fields)
    )


def _plain_fields(reads: Reads, doc: dict, only_missing: bool = False) -> list[str]:
    """The scalar input paths a part reads (not whole lists), for naming the evidence that decides it."""
    from .levers import value_at

    out = []
    for path in reads.fields:
        value = value_at(doc, path)
        if isinstance(value, list) or (only_missing and value is not None):
            continue
        out.append(path)
    return out


def _best(found: list[Found]) -> list[tuple[Found, tuple]]:
    """The smallest change of each kind of lever (one list field in one direction; one new item of whichever
    codes need the least), the codes that need that same least amount beside it."""
    groups: dict[tuple, list[Found]] = {}
    for f in found:
        lever = f.lever
        key = (lever.kind, lever.path if lever.kind == "field" else (lever.list_path, lever.field), f.direction)
        groups.setdefault(key, []).append(f)
    out = []
    for items in groups.values():
        least = min(f.by for f in items)
        best = [f for f in items if f.by == least]
        codes = tuple(next(iter(f.lever.item.values())) for f in best) if best[0].lever.kind == "new_item" else ()
        out.append((best[0], codes))
    order = {"field": 0, "item": 1, "new_item": 2}
    out.sort(key=lambda x: (order[x[0].lever.kind], -x[0].direction))
    return out


_WORDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _words(vocab: Vocabulary, path: str) -> tuple[str | None, Text | None]:
    """(kind, unit) of an input path, as ``vocab.kind`` and ``vocab.unit`` say: read from the schema once per
    vocabulary (they depend on the path alone)."""
    kept = _WORDS.get(vocab)
    if kept is None:
        kept = _WORDS[vocab] = {}
    found = kept.get(path)
    if found is None:
        found = kept[path] = (vocab.kind(path), vocab.unit(path))
    return found


def _show(vocab: Vocabulary, path: str, value: Any, lang: str = "zh") -> str:
    """``vocab.show(path, value, lang=lang)``, the path's kind and unit read once."""
    kind, unit = _words(vocab, path)
    if is_number(value) or value is None:  # shown by its kind and unit alone (the path names a code's label)
        return vocab.show(None, value, unit=unit, kind=kind, lang=lang)
    return vocab.show(path, value, unit=unit, kind=kind, lang=lang)


def _material_path(lever: Lever) -> str:
    return f"{lever.list_path}[0].{lever.field}" if lever.kind == "new_item" else lever.path


def _material_words(vocab: Vocabulary, path: str) -> Text:
    m = vocab.material(path)
    return Text(bare_title(m.zh), bare_title(m.en))


def _change(policy, decision, rule_id, found: Found, codes: tuple, doc, vocab: Vocabulary) -> Change:
    lever = found.lever
    changed = with_value(doc, lever, found.after)
    try:
        outcomes = policy.evaluate(decision, changed, validate=False).rule_outcomes()  # not every rule result built
        rule_passes = str(outcomes[rule_id]) == "pass"
    except FAULTS:
        rule_passes = False
    path = _material_path(lever)
    by_zh, by_en = _show(vocab, path, found.by), _show(vocab, path, found.by, lang="en")
    if lever.kind == "new_item" and lever.list_path is not None:  # a new item's lever always names its list
        list_title = vocab.titles.title(lever.list_path)
        ((code_field, _),) = lever.item.items()
        field_title = vocab.titles.title(f"{lever.list_path}[0].{code_field}")
        amount_title = vocab.titles.title(path)
        labels = [vocab.code_label(c, f"{lever.list_path}[0].{code_field}") for c in codes]
        names_zh = "、".join(x.zh if x else c for x, c in zip(labels, codes))
        names_en = ", ".join(x.en if x else c for x, c in zip(labels, codes))
        either = "任一" if len(codes) > 1 else ""
        zh = (
            f"新增一项{bare_title(list_title.zh) if list_title else lever.list_path}"
            f"（{bare_title(field_title.zh) if field_title else code_field}为{either}{names_zh}），"
            f"{bare_title(amount_title.zh) if amount_title else lever.field} {by_zh}"
        )
        en = (
            f"add a line to {bare_title(list_title.en) if list_title else lever.list_path} "
            f"({'one of ' if either else ''}{names_en}) of {by_en}"
        )
        if lever.excluded:
            excluded = [vocab.code_label(c, f"{lever.list_path}[0].{code_field}") for c in lever.excluded]
            zh += f"（{'、'.join(x.zh if x else c for x, c in zip(excluded, lever.excluded))}不计入）"
            en += f" ({', '.join(x.en if x else c for x, c in zip(excluded, lever.excluded))} never counted)"
        return Change(found, rule_passes, codes, Text(zh, en))
    words = _material_words(vocab, path)
    before_zh, after_zh = _show(vocab, path, found.before), _show(vocab, path, found.after)
    before_en, after_en = _show(vocab, path, found.before, lang="en"), _show(vocab, path, found.after, lang="en")
    if found.direction > 0:
        zh, en = f"{words.zh}需再增加 {by_zh}", f"{words.en}: {by_en} more"
    else:
        zh, en = f"{words.zh}需减少 {by_zh}", f"{words.en}: {by_en} less"
    text = Text(f"{zh}（{before_zh} → {after_zh}）", f"{en} ({before_en} → {after_en})")
    return Change(found, rule_passes, codes, text)


@dataclass(frozen=True)
class _Compared:
    """What showing a comparison with its values needs that is the same for every record: its sides (the figure's
    side first), the sign, their kinds and units, and the left side's words."""

    left: Any
    right: Any
    op: str
    l_kind: str | None
    r_kind: str | None
    l_unit: Text | None
    r_unit: Text | None
    label: str


def _compared(policy, decision: str, node, text: str, vocab: Vocabulary, phrasing: Phrasing, finder: LeverFinder):
    kept = _KEPT.setdefault(policy, {})
    key = ("compared", decision, id(node))
    found = kept.get(key)
    if found is not None and found[0] is node:
        return found[1]
    left, right = node.left, node.right
    if not finder.reads(left).numbers and finder.reads(right).numbers:
        left, right, op = right, left, _MIRROR[node.op]
    else:
        op = node.op
    l_unit = phrasing.unit_of(left, {}) or phrasing.unit_of(right, {})
    r_unit = phrasing.unit_of(right, {}) or l_unit
    shape = _Compared(
        left, right, op, _kind(vocab, left), _kind(vocab, right), l_unit, r_unit, phrasing.node(left, text)
    )
    kept[key] = (node, shape)
    return shape


def _comparison(
    policy, decision, evaluate, node, text, doc, vocab: Vocabulary, phrasing: Phrasing, finder: LeverFinder
) -> Text | None:
    """A comparison with its values: ``近三年平均研发投入强度 2.85% < 3%`` (the sign that says it failed)."""
    if not (isinstance(node, ast.Binary) and node.op in COMPARISONS):
        return None
    c = _compared(policy, decision, node, text, vocab, phrasing, finder)
    op, l_kind, r_kind, l_unit, r_unit = c.op, c.l_kind, c.r_kind, c.l_unit, c.r_unit
    lv, rv = _value(evaluate, c.left, doc), _value(evaluate, c.right, doc)
    kind = l_kind or r_kind
    state = _outcome(evaluate, node, doc)
    label = c.label
    l_zh, r_zh = vocab.show(None, lv, unit=l_unit, kind=kind), vocab.show(None, rv, unit=r_unit, kind=r_kind or kind)
    l_en = vocab.show(None, lv, unit=l_unit, kind=kind, lang="en")
    r_en = vocab.show(None, rv, unit=r_unit, kind=r_kind or kind, lang="en")
    if state in ("pass", "fail"):
        shown = sign(op) if state == "pass" else negated_sign(op)
        return Text(f"{label} {l_zh} {shown} {r_zh}", f"{l_en} {shown} {r_en}")
    return Text(f"{label} {l_zh}（须 {sign(op)} {r_zh}）", f"{l_en} (must be {sign(op)} {r_en})")


_MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def _kind(vocab: Vocabulary, node) -> str | None:
    if isinstance(node, ast.Name):
        return vocab.kind(node.name)
    return None


def _number_json(v, money: bool = False) -> str:
    """A number in the record's JSON form: money with two decimals at least (as rules' values are)."""
    from .display import decimal_text, exact_money_text

    return exact_money_text(Decimal(v)) if money else decimal_text(Decimal(v))


# -- JSON -----------------------------------------------------------------------------------------------------------
def explained_json(record, explanation: Explanation) -> dict[str, Any]:
    """``record.to_json()`` with the explanation added (schemas/decision.schema.json): per rule ``conditions``
    (a compound rule's parts and their outcomes), ``to_pass`` and ``missing_materials``; and the record's
    ``missing_materials``."""
    out = record.to_json()
    vocab = explanation.vocab
    for rule in out.get("rules", []):
        e = explanation.rules.get(rule["id"])
        if e is None:
            continue
        if e.join:
            rule["conditions"] = {"join": e.join, "parts": [p.to_json() for p in e.parts]}
        if e.to_pass:
            rule["to_pass"] = [_advice_json(a, vocab) for a in e.to_pass]
        if e.missing:
            rule["missing_materials"] = [_material_json(vocab, p) for p in e.missing]
    if explanation.materials:
        items = [{**_material_json(vocab, p), "rules": rules} for p, rules in explanation.materials]
        _insert_after(out, "missing", "missing_materials", items)
    return out


def _material_json(vocab: Vocabulary, path: str) -> dict:
    return {"field": path, **vocab.material(path).to_json()}


def _advice_json(a: Advice, vocab: Vocabulary) -> dict:
    out: dict[str, Any] = {"condition": a.part.to_json(), "exact": a.exact}
    if a.comparison is not None:
        out["comparison"] = a.comparison.to_json()
    if a.changes:
        out["changes"] = [c.to_json(vocab) for c in a.changes]
    if a.reason is not None:
        out["reason"] = a.reason.to_json()
    if a.evidence:
        out["evidence"] = [_material_json(vocab, p) for p in a.evidence]
    return out


def _insert_after(d: dict, key: str, new_key: str, value) -> None:
    items = list(d.items())
    at = next((i + 1 for i, (k, _) in enumerate(items) if k == key), len(items))
    items.insert(at, (new_key, value))
    d.clear()
    d.update(items)


def rule_word(outcome: str) -> Text:
    """A part's outcome in words: 成立 / 不成立 / 待定 / 出错."""
    return _RULE_WORDS.get(outcome, Text(outcome, outcome))
