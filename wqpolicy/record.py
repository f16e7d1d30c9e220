"""The decision record: what one evaluation decided, rule by rule, with the values each rule read, the inputs
missing, the outputs and the runtime faults — plain data of its own, in frozen dataclasses that pickle and compare
by value — and its JSON form (schemas/decision.schema.json)."""

from __future__ import annotations

import datetime
import itertools
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .display import decimal_text, display, exact_money_text, excerpt, fill, money_text
from .errors import Diagnostic
from .model import Text
from .values import UNKNOWN, Duration, is_number, is_whole
from .words import ERROR, Kind, RuleOutcome, Severity

# The words of the outcome `error` when the policy gives none.
ERROR_LABEL = Text("计算出错", "Evaluation error")


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is, the same in every record of its decision: ``id``, ``clause``, ``severity``, ``label``,
    ``template`` (its message when it fails, ``{name}`` placeholders unfilled), ``paths`` (the names and paths it
    reads, in order), ``kinds`` (path -> declared Kind of the parameters and definitions among them) and
    ``constants`` (path -> JSON form of the parameter values among them, which every record shares)."""

    id: str
    clause: str
    severity: Severity
    label: Text
    template: Text
    paths: tuple[str, ...]
    kinds: dict[str, Kind | None]
    constants: dict[str, Any] = field(default_factory=dict)
    # Worked out once, for every record's message and JSON form.
    pass_message: Text = field(init=False, compare=False, repr=False)
    _json: tuple = field(init=False, compare=False, repr=False)
    _placeholders: tuple = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        passed = Text(f"符合：{self.label.zh}", f"Met: {self.label.en}")
        object.__setattr__(self, "pass_message", passed)
        # (path, `{path}`) for each path whose placeholder the message has, in the order fill takes them
        marks = tuple((p, "{" + p + "}") for p in self.paths)
        object.__setattr__(
            self, "_placeholders", tuple((p, m) for p, m in marks if m in self.template.zh or m in self.template.en)
        )
        # How each value read is written: its JSON worked out here (a parameter's), as money, or as it is.
        plan = tuple(
            (p, _constant_plan(self.constants[p]), self.constants[p])
            if p in self.constants
            else (p, _MONEY if self.kinds.get(p) is Kind.MONEY else _PLAIN, None)
            for p in self.paths
        )
        label, passed_json = self.label.to_json(), passed.to_json()
        head = {"id": self.id, "clause": self.clause, "severity": str(self.severity)}
        # The short way, for a rule whose values read are all texts and truths but for its parameters (money is
        # written with its decimals, so a money value never takes it): the positions to look at, and the parameters.
        variable = [i for i, (_, how, _) in enumerate(plan) if how in (_MONEY, _PLAIN)]
        short = None
        if variable and all(plan[i][1] == _PLAIN for i in variable):
            short = (
                operator.itemgetter(*variable) if len(variable) > 1 else _one(variable[0]),
                tuple(step for step in plan if step[1] in (_CONSTANT, _TEXTS)),
            )
        object.__setattr__(self, "_json", (head, label, passed_json, plan, short))

    def fail_message(self, values: dict[str, Any]) -> Text:
        """The message of the rule failed with ``values`` (path -> value read): its template, each placeholder
        filled with the value as people read it (display.fill)."""
        template = self.template
        if "{" not in template.zh and "{" not in template.en:
            return template  # nothing to fill in
        # each value's text, worked out once for both languages; a parameter's, once for all records
        shown = self.constant_texts(values)
        return Text(self._filled(template.zh, values, shown), self._filled(template.en, values, shown))

    def _filled(self, template: str, values: dict[str, Any], shown: dict[str, str]) -> str:
        """What ``fill(template, values, self.kinds, shown)`` gives, looking only at the placeholders the template
        has: a brace left over (a placeholder that a value's text brought, or the template's own braces) has fill
        do it all again, as it reads them."""
        if "{" not in template:
            return template
        out = template
        for path, mark in self._placeholders:
            if mark in out and path in values:
                text = shown.get(path)
                if text is None:
                    text = shown[path] = excerpt(display(values[path], self.kinds.get(path)))
                if "{" in text:  # a value that reads as a placeholder: fill shows it as it is, in one pass
                    return fill(template, values, self.kinds, shown)
                out = out.replace(mark, text)
        return fill(template, values, self.kinds, shown) if "{" in out else out

    def constant_texts(self, values: dict[str, Any]) -> dict[str, str]:
        """A new mapping of the parameters' placeholders in the message to their text, as ``fill`` writes them:
        worked out for the first record, kept for the next ones while ``values`` holds the same parameter
        values (as every record of the decision does)."""
        known = self.__dict__.get("_constant_texts")  # ((path, value), …), {path: text}
        if known is not None:
            for path, value in known[0]:
                if values.get(path) is not value:
                    known = None
                    break
        if known is None:
            texts = {
                path: excerpt(display(values[path], self.kinds.get(path)))
                for path in self.constants
                if path in values and "{" + path + "}" in self.template.zh + self.template.en
            }
            known = (tuple((path, values[path]) for path in texts), texts)
            self.__dict__["_constant_texts"] = known  # a cache, not a field: equal infos stay equal
        return known[1].copy()


@dataclass(frozen=True)
class OutputInfo:
    """An output as every record of its decision has it: ``name``, ``kind``, ``fields`` (field -> Kind, for a
    list output) and ``label``."""

    name: str
    kind: Kind | None
    fields: dict[str, Kind | None]
    label: Text | None


@dataclass(frozen=True)
class DecisionInfo:
    """What every record of one compiled decision shares: which policy and decision, its rules and outputs, and
    the words of each outcome."""

    policy_id: str
    version: str
    decision: str
    rules: tuple[RuleInfo, ...]
    outputs: tuple[OutputInfo, ...]
    outcome_labels: dict[str, Text | None]
    files: tuple[str, ...] = field(default=(), compare=False)  # the policy files read, as people see their paths
    output_kinds: dict[str, tuple] = field(init=False, compare=False, repr=False)
    # per rule, where its values read lie among a record's values: (start, stop)
    value_spans: tuple[tuple[int, int], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "output_kinds", {o.name: (o.kind, o.fields) for o in self.outputs})
        stops = tuple(itertools.accumulate(len(r.paths) for r in self.rules))
        object.__setattr__(self, "value_spans", tuple(zip((0, *stops), stops)))

    @property
    def writer(self) -> _JsonWriter:
        """The functions that write its records' JSON, generated on first use (see _JsonWriter) and kept beside it,
        not in it: a record holds no code, and pickles as the data it is."""
        writer = _WRITERS.get(id(self))
        if writer is None:
            writer = _WRITERS[id(self)] = _JsonWriter(self)
            weakref.finalize(self, _WRITERS.pop, id(self), None)
        return writer


# DecisionInfo (by id, while it lives) -> the writer of its records' JSON
_WRITERS: dict[int, _JsonWriter] = {}


# Where the date that chose a record's policy version came from.
FROM_INPUT, FROM_EVALUATION_DATE, FROM_ON, FROM_POLICY = "input", "evaluation_date", "on", "policy"


@dataclass(frozen=True)
class VersionDate:
    """The date that chose the policy version of a record, and where it came from (``source``): ``input`` (the
    application's own date: ``field``, the decision's `version_date` expression, gave it), ``evaluation_date``
    (that date was unknown, or the decision declares none: the day of the evaluation; ``field`` names what was
    missing), ``on`` (given for the evaluation: `--on`), or ``policy`` (the version was named, not chosen by a
    date; ``date`` is None)."""

    date: datetime.date | None
    source: str
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat() if self.date else None, "source": self.source, "field": self.field}

    @classmethod
    def from_json(cls, data: Any) -> VersionDate | None:
        """The VersionDate that ``to_json`` gave ``data``; None for anything else (a record that states none).

        >>> VersionDate.from_json({"date": "2021-06-01", "source": "input", "field": "submitted_on"}).date
        datetime.date(2021, 6, 1)
        """
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            return None
        day, field = data.get("date"), data.get("field")
        try:
            date = datetime.date.fromisoformat(day) if isinstance(day, str) else None
        except ValueError:
            return None
        return cls(date, data["source"], field if isinstance(field, str) else None)


def unknown_message(missing: list[str], count: int) -> Text:
    """The message of a rule left unknown for want of ``missing`` (the first of ``count`` inputs)."""
    more = count - len(missing)
    zh = "、".join(missing) + (f" 等共 {count} 项" if more > 0 else "")
    en = ", ".join(missing) + (f", … and {more:,} more" if more > 0 else "")
    return Text(f"无法判断，缺少：{zh or '—'}", f"Cannot decide; missing: {en or '—'}")


def fault_text(d: Diagnostic) -> str:
    """A fault as one line of English: its message and where in the policy (`division by zero at f.yaml:12:30`)."""
    return f"{d.message} at {d.span}" if d.span is not None else d.message


@dataclass(frozen=True, init=False)
class RuleResult:
    """One rule's result: ``outcome`` (a RuleOutcome: pass, fail, unknown or error), ``values`` (path -> value the
    rule read, UNKNOWN where missing; its own copies), ``missing`` (the first inputs it needed and did not have, at
    most absent.MISSING_SHOWN; ``missing_count`` counts them all) and ``fault`` (the WQ-EVAL Diagnostic of an
    ``error``, else None); ``id``, ``clause``, ``severity``, ``label``, ``message`` (each Text with ``.zh`` and
    ``.en``) and ``error`` (the fault in one line) follow.

    >>> rule = load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}}).rule("filing.entity")
    >>> rule.clause, rule.outcome, rule.missing[0], rule.message.en[:22]
    ('3.1.2', 'unknown', 'applicant.registered_in_wuqing', 'Cannot decide; missing')
    """

    info: RuleInfo
    outcome: RuleOutcome
    values: dict[str, Any]
    missing: list[str]
    missing_count: int
    fault: Diagnostic | None

    def __init__(
        self,
        info: RuleInfo,
        outcome: RuleOutcome,
        values: dict[str, Any],
        missing: list[str] | None = None,
        missing_count: int = 0,
        fault: Diagnostic | None = None,
    ) -> None:
        # Frozen: set once, here, straight into the instance (records build many: this is their hot path).
        self.__dict__.update(
            info=info,
            outcome=outcome,
            values=values,
            missing=[] if missing is None else missing,
            missing_count=missing_count,
            fault=fault,
        )

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def clause(self) -> str:
        return self.info.clause

    @property
    def severity(self) -> Severity:
        return self.info.severity

    @property
    def label(self) -> Text:
        return self.info.label

    @property
    def template(self) -> Text:
        return self.info.template

    @property
    def kinds(self) -> dict[str, Kind | None]:
        """path -> declared kind (ratio, money, …) of the parameters and definitions the rule read."""
        return self.info.kinds

    @property
    def error(self) -> str | None:
        """The fault in one line (`division by zero at …/2021-trial.yaml:12:30`), or None."""
        return fault_text(self.fault) if self.fault is not None else None

    @property
    def message(self) -> Text:
        """Why the rule has its outcome, in Chinese and English."""
        outcome = self.outcome
        if outcome is RuleOutcome.PASS:
            return self.info.pass_message
        if outcome is RuleOutcome.FAIL:
            return self.info.fail_message(self.values)
        if outcome is RuleOutcome.UNKNOWN:
            return unknown_message(self.missing, self.missing_count)
        fault = self.fault
        where = f"（{fault.span}）" if fault is not None and fault.span is not None else ""
        zh = (fault.zh or fault.message) if fault is not None else ""
        return Text(f"计算出错：{zh}{where}", f"Evaluation error: {self.error}")

    def to_json(self) -> dict[str, Any]:
        """The rule as one item of the record's ``rules`` (schemas/decision.schema.json)."""
        return _rule_json(self.info, self.outcome, tuple(self.values.values()), self)


