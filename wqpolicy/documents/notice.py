"""The decision notice as plain data, built from a decision record and its explanation: which notice it is
(审核意见书, 补正通知, 不予认定/不予支持通知书, 计算出错通知), who applied and when, under which policy version, the
conclusion in one sentence, each rule with the guideline clause quoted, its values with units, the condition that
failed and what it would take; the 补正材料清单 by material name; the amounts. Renderers only lay this out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from ..clock import today
from ..content_hash import SHORT
from ..explain import WHY_UNKNOWN, Explanation, explain, rule_word
from ..record import FROM_INPUT, FROM_ON, FROM_POLICY
from ..vocabulary import NOT_GIVEN, Vocabulary, money_words
from .policy_table import plain_clause

# Outcome words of the bureau's contract, by the notice they call for; an outcome word not listed here (a revision
# may add one) gets the plain 审核意见书 with its own label, and `error` (the engine's word for a faulted
# evaluation) the 计算出错 notice.
_KIND = {
    "eligible": "approve",
    "continue_support": "approve",
    "pending": "approve",
    "refer": "refer",
    "needs_review": "correct",
    "ineligible": "refuse",
    "rectify_or_revoke": "refuse",
    "error": "error",
}
_TITLE = {
    "approve": "审核意见书",
    "refer": "审核意见书",
    "correct": "补正通知",
    "error": "计算出错通知",
    "other": "审核意见书",
}
_TITLE_EN = {
    "approve": "Decision notice",
    "refer": "Decision notice (referred)",
    "correct": "Request for evidence",
    "refuse": "Notice of refusal",
    "error": "Notice of an evaluation error",
    "other": "Decision notice",
}
# Refusals of the decisions that recognise (认定, and the filing that leads to it) are 不予认定; others 不予支持.
_RECOGNISING = frozenset({"filing", "recognition"})
_RULE_MARK = {"pass": "符合", "fail": "不符合", "unknown": "待定", "error": "出错"}
_RULE_MARK_EN = {"pass": "met", "fail": "not met", "unknown": "undecided", "error": "error"}
# Where the applicant's and the platform's names are, in the decisions' input documents (the contract's fields).
APPLICANT_FIELDS = ("applicant.name", "purchaser.name")
PLATFORM_FIELDS = ("platform.name",)
SUBMITTED_FIELDS = ("submitted_on",)
# Columns of the contract's list output (demand_subsidy's purchases): the policy gives its fields no labels. A field
# not named here is shown under its own name; None leaves it out (the explanation repeats the reason in words).
_COLUMNS = {
    "platform": "平台名称",
    "used_on": "使用日期",
    "reason": "核算理由",
    "explanation": None,
    "status": "状态",
    "requested": "按比例计算额",
    "amount": "核定补贴额",
    "cap_cut": "年度上限扣减",
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    label_en: str = ""
    name: str = ""  # the code behind it (an output's name), for the text form


@dataclass(frozen=True)
class ToPass:
    """What it would take for one condition: ``heading`` (the comparison with its values, or the condition),
    ``options`` (exact changes, any one of which suffices), ``note`` (why there is no exact answer) and
    ``evidence`` (material names that decide it)."""

    heading: str
    options: list[str]
    note: str | None
    evidence: list[str]
    heading_en: str = ""
    options_en: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """One rule: its clause and the clause's text, its label, outcome (word and mark), condition in words and as
    written, message, values read, the failed parts of a compound condition, what it would take, missing."""

    rule_id: str
    clause: str
    clause_text: str | None
    label: str
    label_en: str
    outcome: str
    mark: str
    mark_en: str
    severity: str
    sentence: str
    expression: str
    message: str
    message_en: str
    values: list[Row]
    parts: list[Row]
    to_pass: list[ToPass]
    missing: list[str]

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"


@dataclass(frozen=True)
class Material:
    name: str
    name_en: str
    field: str
    needed_by: list[str]


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    title_en: str
    decision: str
    decision_label: str
    outcome: str
    outcome_label: str
    outcome_label_en: str
    header: list[Row]
    conclusion: str
    sections: list[Section]
    materials: list[Material]
    amounts: list[Row]
    tables: list[Table]
    faults: list[str]
    counts: dict
    policy_ref: str
    policy_title: str
    policy_hash: str
    evaluated_on: str
    applicant: str
    platform: str | None
    submitted_on: str
    input_name: str | None

    @property
    def failed(self) -> list[Section]:
        return [s for s in self.sections if s.outcome == "fail" and s.severity == "require"]


def notice_kind(outcome: str) -> str:
    """approve, refer, correct, refuse, error, or other (an outcome word the contract does not name)."""
    return _KIND.get(outcome, "other")


def _title(kind: str, decision: str) -> str:
    if kind == "refuse":
        return "不予认定通知书" if decision in _RECOGNISING else "不予支持通知书"
    return _TITLE[kind]


def build_notice(
    policy, record, document: dict, evaluated_on: datetime.date | None = None, explanation: Explanation | None = None
) -> Notice:
    """The notice for ``record`` (``policy.evaluate(…, document)``), dated ``evaluated_on`` (default today)."""
    explanation = explanation or explain(policy, record, document)
    vocab: Vocabulary = explanation.vocab
    model = policy.model
    decision = model.decisions[record.decision]
    kind = notice_kind(record.outcome)
    label = record.outcome_label
    outcome_zh = label.zh if label is not None else record.outcome
    outcome_en = label.en if label is not None else record.outcome
    applicant = _first(document, APPLICANT_FIELDS, vocab)
    platform_known = any(vocab.titles.title(p) is not None for p in PLATFORM_FIELDS)
    platform = _first(document, PLATFORM_FIELDS, vocab) if platform_known else None
    submitted = _first(document, SUBMITTED_FIELDS, vocab)
    day = (evaluated_on or today()).isoformat()
    decision_label = decision.label.zh if decision.label is not None else record.decision
    title = model.title.zh if model.title is not None else model.id
    short = policy.content_hash[:SHORT]
    header = []
    if any(vocab.titles.title(p) is not None for p in APPLICANT_FIELDS):
        header.append(Row("申请单位", applicant, "Applicant"))
    if platform is not None:
        header.append(Row("平台名称", platform, "Platform"))
    header += [
        Row("申请事项", f"{decision_label}（{record.decision}）", "Decision"),
        Row("申请日期", submitted, "Applied on"),
        Row("评估日期", day, "Evaluated on"),
        Row("政策依据", f"{title}（{model.ref}）", "Policy"),
        *_version_row(record),
        Row("政策内容校验码", short, "Policy content hash"),
    ]
    if record.input_name:
        header.append(Row("申请材料文件", record.input_name, "Input file"))
    sections = [_section(policy, r, explanation, vocab) for r in record.rules]
    materials = [
        Material(vocab.material(p).zh, vocab.material(p).en, p, [_rule_name(record, rid) for rid in rules])
        for p, rules in explanation.materials
    ]
    faulted = record.outcome == "error"
    amounts, tables = ([], []) if faulted else _amounts(record, vocab)
    granted = [a for a, name in zip(amounts, _scalar_outputs(record)) if name in _granted(decision, record)]
    faults = _faults(record)
    counts = {
        "rules": len(record.rules),
        "failed": sum(1 for s in sections if s.outcome == "fail" and s.severity == "require"),
        "undecided": sum(1 for s in sections if s.outcome in ("unknown", "error") and s.severity == "require"),
        "warnings": sum(1 for s in sections if s.outcome == "fail" and s.severity == "advise"),
    }
    notice = Notice(
        kind,
        _title(kind, record.decision),
        _TITLE_EN.get(kind, "Decision notice"),
        record.decision,
        decision_label,
        record.outcome,
        outcome_zh,
        outcome_en,
        header,
        "",
        sections,
        materials,
        amounts,
        tables,
        faults,
        counts,
        model.ref,
        title,
        short,
        day,
        applicant,
        platform,
        submitted,
        record.input_name,
    )
    return _with_conclusion(notice, granted)


def _version_row(record: Any) -> list[Row]:
    """The row that says which date chose the policy version and where it came from (none when not said)."""
    dated = getattr(record, "version_date", None)
    if dated is None:
        return []
    day = dated.date.isoformat() if dated.date else ""
    said = {
        FROM_INPUT: f"{day}（申请材料的日期 {dated.field}）",
        FROM_ON: f"{day}（--on 指定的日期）",
        FROM_POLICY: "指定的版本（--policy）",
    }.get(dated.source, f"{day}（评估当日" + (f"；申请材料未给出 {dated.field}" if dated.field else "") + "）")
    return [Row("版本依据", said, "Version chosen by")]


def _scalar_outputs(record) -> list[str]:
    return [n for n in record.outputs if str(record.output_kinds[n][0]) != "list"]


def _granted(decision, record) -> set[str]:
    """The amounts a conclusion names: money outputs that the outcome decides (their expression reads
    `outcome`); else the first money output that is not zero."""
    from .. import ast

    money = [n for n in _scalar_outputs(record) if str(record.output_kinds[n][0]) == "money"]
    gated = {
        n
        for n in money
        if any(isinstance(x, ast.Name) and x.name == "outcome" for x in ast.walk(decision.outputs[n].expr.node))
    }
    if gated:
        return gated
    first = next((n for n in money if record.output(n) not in (None, "0.00")), None)
    return {first} if first else set()


def _first(document: dict, paths, vocab: Vocabulary) -> str:
    from ..levers import value_at

    for path in paths:
        value = value_at(document, path)
        if value not in (None, ""):
            return vocab.show(path, value)
    return NOT_GIVEN.zh


def _rule_name(record, rule_id: str) -> str:
    for r in record.rules:
        if r.id == rule_id:
            return f"{r.clause} {r.label.zh}"
    return rule_id


def _section(policy, result, explanation: Explanation, vocab: Vocabulary) -> Section:
    model = policy.model
    e = explanation.rules.get(result.id)
    rule = next((r for r in model.decisions[result_decision(explanation)].rules if r.id == result.id), None)
    outcome = str(result.outcome)
    severity = str(result.severity)
    mark = "提示" if severity == "advise" and outcome == "fail" else _RULE_MARK.get(outcome, outcome)
    mark_en = "warning" if severity == "advise" and outcome == "fail" else _RULE_MARK_EN.get(outcome, outcome)
    values = []
    for path, value in result.values.items():
        values.append(Row(vocab.label(path).zh, vocab.show(path, value), vocab.label(path).en))
    failed = e.failed_parts if e else []
    # a compound rule's parts are shown when one of them did not hold (not merely lacks evidence: the missing
    # list says that), and what it would take, except "give the missing evidence", which the 补正材料清单 says
    parts = (
        [Row(p.sentence, rule_word(p.outcome).zh) for p in failed]
        if any(p.outcome in ("fail", "error") for p in failed)
        else []
    )
    to_pass = [_to_pass(a, vocab) for a in (e.to_pass if e else []) if a.reason is not WHY_UNKNOWN]
    missing = [vocab.material(p).zh for p in (e.missing if e else [])]
    message = result.message
    from ..phrasing import Phrasing

    sentence = Phrasing(vocab).sentence(rule.condition) if rule is not None else ""
    clause_text = model.clauses.get(result.clause)
    return Section(
        result.id,
        result.clause,
        plain_clause(clause_text) if clause_text else None,
        result.label.zh,
        result.label.en,
        outcome,
        mark,
        mark_en,
        severity,
        sentence,
        rule.condition.text if rule is not None else "",
        _message_zh(outcome, message.zh, missing),
        _message_en(outcome, message.en, e, vocab),
        values,
        parts,
        to_pass,
        missing,
    )


def result_decision(explanation: Explanation) -> str:
    return explanation.vocab.decision.name


def _message_zh(outcome: str, message: str, missing: list[str]) -> str:
    """The rule's message; for an undecided rule, the missing inputs by material name, never a field code."""
    if outcome == "unknown":
        return f"无法判断，缺少：{'、'.join(missing) or '—'}"
    return message


