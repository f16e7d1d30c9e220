"""What a batch keeps of one application's evaluation (``Result``): small, plain and picklable — its id and names,
the outcome and its Chinese words, the failed rules by clause and label, the missing materials by name, every output
in its JSON form, each rule's outcome, the version and the date that chose it — or why it could not be evaluated.
Worker processes make these; the writers lay them out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model import Text
from .items import Problem

NOT_EVALUATED = Text("无法评估（输入有误）", "Not evaluated (input errors)")


@dataclass(frozen=True)
class FailedRule:
    id: str
    clause: str
    label: Text

    def text(self) -> str:
        return f"{self.clause} {self.label.zh}"


@dataclass(frozen=True, init=False)
class Result:
    """One application's result (``outcome`` None: not evaluated, ``problems`` say why). ``application`` False: a
    problem of a file rather than of an application (a header that cannot be read, rows of no application)."""

    index: int
    id: str
    source: str
    name: str = ""
    platform: str = ""
    decision: str | None = None
    outcome: str | None = None
    outcome_label: Text = NOT_EVALUATED
    failed: tuple[FailedRule, ...] = ()
    missing: tuple[Text, ...] = ()
    missing_count: int = 0
    outputs: tuple[tuple[str, Any], ...] = ()  # (name, JSON value), in the decision's order
    rules: tuple[tuple[str, str], ...] = ()  # (rule id, outcome)
    policy: str = ""  # id@version
    chosen_on: str = ""
    chosen_by: str = ""
    chosen_field: str = ""  # the decision's `version_date` that gave the date (or that the application lacked)
    problems: tuple[Problem, ...] = ()
    faults: tuple[str, ...] = ()
    application: bool = True
    line: str | None = None  # the JSON line, made where it was decided (then only what the summary reads is kept)

    def __init__(
        self,
        index: int,
        id: str,
        source: str,
        name: str = "",
        platform: str = "",
        decision: str | None = None,
        outcome: str | None = None,
        outcome_label: Text = NOT_EVALUATED,
        failed: tuple[FailedRule, ...] = (),
        missing: tuple[Text, ...] = (),
        missing_count: int = 0,
        outputs: tuple[tuple[str, Any], ...] = (),
        rules: tuple[tuple[str, str], ...] = (),
        policy: str = "",
        chosen_on: str = "",
        chosen_by: str = "",
        chosen_field: str = "",
        problems: tuple[Problem, ...] = (),
        faults: tuple[str, ...] = (),
        application: bool = True,
        line: str | None = None,
    ) -> None:
        # Frozen: set once, here, straight into the instance (a batch makes one or two per application: a
        # dataclass's own __init__ sets each of the 21 fields through object.__setattr__).
        self.__dict__.update(
            index=index,
            id=id,
            source=source,
            name=name,
            platform=platform,
            decision=decision,
            outcome=outcome,
            outcome_label=outcome_label,
            failed=failed,
            missing=missing,
            missing_count=missing_count,
            outputs=outputs,
            rules=rules,
            policy=policy,
            chosen_on=chosen_on,
            chosen_by=chosen_by,
            chosen_field=chosen_field,
            problems=problems,
            faults=faults,
            application=application,
            line=line,
        )

    def __reduce__(self) -> tuple[type[Result], tuple]:
        """Pickled as its fields in order (every result comes back from a worker process: a tuple is quicker to
        write and read than the state of 21 fields by name)."""
        return Result, tuple(self.__dict__[name] for name in _FIELDS)

    @property
    def evaluated(self) -> bool:
        return self.outcome is not None

    @property
    def failed_text(self) -> str:
        return "；".join(r.text() for r in self.failed)

    @property
    def missing_text(self) -> str:
        more = self.missing_count - len(self.missing)
        return "、".join(m.zh for m in self.missing) + (f" 等共 {self.missing_count} 项" if more > 0 else "")

    @property
    def problems_text(self) -> str:
        return (
            "\n".join(p.text() for p in self.problems)
            + ("\n" if self.problems and self.faults else "")
            + ("\n".join(self.faults))
        )

    @property
    def report(self) -> str:
        """Its problems and faults as the command line reports them, under its place and id."""
        head = f"{self.source} · {self.id}" if self.application else self.source
        lines = [p.line() for p in self.problems] + list(self.faults)
        return head + ":\n" + "\n".join(f"  {x}" for x in lines)

    def output(self, name: str) -> Any:
        return next((v for n, v in self.outputs if n == name), None)

    def packed(self, payouts: frozenset[str]) -> Result:
        """This result as its JSON line, keeping beside it only what a summary reads: quicker to send back from a
        worker process than the whole result."""
        line = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        return Result(
            self.index,
            self.id,
            self.source,
            decision=self.decision,
            outcome=self.outcome,
            outcome_label=self.outcome_label,
            outputs=tuple((n, v) for n, v in self.outputs if n in payouts),
            policy=self.policy,
            problems=self.problems,
            faults=self.faults,
            application=self.application,
            line=line,
        )

    def to_json(self) -> dict[str, Any]:
        """The result as one line of the JSON lines output (schemas/batch-result.schema.json)."""
        out: dict[str, Any] = {"id": self.id, "input": self.source}
        if self.name:
            out["name"] = self.name
        if self.platform:
            out["platform"] = self.platform
        out["decision"] = self.decision
        out["outcome"] = self.outcome
        out["outcome_label"] = self.outcome_label.to_json()
        out["failed_rules"] = [{"id": r.id, "clause": r.clause, "label": r.label.to_json()} for r in self.failed]
        out["missing_materials"] = [m.to_json() for m in self.missing]
        if self.missing_count > len(self.missing):
            out["missing_count"] = self.missing_count
        out["outputs"] = dict(self.outputs)
        out["rules"] = dict(self.rules)
        out["policy"] = self.policy
        out["version_date"] = self.chosen_on
        out["version_date_source"] = self.chosen_by
        if self.chosen_field:
            out["version_date_field"] = self.chosen_field
        if self.problems:
            out["problems"] = [p.to_json() for p in self.problems]
        if self.faults:
            out["faults"] = list(self.faults)
        return out


_FIELDS = tuple(Result.__dataclass_fields__)  # in the order __init__ takes them