@dataclass(frozen=True, init=False)
class DecisionRecord:
    """The result of evaluating one input document under one policy version (``Policy.evaluate`` makes it): plain
    data of its own, which pickles and compares by value.

    ``outcome`` is the decision's word (``'eligible'``…), or ``'error'`` when a rule, the outcome logic or an
    output faulted or a money output came out negative (every money output is then UNKNOWN: no amount of a faulted
    evaluation is ever given); ``outcome_label`` its words (Text). ``rules`` holds a RuleResult per rule, in policy
    order; ``outputs`` maps each output's name to its value (``output(name)`` gives its JSON form). ``faults`` are
    the WQ-EVAL Diagnostics (subject: the rule id, the output name, or ``outcome``); ``outcome_error`` and
    ``output_errors`` give them in one line each. ``missing()`` lists the first inputs to ask for, of
    ``missing_count``. ``to_json()`` is the record as ``wqpolicy eval --format json`` prints it.

    >>> record = load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}})
    >>> record.decision, record.outcome, record.rule_outcomes()["filing.industry"]
    ('filing', 'needs_review', 'pass')
    >>> sorted(record.to_json())
    ['decision', 'missing', 'outcome', 'outcome_label', 'outputs', 'policy', 'rules']
    """

    info: DecisionInfo
    outcome: str
    input_name: str | None
    outcomes: tuple[RuleOutcome, ...]  # per rule, in order
    values: tuple  # the values of each rule's info's paths, rule after rule (info.value_spans: where each lies)
    outputs: dict[str, Any]
    rule_missing: tuple = ()  # per rule: None, or (the first paths it lacks, how many in all)
    missing_shown: tuple[str, ...] = ()
    missing_count: int = 0
    rule_faults: tuple[tuple[int, Diagnostic], ...] = ()
    outcome_fault: Diagnostic | None = None
    output_faults: tuple[tuple[str, Diagnostic], ...] = ()
    version_date: VersionDate | None = None  # set by ``dated``: the date that chose the version, and whence

    def __init__(
        self,
        info: DecisionInfo,
        outcome: str,
        input_name: str | None,
        outcomes: tuple,
        values: tuple,
        outputs: dict,
        rule_missing: tuple = (),
        missing_shown: tuple = (),
        missing_count: int = 0,
        rule_faults: tuple = (),
        outcome_fault: Diagnostic | None = None,
        output_faults: tuple = (),
    ) -> None:
        # Frozen: set once, here, straight into the instance (one record per evaluation: this is its hot path).
        self.__dict__.update(
            info=info,
            outcome=outcome,
            input_name=input_name,
            outcomes=outcomes,
            values=values,
            outputs=outputs,
            rule_missing=rule_missing,
            missing_shown=missing_shown,
            missing_count=missing_count,
            rule_faults=rule_faults,
            outcome_fault=outcome_fault,
            output_faults=output_faults,
        )

    def dated(self, version_date: VersionDate) -> DecisionRecord:
        """This record, stating the date that chose its policy version (``version_date``)."""
        other = object.__new__(DecisionRecord)
        other.__dict__.update(self.__dict__, version_date=version_date)
        return other

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_rules", None)  # built again on demand
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # -- what the record says ---------------------------------------------------------------------------------------
    @property
    def policy_id(self) -> str:
        return self.info.policy_id

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def decision(self) -> str:
        return self.info.decision

    @property
    def outcome_label(self) -> Text | None:
        label = self.info.outcome_labels.get(self.outcome)
        return ERROR_LABEL if label is None and self.outcome == ERROR else label

    @property
    def faults(self) -> tuple[Diagnostic, ...]:
        """Every runtime fault, as a WQ-EVAL Diagnostic: rules' in order, then the outcome logic's, then outputs'."""
        out = [d for _, d in self.rule_faults]
        if self.outcome_fault is not None:
            out.append(self.outcome_fault)
        return tuple(out + [d for _, d in self.output_faults])

    @property
    def outcome_error(self) -> str | None:
        """Why the outcome logic could not be evaluated (then the outcome is ``error``), in one line; or None."""
        return fault_text(self.outcome_fault) if self.outcome_fault is not None else None

    @property
    def output_errors(self) -> dict[str, str]:
        """Output name -> why it could not be computed, in one line, for each output that faulted."""
        return {name: fault_text(d) for name, d in self.output_faults}

    @property
    def output_kinds(self) -> dict[str, tuple]:
        """Output name -> (kind, fields)."""
        return self.info.output_kinds

    @property
    def output_labels(self) -> dict[str, Text | None]:
        return {o.name: o.label for o in self.info.outputs}

    @property
    def rules(self) -> tuple[RuleResult, ...]:
        """Every rule's result, in policy order."""
        rules = self.__dict__.get("_rules")
        if rules is None:
            missing = self.rule_missing or (None,) * len(self.outcomes)
            faults = dict(self.rule_faults)
            values = self.values
            rules = tuple(
                RuleResult(
                    info,
                    outcome,
                    dict(zip(info.paths, values[start:stop])),
                    list(m[0]) if m else [],
                    m[1] if m else 0,
                    faults.get(i),
                )
                for i, (info, outcome, (start, stop), m) in enumerate(
                    zip(self.info.rules, self.outcomes, self.info.value_spans, missing)
                )
            )
            self.__dict__["_rules"] = rules  # a cache, not a field: the record stays what it was made
        return rules

    def rule_outcomes(self) -> dict[str, RuleOutcome]:
        """rule id -> pass | fail | unknown | error."""
        return {info.id: outcome for info, outcome in zip(self.info.rules, self.outcomes)}

    def rule(self, rule_id: str) -> RuleResult:
        """The result of the rule ``rule_id``. Raises KeyError when the decision has no such rule.

        >>> load_policy().evaluate("filing", {}).rule("filing.plan").outcome
        'unknown'
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def missing(self) -> list[str]:
        """The inputs to ask the applicant (or the experts) for before the outcome and the amounts can be decided:
        every input that a required rule left unknown, or an output left unknown (wholly or in a field of one of
        its items), needed and did not have, once each, rules first — the first absent.MISSING_SHOWN of them;
        ``missing_count`` counts them all (advisory rules, which never decide anything, are left out).

        >>> load_policy().evaluate("filing", {"platform": {"industry": "biomedicine"}}).missing()[:2]
        ['applicant.registered_in_wuqing', 'applicant.operating_in_wuqing']
        """
        return list(self.missing_shown)

    def output(self, name: str) -> Any:
        """The output ``name`` in its JSON form: money as ``'1234567.80'``, a ratio as a decimal string, unknown as
        None, a list as a list of mappings. Raises KeyError when the decision has no such output.

        >>> load_policy().evaluate("recognition", {}).output("supply_subsidy_total")
        '0.00'
        """
        kind, fields = self.info.output_kinds[name]
        return render_value(self.outputs[name], kind, fields)

    def to_json(self) -> dict[str, Any]:
        """The record as schemas/decision.schema.json describes it, keys in a fixed order; what ``wqpolicy eval
        --format json`` prints is ``json.dumps(record.to_json(), ensure_ascii=False, indent=2)`` and a newline."""
        info = self.info
        policy: dict[str, Any] = {"id": info.policy_id, "version": info.version}
        if info.files:
            policy["files"] = list(info.files)
        out: dict[str, Any] = {"policy": policy, "decision": info.decision}
        if self.input_name:
            out["input"] = self.input_name
        dated = self.__dict__.get("version_date")
        if dated is not None:
            out["version_date"] = dated.to_json()
        out["outcome"] = self.outcome
        label = self.outcome_label
        if label:
            out["outcome_label"] = label.to_json()
        if self.outcome_fault is not None:
            out["outcome_error"] = fault_text(self.outcome_fault)
        # Each rule's JSON straight from the values read, by code generated once per decision (a rule that passed
        # written whole there); a rule that did not pass has its message, missing inputs and fault worked out by
        # its RuleResult.
        missing, rule_faults = self.rule_missing, dict(self.rule_faults)

        def other(i: int, outcome: RuleOutcome, values: tuple, read: dict) -> dict:
            rule, m = info.rules[i], missing[i] if missing else None
            if i not in rule_faults and (outcome is RuleOutcome.FAIL or outcome is RuleOutcome.UNKNOWN):
                # what _rule_json gives a RuleResult of no fault, without making one
                if outcome is RuleOutcome.FAIL:
                    message = rule.fail_message(dict(zip(rule.paths, values))).to_json()
                else:
                    message = unknown_message(list(m[0]) if m else [], m[1] if m else 0).to_json()
                head, label = rule._json[:2]
                out = head.copy()
                out["outcome"] = _OUTCOME_TEXT[outcome]
                out["label"] = label.copy()
                out["message"] = message
                out["values"] = read
                if m and m[0]:
                    out["missing"] = list(m[0])
                    if m[1] > len(m[0]):
                        out["missing_count"] = m[1]
                return out
            result = RuleResult(
                rule,
                outcome,
                dict(zip(rule.paths, values)),
                list(m[0]) if m else [],
                m[1] if m else 0,
                rule_faults.get(i),
            )
            return _rule_json(rule, outcome, values, result, read)

        writer = info.writer
        out["rules"] = writer.rules(self.outcomes, self.values, other)
        if self.missing_shown:
            out["missing"] = list(self.missing_shown)
            if self.missing_count > len(self.missing_shown):
                out["missing_count"] = self.missing_count
        outputs = self.outputs
        if tuple(outputs) == writer.output_names:  # as the runner gives them (always, but for a record made by hand)
            out["outputs"] = writer.outputs(outputs)
        else:
            kinds = info.output_kinds
            out["outputs"] = {name: render_value(value, *kinds[name]) for name, value in outputs.items()}
        if self.output_faults:
            out["output_errors"] = self.output_errors
        if self.rule_faults or self.outcome_fault is not None or self.output_faults:  # the usual record has none
            out["faults"] = [d.to_json() for d in self.faults]
        return out


def render_value(v: Any, kind: str | None, fields: dict | None = None) -> Any:
    """A raw value in its JSON form, following the output's declared kind."""
    if type(v) is Decimal and v.is_finite():  # the usual output first
        if kind == "money":
            return money_text(v)
        if kind == "ratio" or kind == "number":
            return decimal_text(v)
    if v is UNKNOWN or v is None:
        return None
    number = is_number(v) and (isinstance(v, int) or v.is_finite())
    if number:  # anything else under a numeric kind (only an unvalidated document can give it) is shown as it is
        if kind == "money":
            return money_text(v)
        if kind in ("ratio", "number"):
            return decimal_text(v)
        if kind == "integer":  # a fraction is shown as it is, never cut or rounded to a whole number unseen
            return int(v) if is_whole(v) else decimal_text(v)
    if kind == "list" and isinstance(v, list):
        fields = fields or {}
        return [
            {k: render_value(x, fields.get(k)) for k, x in item.items()}
            if isinstance(item, dict)
            else to_json_value(item)
            for item in v
        ]
    return to_json_value(v)


