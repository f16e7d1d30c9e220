"""The decision record: what one evaluation decided, rule by rule, and its JSON form
(schemas/decision.schema.json)."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from .absent import absent_reads
from .model import Text
from .display import decimal_text, exact_money_text, fill, money_text
from .values import UNKNOWN, Duration, is_number, is_whole


class RuleResult:
    """One rule's result: ``id``, ``clause``, ``severity`` (require | advise), ``outcome`` (pass | fail | unknown |
    error), ``label`` and ``message`` (each a Text with ``.zh`` and ``.en``), ``values`` it read, and ``missing``
    inputs when unknown. The values and messages are computed only when asked for, so that evaluation stays
    cheap when only outcomes are needed.

    >>> rule = load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}}).rule("filing.entity")
    >>> rule.clause, rule.outcome, rule.missing[0], rule.message.en[:22]
    ('3.1.2', 'unknown', 'applicant.registered_in_wuqing', 'Cannot decide; missing')
    """

    __slots__ = ("id", "clause", "severity", "outcome", "label", "template", "error", "_reads", "_env",
                 "_values", "_missing")

    def __init__(self, rule, outcome: str, reads, env, error: str | None = None):
        self.id, self.clause, self.severity = rule.id, rule.clause, rule.severity
        self.label, self.template = rule.label, rule.message
        self.outcome, self.error = outcome, error
        self._reads, self._env = reads, env
        self._values = self._missing = None

    @property
    def values(self) -> dict:
        """path -> raw value the rule read (UNKNOWN for missing)."""
        if self._values is None:
            self._values = {p: _read(f, self._env) for p, f in self._reads[0]}
        return self._values

    @property
    def kinds(self) -> dict:
        """path -> declared kind (ratio, money, …) for the parameters the rule read."""
        return self._reads[2]

    @property
    def missing(self) -> list:
        """The input paths an unknown rule needed and did not have: fields (`expert_review.satisfaction`), and
        fields of list items it reads in a loop (`finances[0].rd_expense`)."""
        if self._missing is None:
            self._missing = _absent(self._reads[1], self._reads[3], self._env) if self.outcome == "unknown" else []
        return self._missing

    @property
    def message(self) -> Text:
        """The message for this outcome, in Chinese and English."""
        if self.outcome == "fail":
            kinds = self.kinds
            return Text(fill(self.template.zh, self.values, kinds), fill(self.template.en, self.values, kinds))
        if self.outcome == "pass":
            return Text(f"符合：{self.label.zh}", f"Met: {self.label.en}")
        if self.outcome == "unknown":
            names = "、".join(self.missing) or "—"
            return Text(f"无法判断，缺少：{names}", f"Cannot decide; missing: {', '.join(self.missing) or '—'}")
        return Text(f"计算出错：{self.error}", f"Evaluation error: {self.error}")

    def to_json(self) -> dict[str, Any]:
        """The rule as one item of the record's ``rules`` (schemas/decision.schema.json)."""
        out = {"id": self.id, "clause": self.clause, "severity": self.severity, "outcome": self.outcome,
               "label": self.label.to_json(), "message": self.message.to_json(),
               "values": _values_json(self.values, self.kinds)}
        missing = self.missing
        if missing:
            out["missing"] = list(missing)
        return out