def _message_en(outcome: str, message: str, e, vocab: Vocabulary) -> str:
    if outcome == "unknown" and e is not None:
        return f"Cannot decide; missing: {', '.join(vocab.material(p).en for p in e.missing) or '—'}"
    return message


def _to_pass(a, vocab: Vocabulary) -> ToPass:
    heading = a.comparison.zh if a.comparison is not None else a.part.sentence
    heading_en = a.comparison.en if a.comparison is not None else a.part.text
    return ToPass(
        heading,
        [c.text.zh + ("" if c.rule_passes else "（另须满足本条其他条件）") for c in a.changes],
        a.reason.zh if a.reason is not None else None,
        [vocab.material(p).zh for p in a.evidence],
        heading_en,
        [c.text.en for c in a.changes],
    )


def _amounts(record, vocab: Vocabulary) -> tuple[list[Row], list[Table]]:
    rows, tables = [], []
    errors = record.output_errors
    for name in record.outputs:
        label = record.output_labels.get(name)
        zh = label.zh if label is not None else name
        en = label.en if label is not None else name
        kind, fields = record.output_kinds[name]
        kind = str(kind) if kind is not None else None
        if name in errors:
            rows.append(Row(zh, "计算出错", en, name))
            continue
        value = record.output(name)
        if kind == "list" and isinstance(value, list):
            tables.append(_table(zh, name, value, fields or {}, vocab))
            continue
        rows.append(Row(zh, _shown(value, kind, vocab), en, name))
    return rows, tables


