"""What a batch came to: the applications counted per outcome, the total of each payout (amounts paid out, as the
policy declares them: never a remaining cap), and how many could not be evaluated or faulted."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..model import Text
from ..words import ERROR
from .result import Result
from .table import OutputColumn


@dataclass
class Summary:
    """Counts and totals, added to one result at a time (``add``), or another summary's at once (``merge``).
    ``payouts`` None: each output a result keeps is a payout (results packed for JSON lines keep only theirs)."""

    payouts: list[OutputColumn] | None
    applications: int = 0
    outcomes: dict[tuple[str, str], list[Any]] = field(default_factory=dict)  # (decision, outcome) -> [label, n]
    totals: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (decision, payout) -> total
    not_evaluated: int = 0
    faulted: int = 0
    file_problems: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    def add(self, r: Result) -> None:
        if not r.application:
            self.file_problems += 1
            return
        self.applications += 1
        if not r.evaluated:
            self.not_evaluated += 1
            return
        if r.outcome == ERROR:
            self.faulted += 1
        key = (r.decision or "", r.outcome or "")
        entry = self.outcomes.setdefault(key, [r.outcome_label, 0])
        entry[1] += 1
        self.versions[r.policy] = self.versions.get(r.policy, 0) + 1
        if self.payouts is None:
            for name, value in r.outputs:
                if isinstance(value, str):
                    self._total((r.decision or "", name), Decimal(value))
            return
        outputs = dict(r.outputs)
        for p in self.payouts:
            if p.decision != r.decision:
                continue
            value = outputs.get(p.name)
            if isinstance(value, str):  # an amount known (unknown ones, and faulted records', are None)
                self._total((p.decision, p.name), Decimal(value))

    def merge(self, part: Summary) -> None:
        """Add the counts and totals of ``part`` (of later results), its totals only of this summary's payouts."""
        self.applications += part.applications
        self.not_evaluated += part.not_evaluated
        self.faulted += part.faulted
        self.file_problems += part.file_problems
        for key, (label, n) in part.outcomes.items():
            self.outcomes.setdefault(key, [label, 0])[1] += n
        for version, n in part.versions.items():
            self.versions[version] = self.versions.get(version, 0) + n
        for p in self.payouts or ():
            total = part.totals.get((p.decision, p.name))
            if total is not None:
                self._total((p.decision, p.name), total)

    def _total(self, key: tuple[str, str], value: Decimal) -> None:
        self.totals[key] = self.totals.get(key, Decimal(0)) + value

    @property
    def failed(self) -> bool:
        """Whether any application could not be evaluated or faulted, or a file had problems (exit 1)."""
        return bool(self.not_evaluated or self.faulted or self.file_problems)

    def rows(self, labels: dict[str, Text]) -> list[list[Any]]:
        """The summary as rows of cells (Chinese first): per outcome, per payout, and what was not evaluated."""
        out: list[list[Any]] = [["项目 Item", "决定 Decision", "数量或金额 Count or amount", "代码 Code"]]
        out.append(["申请总数 Applications", "", self.applications, "applications"])
        for (decision, outcome), (label, n) in sorted(self.outcomes.items()):
            out.append([f"{label.zh} {label.en}", _decision(labels, decision), n, outcome])
        out.append(["无法评估（输入有误） Not evaluated", "", self.not_evaluated, "not_evaluated"])
        if self.file_problems:
            out.append(["文件问题 File problems", "", self.file_problems, "file_problems"])
        for p in self.payouts or ():
            total = self.totals.get((p.decision, p.name), Decimal(0))
            out.append([f"{p.label.zh}合计 {p.label.en} in all（元）", _decision(labels, p.decision), total, p.name])
        for version, n in sorted(self.versions.items()):
            out.append([f"按 {version} 评估 Decided under {version}", "", n, "policy"])
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "applications": self.applications,
            "outcomes": [
                {"decision": d, "outcome": o, "label": label.to_json(), "count": n}
                for (d, o), (label, n) in sorted(self.outcomes.items())
            ],
            "not_evaluated": self.not_evaluated,
            "faulted": self.faulted,
            "payouts": [
                {
                    "decision": p.decision,
                    "name": p.name,
                    "label": p.label.to_json(),
                    "total": format(self.totals.get((p.decision, p.name), Decimal(0)), ".2f"),
                }
                for p in self.payouts or ()
            ],
            "versions": dict(sorted(self.versions.items())),
        }


def _decision(labels: dict[str, Text], name: str) -> str:
    label = labels.get(name)
    return f"{label.zh}（{name}）" if label is not None else name