_PLAIN_INT = 10**27
_CONSTANT, _TEXTS, _MONEY, _PLAIN = range(4)
_OUTCOME_TEXT = {w: w.value for w in RuleOutcome}


def _one(i: int) -> Callable[[tuple], tuple]:
    """A getter of position ``i`` that gives a tuple, as itemgetter of several positions does."""
    # Typed as the callable it is: a bare `operator.itemgetter` here, joined with itemgetter(*positions) in the
    # conditional above, crashed mypy 2.4 (an internal error expanding itemgetter's TypeVarTuple overload).
    return operator.itemgetter(slice(i, i + 1))


def _rule_json(
    info: RuleInfo, outcome: RuleOutcome, values: tuple, result: RuleResult | None = None, read: dict | None = None
) -> dict:
    """One rule's JSON from what the record holds (``result`` for a rule that did not pass: its message,
    missing inputs and fault; ``read``: its values read in JSON, when they are known already)."""
    head, label, passed, plan, short = info._json
    if read is None and short is not None and _TEXT_TYPES.issuperset(map(type, short[0](values))):
        read = dict(zip(info.paths, values))  # texts and truths, as they are; the parameters' JSON laid over
        for path, how, constant in short[1]:
            read[path] = (
                constant
                if type(constant) is str or constant is None
                else constant[:]
                if how == _TEXTS
                else _copied(constant)
            )
    elif read is None:
        read = _read_json(plan, values)
    if outcome is RuleOutcome.PASS:
        message = passed.copy()
    else:
        if result is None:
            result = RuleResult(info, outcome, dict(zip(info.paths, values)))
        message = result.message.to_json()
    out = head.copy()  # id, clause, severity: in the record's key order
    out["outcome"] = _OUTCOME_TEXT[outcome]
    out["label"] = label.copy()
    out["message"] = message
    out["values"] = read
    if result is not None:
        if result.missing:
            out["missing"] = list(result.missing)
            if result.missing_count > len(result.missing):
                out["missing_count"] = result.missing_count
        if result.fault is not None:
            out["fault"] = result.fault.to_json()
    return out