def _shown(value, kind: str | None, vocab: Vocabulary) -> str:
    from decimal import Decimal

    if value is None:
        return NOT_GIVEN.zh if kind != "money" else "未能核定"
    if kind == "money":
        return money_words(Decimal(value))
    if kind == "ratio":
        return vocab.show(None, Decimal(value), kind="ratio")
    return vocab.show(None, value)


def _table(title: str, name: str, items: list, fields: dict, vocab: Vocabulary) -> Table:
    columns = list(fields) or sorted({k for x in items if isinstance(x, dict) for k in x})
    columns = [c for c in columns if _COLUMNS.get(c, c) is not None]
    heads = [_COLUMNS.get(c) or c for c in columns]
    rows = [
        [_cell(x.get(c), str(fields.get(c)) if fields.get(c) else None, vocab) for c in columns]
        for x in items
        if isinstance(x, dict)
    ]
    return Table(title, heads, rows)


def _cell(value, kind, vocab: Vocabulary) -> str:
    """A cell of a list output: codes by their labels (a reason from the policy's tables, a status by the
    decision's outcome words)."""
    if isinstance(value, str) and kind not in ("money", "ratio"):
        label = vocab.code_label(value) or vocab.decision.outcome_labels.get(value)
        if label is not None:
            return label.zh
    return _shown(value, kind, vocab)


