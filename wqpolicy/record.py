"""The decision record: what one evaluation decided, rule by rule, and its JSON form
(schemas/decision.schema.json)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .model import Text
from .values import UNKNOWN, Duration

RULE_OUTCOMES = ("pass", "fail", "unknown", "error")


@dataclass
class RuleResult:
    id: str
    clause: str
    severity: str
    outcome: str
    label: Text
    template: Text  # the fail message, with {name} placeholders
    values: dict  # path -> raw value (UNKNOWN for missing)
    missing: list
    error: str | None = None

    @property
    def message(self) -> Text:
        """The message for this outcome, in Chinese and English."""
        if self.outcome == "fail":
            return Text(_fill(self.template.zh, self.values), _fill(self.template.en, self.values))
        if self.outcome == "pass":
            return Text(f"符合：{self.label.zh}", f"Met: {self.label.en}")
        if self.outcome == "unknown":
            names = "、".join(self.missing) or "—"
            return Text(f"无法判断，缺少：{names}", f"Cannot decide; missing: {', '.join(self.missing) or '—'}")
        return Text(f"计算出错：{self.error}", f"Evaluation error: {self.error}")

    def to_json(self) -> dict:
        out = {"id": self.id, "clause": self.clause, "severity": self.severity, "outcome": self.outcome,
               "label": self.label.to_json(), "message": self.message.to_json(),
               "values": {k: to_json_value(v) for k, v in self.values.items()}}
        if self.missing:
            out["missing"] = list(self.missing)
        return out


@dataclass
class DecisionRecord:
    """The result of evaluating one input document under one policy version."""

    policy_id: str
    version: str
    decision: str
    outcome: str
    outcome_label: Text | None
    rules: list[RuleResult]
    outputs: dict  # name -> raw value
    output_kinds: dict  # name -> (kind, fields)
    output_errors: dict = field(default_factory=dict)
    input_name: str | None = None

    def rule(self, rule_id: str) -> RuleResult:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def output(self, name: str):
        """The output value in its JSON form (money as '1500000.00')."""
        kind, fields = self.output_kinds[name]
        return render_value(self.outputs[name], kind, fields)

    def to_json(self) -> dict:
        out = {"policy": {"id": self.policy_id, "version": self.version}, "decision": self.decision}
        if self.input_name:
            out["input"] = self.input_name
        out["outcome"] = self.outcome
        if self.outcome_label:
            out["outcome_label"] = self.outcome_label.to_json()
        out["rules"] = [r.to_json() for r in self.rules]
        out["outputs"] = {name: self.output(name) for name in self.outputs}
        if self.output_errors:
            out["output_errors"] = dict(self.output_errors)
        return out


def render_value(v, kind: str | None, fields: dict | None = None):
    """A raw value in its JSON form, following the output's declared kind."""
    if v is UNKNOWN or v is None:
        return None
    if kind == "money":
        return format(Decimal(v).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    if kind in ("ratio", "number") and not isinstance(v, bool):
        return decimal_text(v)
    if kind == "integer" and not isinstance(v, bool):
        return int(v)
    if kind == "list" and isinstance(v, list):
        fields = fields or {}
        return [{k: render_value(x, fields.get(k)) for k, x in item.items()} if isinstance(item, dict)
                else to_json_value(item) for item in v]
    return to_json_value(v)


def decimal_text(v) -> str:
    """Exact decimal text without exponent or trailing zeros: 0.0375, 12066000."""
    d = Decimal(v)
    if d == d.to_integral_value():
        return format(d.quantize(Decimal(1)), "f")
    return format(d.normalize(), "f")


def to_json_value(v):
    if v is UNKNOWN or v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, Decimal)):
        return decimal_text(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, Duration):
        return str(v)
    if isinstance(v, dict):
        return {k: to_json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json_value(x) for x in v]
    return v


def display(v) -> str:
    """A value for people: 1,500,000 for money-like numbers, 3.75% is left to the report."""
    if v is UNKNOWN or v is None:
        return "unknown"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        d = Decimal(v)
        if abs(d) >= 1000:
            text = f"{d:,f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return decimal_text(d)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(display(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {display(x)}" for k, x in v.items()) + "}"
    return str(v)


def _fill(template: str, values: dict) -> str:
    if "{" not in template:
        return template
    for k, v in values.items():
        template = template.replace("{" + k + "}", display(v))
    return template