def _read_json(plan: tuple, values: tuple) -> dict:
    """The values a rule read, in their JSON form, following the rule's plan."""
    read = {}
    for (path, how, constant), value in zip(plan, values):
        t = type(value)
        if how == _CONSTANT:
            read[path] = constant if type(constant) is str or constant is None else _copied(constant)
        elif how == _TEXTS:
            read[path] = constant[:]  # a list of texts: copied in one step
        elif how == _MONEY and (t is Decimal or t is int):
            read[path] = exact_money_text(value)
        elif t is str or t is bool:  # the usual leaves first
            read[path] = value
        elif t is Decimal:
            read[path] = decimal_text(value)
        elif value is UNKNOWN:
            read[path] = None
        elif t is list and _TEXT_TYPES.issuperset(map(type, value)):  # texts and truths: as they are
            read[path] = value[:]
        else:
            read[path] = to_json_value(value)
    return read


_TEXT_TYPES = frozenset({str, bool})


def _value_json(value: Any) -> Any:
    """A value a rule read in its JSON form (what _read_json gives a value of no declared kind)."""
    t = type(value)
    if t is str or t is bool:
        return value
    if t is Decimal:
        return decimal_text(value)
    if t is int:
        return str(value)  # decimal_text's, without the call
    if value is UNKNOWN:
        return None
    if t is list and _TEXT_TYPES.issuperset(map(type, value)):  # texts and truths: as they are
        return value[:]
    return to_json_value(value)