def _faults(record) -> list[str]:
    """Each WQ-EVAL fault of the record once: what it concerns (rule id, output or `outcome`), in Chinese and
    English, and where in the policy file."""
    out = []
    for d in dict.fromkeys(record.faults):
        where = f" at {d.span}" if d.span is not None else ""
        out.append(f"{d.subject or '—'}: {d.zh or d.message} — {d.message}{where}")
    return out


def _with_conclusion(n: Notice, granted: list[Row]) -> Notice:
    """The conclusion in one sentence, by the kind of notice."""
    who = n.applicant if n.applicant != NOT_GIVEN.zh else ""
    what = f"“{n.platform}”" if n.platform and n.platform != NOT_GIVEN.zh else ""
    subject = (
        f"{who}{'申报的' if who and what else ''}{what}的{n.decision_label}申请"
        if what and not who
        else f"{who or '申请单位'}{'申报的' + what if what else ''}{n.decision_label}申请"
    )
    paid = [f"{a.label} {a.value}" for a in granted]
    if n.kind == "error":
        text = (
            f"经审核，{subject}在计算时出错，本通知不给出任何金额；请政策管理部门核查后重新评估（{n.outcome_label}）。"
        )
    elif n.kind == "correct":
        missing = f"尚缺 {len(n.materials)} 项材料或专家评审意见" if n.materials else "尚有条件无法判断"
        text = f"经审核，{subject}{missing}，请按补正材料清单补正后重新提交（{n.outcome_label}）。"
    elif n.kind == "refuse":
        failed = n.failed
        clauses = "、".join(dict.fromkeys(s.clause for s in failed))
        why = f"有 {len(failed)} 项条件不符合（第 {clauses} 条）" if failed else "不符合条件"
        text = f"经审核，{subject}{why}，{n.outcome_label}。"
    elif n.kind == "refer":
        text = f"经审核，{subject}有条件不符合，依申请提请“一事一议”（{n.outcome_label}）。"
    else:
        text = f"经审核，{subject}：{n.outcome_label}" + (f"，{'，'.join(paid)}" if paid else "") + "。"
    return Notice(**{**n.__dict__, "conclusion": text})