class DecisionRecord:
    """The result of evaluating one input document under one policy version (``Policy.evaluate`` makes it).

    ``policy_id``, ``version``, ``decision``, ``outcome`` (a word such as ``'eligible'``), ``outcome_label``
    (Text), ``outcome_error`` (why the outcome logic faulted, or None), ``rules`` (RuleResult, in policy order),
    ``outputs`` (name -> raw value; ``output(name)`` gives its JSON form), ``input_name``. ``to_json()`` is the
    record as ``wqpolicy eval --format json`` prints it.

    >>> record = load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}})
    >>> record.decision, record.outcome, record.rule_outcomes()["filing.industry"]
    ('filing', 'needs_review', 'pass')
    >>> sorted(record.to_json())
    ['decision', 'missing', 'outcome', 'outcome_label', 'outputs', 'policy', 'rules']
    """
    # ``rules`` are built on first access from the rows the evaluator recorded (rule, outcome, reads, env, error):
    # a list of them, or their parts, for the rows to be made only if asked for: ((rule, reads) each, outcome
    # each, env, {rule index: error} or None).

    def __init__(self, policy_id: str, version: str, decision: str, outcome: str, outcome_label: Text | None,
                 rule_rows: list, outputs: dict, output_kinds: dict, output_errors: dict | None = None,
                 input_name: str | None = None, outcome_error: str | None = None,
                 output_labels: dict | None = None, output_fns: tuple | None = None):
        self.policy_id, self.version, self.decision = policy_id, version, decision
        self.outcome, self.outcome_label = outcome, outcome_label
        self._rows, self._rules = rule_rows, None
        self.outputs, self.output_kinds = outputs, output_kinds  # name -> raw value; name -> (kind, fields)
        self.output_errors = output_errors or {}
        self.input_name = input_name
        self.outcome_error = outcome_error  # why the outcome logic could not be evaluated (outcome: its fallback)
        self.output_labels = output_labels or {}  # name -> Text (or None): for reports, not in the JSON form
        # ({output name: its compiled function}, (document, cache)): for `missing`, to find what an unknown
        # output asked for and did not have
        self._output_fns = output_fns
        self._missing = None

    @property
    def rules(self) -> list[RuleResult]:
        """Every rule's result, in policy order (built on first access)."""
        if self._rules is None:
            self._rules = [RuleResult(*row) for row in self._row_list()]
        return self._rules

    def _row_list(self) -> list:
        if type(self._rows) is tuple:
            rules, outcomes, env, errors = self._rows
            errors = errors or {}
            self._rows = [(rule, outcome, reads, env, errors.get(i))
                          for i, ((rule, reads), outcome) in enumerate(zip(rules, outcomes))]
        return self._rows

    def missing(self) -> list[str]:
        """Every input that a required rule left unknown, or an output left unknown (wholly or in a field of one
        of its items), needed and did not have, once each, rules first: what to ask the applicant (or the
        experts) for before the outcome and the amounts can be decided (advisory rules, which never decide
        anything, are left out).

        >>> load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}}).missing()[:2]
        ['applicant.registered_in_wuqing', 'applicant.operating_in_wuqing']
        """
        if self._missing is None:
            seen: dict[str, None] = {}
            for r in self.rules:
                if r.outcome == "unknown" and r.severity == "require":
                    seen.update(dict.fromkeys(r.missing))
            if self._output_fns:
                fns, (doc, cache) = self._output_fns
                unsettled = [fns[name] for name, value in self.outputs.items() if name in fns and _unsettled(value)]
                if unsettled:
                    seen.update(dict.fromkeys(absent_reads(unsettled, doc, cache)))
            self._missing = list(seen)  # found once: to_json and the report both ask
        return list(self._missing)

    def rule_outcomes(self) -> dict[str, str]:
        """rule id -> pass | fail | unknown | error, without building the full rule results."""
        if type(self._rows) is tuple:
            return {rule.id: outcome for (rule, _), outcome in zip(self._rows[0], self._rows[1])}
        return {row[0].id: row[1] for row in self._rows}

    def rule(self, rule_id: str) -> RuleResult:
        """The result of the rule ``rule_id``. Raises KeyError when the decision has no such rule.

        >>> load_policy().evaluate("filing", {}).rule("filing.plan").outcome
        'unknown'
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def output(self, name: str) -> Any:
        """The output ``name`` in its JSON form: money as ``'1234567.80'``, a ratio as a decimal string, unknown as
        None, a list as a list of mappings. Raises KeyError when the decision has no such output.

        >>> load_policy().evaluate("recognition", {}).output("supply_subsidy_total")
        '0.00'
        """
        kind, fields = self.output_kinds[name]
        return render_value(self.outputs[name], kind, fields)

    def to_json(self) -> dict[str, Any]:
        """The record as schemas/decision.schema.json describes it, keys in a fixed order; what ``wqpolicy eval
        --format json`` prints is ``json.dumps(record.to_json(), ensure_ascii=False, indent=2)`` and a newline."""
        out = {"policy": {"id": self.policy_id, "version": self.version}, "decision": self.decision}
        if self.input_name:
            out["input"] = self.input_name
        out["outcome"] = self.outcome
        if self.outcome_label:
            out["outcome_label"] = self.outcome_label.to_json()
        if self.outcome_error:
            out["outcome_error"] = self.outcome_error
        out["rules"] = [r.to_json() for r in self.rules]
        missing = self.missing()
        if missing:
            out["missing"] = missing
        out["outputs"] = {name: self.output(name) for name in self.outputs}
        if self.output_errors:
            out["output_errors"] = dict(self.output_errors)
        return out


def _absent(fields, items, env) -> list[str]:
    """Of the input ``fields`` ((path, reader) each) and list ``items`` fields ((list path, field) each) a rule
    reads, those the document (``env[0]``) does not have."""
    out = [p for p, f in fields if _read(f, env) is UNKNOWN]
    out += [f"{path}[{i}].{name}" for path, name in items for i, item in enumerate(_list_at(env[0], path))
            if isinstance(item, dict) and item.get(name) is None]
    return out


def _unsettled(value) -> bool:
    """An output value that is unknown, or a list with an unknown field in one of its items."""
    if value is UNKNOWN or value is None:
        return True
    return type(value) is list and any(type(x) is dict and any(v is UNKNOWN for v in x.values()) for x in value)


def _list_at(doc, path: str) -> list:
    """The list at dotted ``path`` of the input document, or [] when there is none there."""
    for part in path.split("."):
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc if isinstance(doc, list) else []


def _read(fn, env):
    try:
        return fn(env[0], env[1])
    except Exception:  # a read that faults shows as unknown; the rule itself reports the fault
        return UNKNOWN


def render_value(v, kind: str | None, fields: dict | None = None):
    """A raw value in its JSON form, following the output's declared kind."""
    if v is UNKNOWN or v is None:
        return None
    number = is_number(v) and (type(v) is int or v.is_finite())
    if number:  # anything else under a numeric kind (only an unvalidated document can give it) is shown as it is
        if kind == "money":
            return money_text(v)
        if kind in ("ratio", "number"):
            return decimal_text(v)
        if kind == "integer":  # a fraction is shown as it is, never cut or rounded to a whole number unseen
            return int(v) if is_whole(v) else decimal_text(v)
    if kind == "list" and isinstance(v, list):
        fields = fields or {}
        return [{k: render_value(x, fields.get(k)) for k, x in item.items()} if isinstance(item, dict)
                else to_json_value(item) for item in v]
    return to_json_value(v)


_PLAIN_INT = 10 ** 27


def _values_json(values: dict, kinds: dict) -> dict:
    """The values a rule read in their JSON form; amounts declared money with two decimals at least."""
    return {k: exact_money_text(v) if kinds.get(k) == "money" and is_number(v) else to_json_value(v)
            for k, v in values.items()}


def to_json_value(v):
    t = type(v)
    if t is str or t is bool:  # the usual leaves, without the tests below
        return v
    if t is int and -_PLAIN_INT < v < _PLAIN_INT:
        return str(v)  # what decimal_text gives a whole number of fewer than 28 digits
    if t is Decimal or t is int:
        return decimal_text(v)
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
        if v and all(isinstance(x, dict) for x in v.values()):
            return list(v)  # a table of codes (industries, categories): its codes say enough
        return {k: to_json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json_value(x) for x in v]
    return v