class _JsonWriter:
    """The JSON of one decision's records, written by Python generated once per decision (as codegen.py does for
    the decision itself): ``rules(outcomes, values, other)`` gives the list of rule objects, each rule's values
    read turned into JSON inline as its plan says, a rule that passed built whole in one expression (its id,
    clause, label and message are constants of the code), any other by ``other(i, outcome, values, read)``;
    ``outputs(outputs)`` gives the outputs object. Everything it returns is new: no part is shared with another
    record's JSON. It gives exactly what _rule_json and render_value give (tests/test_json_writer.py)."""

    def __init__(self, info: DecisionInfo) -> None:
        self.ns: dict[str, Any] = {
            "PASS": RuleOutcome.PASS,
            "Decimal": Decimal,
            "value_json": _value_json,
            "exact_money_text": exact_money_text,
            "money_text": money_text,
            "decimal_text": decimal_text,
            "render_value": render_value,
            "copied": _copied,
        }
        lines = ["def rules(outcomes, values, other):"]
        every = [f"a{i}_{j}" for i, rule in enumerate(info.rules) for j in range(len(rule.paths))]
        if every:  # every value read, in one step
            lines.append(f"    {', '.join(every)}, = values")
        for i, (rule, span) in enumerate(zip(info.rules, info.value_spans)):
            lines += ["    " + x for x in self._rule(rule, i, span)]
        lines.append(f"    return [{', '.join(f'r{i}' for i in range(len(info.rules)))}]")
        self.output_names = tuple(o.name for o in info.outputs)
        items = [f"{o.name!r}: {self._output(o, i)}" for i, o in enumerate(info.outputs)]
        lines += ["", "def outputs(o):", f"    return {{{', '.join(items)}}}"]
        self.source = "\n".join(lines) + "\n"
        exec(compile(self.source, f"<wqpolicy JSON of {info.decision}>", "exec"), self.ns)  # noqa: S102
        self.rules: Callable[[tuple, tuple, Callable[[int, RuleOutcome, tuple, dict], dict]], list] = self.ns["rules"]
        self.outputs: Callable[[dict], dict] = self.ns["outputs"]

    def _const(self, value: Any) -> str:
        name = f"k{len(self.ns)}"
        self.ns[name] = value
        return name

    def _rule(self, rule: RuleInfo, i: int, span: tuple[int, int]) -> list[str]:
        """Lines setting ``r{i}`` to the JSON of rule ``i``: its values read, and the rest of a rule that passed
        here, of any other by ``other``."""
        _, label, passed, plan, _ = rule._json
        names = [f"a{i}_{j}" for j in range(len(plan))]
        read = []
        for (path, how, constant), a in zip(plan, names):
            if how == _CONSTANT:
                value = (
                    repr(constant) if type(constant) is str or constant is None else f"copied({self._const(constant)})"
                )
            elif how == _TEXTS:
                value = f"{self._const(constant)}[:]"  # a list of texts: copied in one step
            elif how == _MONEY:
                value = f"(exact_money_text({a}) if (t := type({a})) is Decimal or t is int else value_json({a}))"
            else:
                value = (
                    f"({a} if (t := type({a})) is str or t is bool else decimal_text({a}) if t is Decimal "
                    f"else str({a}) if t is int else value_json({a}))"
                )
            read.append(f"{path!r}: {value}")
        # A rule that passed: copies of constant dictionaries (a copy of a small dict is one step in C, quicker
        # than building it key by key), its keys in the record's order, then its own label, message and values.
        whole = self._const(
            {
                "id": rule.id,
                "clause": rule.clause,
                "severity": str(rule.severity),
                "outcome": "pass",
                "label": None,
                "message": None,
                "values": None,
            }
        )
        label_const, passed_const = self._const(dict(label)), self._const(dict(passed))
        return [
            f"if (o{i} := outcomes[{i}]) is PASS:",
            f"    r{i} = {whole}.copy()",
            f"    r{i}['label'] = {label_const}.copy()",
            f"    r{i}['message'] = {passed_const}.copy()",
            f"    r{i}['values'] = {{{', '.join(read)}}}",
            "else:",
            f"    r{i} = other({i}, o{i}, values[{span[0]}:{span[1]}], {{{', '.join(read)}}})",
        ]

    def _output(self, output: OutputInfo, i: int) -> str:
        """The JSON of output ``i``, from ``o``: as render_value gives it, its usual values without the call."""
        a, kind, fields = f"o{i}", output.kind, self._const(output.fields) if output.fields else "None"
        slow = f"render_value({a}, {str(kind) if kind is None else repr(str(kind))}, {fields})"
        if kind in (Kind.MONEY, Kind.RATIO, Kind.NUMBER):
            fast = "money_text" if kind is Kind.MONEY else "decimal_text"
            return f"({fast}({a}) if type({a} := o[{output.name!r}]) is Decimal and {a}.is_finite() else {slow})"
        return f"({a} if (t := type({a} := o[{output.name!r}])) is str or t is bool else {slow})"


def _constant_plan(value: Any) -> int:
    """How a constant's JSON is handed out: a list of texts copied in one step, anything else copied deeply."""
    return _TEXTS if type(value) is list and all(type(x) is str for x in value) else _CONSTANT


def _copied(value: Any) -> Any:
    """A JSON value copied (a constant shared by every record is never handed out to be changed)."""
    if type(value) is list:
        return [_copied(x) for x in value]
    if type(value) is dict:
        return {k: _copied(x) for k, x in value.items()}
    return value


def to_json_value(v: Any) -> Any:
    """A value read or computed in its JSON form: numbers as exact decimal text, dates ISO, unknown None."""
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
