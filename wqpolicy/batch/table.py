"""The result sheets of a batch as rows of cells, whatever file holds them: the results (one row per application:
id, names, outcome in Chinese, failed conditions by clause, missing materials, every output, the version and the
date that chose it, problems), the rule by rule outcomes (one column per rule), and the headers of both — Chinese
titles over the field codes, as the template has them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Text
from .result import Result
from .version_choice import source_words

RULE_WORDS = {"pass": "符合", "fail": "不符合", "unknown": "待定", "error": "出错"}
UNKNOWN_VALUE = "待定"

_HEAD = [
    ("id", Text("申请编号", "Application ID")),
    ("name", Text("申请单位", "Applicant")),
    ("platform", Text("平台名称", "Platform")),
    ("decision", Text("决定", "Decision")),
    ("outcome_label", Text("结论", "Outcome")),
    ("outcome", Text("结论代码", "Outcome code")),
    ("failed_rules", Text("不符合的条件", "Conditions not met")),
    ("missing_materials", Text("待补材料", "Evidence to provide")),
]
_TAIL = [
    ("policy", Text("政策版本", "Policy version")),
    ("version_date", Text("选定版本的日期", "Date that chose the version")),
    ("version_date_source", Text("日期来源", "Where that date came from")),
    ("problems", Text("问题", "Problems")),
    ("input", Text("输入文件", "Input file")),
]


@dataclass(frozen=True)
class OutputColumn:
    name: str
    label: Text
    kind: str | None
    payout: bool
    decision: str


@dataclass(frozen=True)
class RuleColumn:
    id: str
    clause: str
    label: Text


class ResultTable:
    """The columns of a batch's results for the ``decisions`` of ``policy`` (a loaded Policy): their outputs and
    rules, in the policy's order, each named once."""

    def __init__(self, policy: Any, decisions: list[str], others: bool = False):
        self.decisions = decisions
        self.others = others  # a column for the outputs of other decisions (or versions), as JSON
        self.outputs: list[OutputColumn] = []
        self.rules: list[RuleColumn] = []
        seen_out: set[str] = set()
        seen_rule: set[str] = set()
        for name in decisions:
            compiled = policy.decisions[name]
            model = policy.model.decisions[name]
            for o in compiled.info.outputs:
                if o.name not in seen_out:
                    seen_out.add(o.name)
                    declared = model.outputs.get(o.name)
                    self.outputs.append(
                        OutputColumn(
                            o.name,
                            o.label or Text(o.name, o.name),
                            str(o.kind) if o.kind is not None else None,
                            bool(declared is not None and declared.payout),
                            name,
                        )
                    )
            for r in compiled.info.rules:
                if r.id not in seen_rule:
                    seen_rule.add(r.id)
                    self.rules.append(RuleColumn(r.id, r.clause, r.label))
        self.payouts = [o for o in self.outputs if o.payout]
        self.decision_labels = {
            n: policy.model.decisions[n].label or Text(n, n) for n in decisions if n in policy.model.decisions
        }

    # -- the results -------------------------------------------------------------------------------------------
    def headers(self) -> tuple[list[str], list[str]]:
        """The Chinese titles and, under them, the codes of the results' columns."""
        titles = [t.zh for _, t in _HEAD] + [o.label.zh for o in self.outputs] + [t.zh for _, t in _TAIL]
        codes = [c for c, _ in _HEAD] + [o.name for o in self.outputs] + [c for c, _ in _TAIL]
        if self.others:
            titles.append("其他输出")
            codes.append("other_outputs")
        return titles, codes

    def cells(self, r: Result) -> list[Any]:
        """The results row of ``r``: text, exact Decimals for amounts and ratios (None where blank)."""
        label = self.decision_labels.get(r.decision or "")
        head = [
            r.id,
            r.name,
            r.platform,
            f"{label.zh}（{r.decision}）" if label is not None else r.decision,
            r.outcome_label.zh,
            r.outcome,
            r.failed_text,
            r.missing_text,
        ]
        outputs = dict(r.outputs)
        values = [self.value(o, outputs[o.name]) if o.name in outputs else None for o in self.outputs]
        source = source_words(r.chosen_by, r.chosen_field).zh if r.chosen_by else ""
        tail = [r.policy, r.chosen_on, source, r.problems_text or None, r.source]
        row = [x if x != "" else None for x in head] + values + tail
        if self.others:
            names = {o.name for o in self.outputs}
            rest = {n: v for n, v in r.outputs if n not in names}
            row.append(json.dumps(rest, ensure_ascii=False, separators=(",", ":")) if rest else None)
        return row

    def value(self, column: OutputColumn, value: Any) -> Any:
        """An output's JSON value as a cell: an exact Decimal for money and ratios, 是/否, JSON for a list."""
        if value is None:
            return UNKNOWN_VALUE
        if column.kind in ("money", "ratio", "number", "integer") and isinstance(value, (str, int)):
            try:
                return Decimal(str(value))
            except ArithmeticError:
                return str(value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return value

    # -- the rules ---------------------------------------------------------------------------------------------
    def rule_headers(self) -> tuple[list[str], list[str]]:
        titles = ["申请编号", "申请单位", "结论"] + [f"{r.clause} {r.label.zh}" for r in self.rules]
        codes = ["id", "name", "outcome"] + [r.id for r in self.rules]
        return titles, codes

    def rule_cells(self, r: Result) -> list[Any]:
        outcomes = dict(r.rules)
        return [r.id, r.name or None, r.outcome_label.zh] + [
            RULE_WORDS.get(outcomes[x.id], outcomes[x.id]) if x.id in outcomes else None for x in self.rules
        ]
