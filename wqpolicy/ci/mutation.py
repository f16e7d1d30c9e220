"""The mutation score of a corpus of cases: every mutant (mutants.py) of each policy version the cases ran under is
compiled once and the cases that passed under the version are run against it, in worker processes; a mutant some
case fails under is killed, one none notices survives. The score is the share killed; each survivor comes with
its clause and the case that would notice it."""

from __future__ import annotations

import concurrent.futures
import datetime
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ..case_report import TestReport, run_cases
from ..cases import Case, run_case
from ..errors import WQError
from ..jsontext import json_number
from ..model import PolicyVersion
from ..policy import PathLike, Policy
from .formats import shown_path
from .mutants import Mutant, apply, mutants
from .sites import policy_map


@dataclass(frozen=True)
class MutantResult:
    """What the corpus did to one mutant: ``status`` killed, survived or invalid (the mutated policy does not
    check: not counted); ``case`` the first case that noticed it and ``detail`` how (or why it is invalid)."""

    id: str
    status: str
    case: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class MutationReport:
    """Every mutant of each version with its result; ``passed``/``failed`` the cases' own results."""

    mutants: tuple[tuple[str, Mutant, MutantResult], ...]  # (version ref, mutant, result)
    passed: int
    failed: int

    def count(self, status: str) -> int:
        return sum(r.status == status for _, _, r in self.mutants)

    @property
    def score(self) -> Decimal:
        """Mutants killed, in percent of those killed or surviving, cut to one decimal (never rounded up); 0 when
        there are none."""
        killed, survived = self.count("killed"), self.count("survived")
        if not killed + survived:  # nothing to notice (or no case ran): nothing was shown to be noticed
            return Decimal("0.0")
        return (Decimal(killed * 100) / Decimal(killed + survived)).quantize(Decimal("0.1"), ROUND_DOWN)

    @property
    def survivors(self) -> list[tuple[str, Mutant, MutantResult]]:
        return [x for x in self.mutants if x[2].status == "survived"]


# -- the work, in each worker process ---------------------------------------------------------------------------------
# ref -> (the version's model, the cases that passed under it). Set in the parent before the workers start (a
# forked worker has it already), or by _start in a worker that starts afresh.
_WORK: dict[str, tuple[PolicyVersion, list[Case]]] = {}


def _start(spec: tuple) -> None:
    if not _WORK:
        _WORK.update(_corpus(*spec)[1])


def _try(ref: str, mutant: Mutant) -> MutantResult:
    """Compile ``mutant`` of the version ``ref`` once and run the cases against it, the first case that notices it
    ending the run."""
    version, cases = _WORK[ref]
    try:
        policy = Policy(apply(version, mutant.change), [])
    except WQError as e:
        return MutantResult(mutant.id, "invalid", detail=e.diagnostics[0].message)
    except Exception as e:  # noqa: BLE001 - a mutant the engine cannot compile is not counted, never a crash
        return MutantResult(mutant.id, "invalid", detail=f"{type(e).__name__}: {e}")
    for case in cases:
        if case.input.get("decision") not in mutant.decisions:
            continue  # its decision is compiled as before: it cannot notice
        try:
            result = run_case(case, policy)
        except Exception as e:  # noqa: BLE001 - a mutant that breaks the engine is noticed, never a crash of the run
            return MutantResult(mutant.id, "killed", shown_path(str(case.path)), f"{type(e).__name__}: {e}")
        if not result.passed:
            what, want, got = result.mismatches[0]
            return MutantResult(mutant.id, "killed", shown_path(str(case.path)), f"{what}: {want} → {got}")
    return MutantResult(mutant.id, "survived")


def _corpus(
    paths: Sequence[PathLike],
    policy: PathLike | None,
    on: datetime.date | None,
    policy_dirs: Sequence[PathLike],
    home: Sequence[PathLike] | None = None,
) -> tuple[TestReport, dict[str, tuple[PolicyVersion, list[Case]]]]:
    """The test run, and per version the model and the cases that passed under it."""
    policies: dict[str, Policy] = {}

    def note(case: Case, chosen: Policy) -> None:
        policies.setdefault(chosen.model.ref, chosen)

    report = run_cases(paths, policy, on, policy_dirs, home=home, recorder_for=note)
    work: dict[str, tuple[PolicyVersion, list[Case]]] = {ref: (p.model, []) for ref, p in policies.items()}
    for run in report.runs:
        if run.result is not None and run.passed:
            work[run.result.ref][1].append(run.case)
    return report, work


def run_mutation(
    paths: Sequence[PathLike],
    policy: PathLike | None = None,
    on: datetime.date | None = None,
    policy_dirs: Sequence[PathLike] = (),
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    home: Sequence[PathLike] | None = None,
) -> tuple[TestReport, MutationReport]:
    """Run the case files at ``paths`` as `wqpolicy test` does, then every mutant of each version they ran under
    against the cases that passed under it, in ``jobs`` worker processes (default: one per core; 1: in this
    process). ``progress(done, total)`` is called as mutants finish. ``home``: the folders that stand in for the
    bundled policies (see case_report.run_cases).

    >>> tests, mutation = run_mutation(["tests/cases/filing"], jobs=1)
    >>> mutation.count("killed") > 0, tests.failed
    (True, 0)
    """
    spec = (tuple(paths), policy, on, tuple(policy_dirs), tuple(home) if home is not None else None)
    tests, work = _corpus(*spec)
    todo = [(ref, mutant) for ref, (version, _) in work.items() for mutant in mutants(policy_map(version))]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    results: list[MutantResult] = []
    _WORK.clear()
    _WORK.update(work)
    try:
        if jobs == 1:
            for ref, mutant in todo:
                results.append(_try(ref, mutant))
                if progress is not None:
                    progress(len(results), len(todo))
        else:
            try:
                with concurrent.futures.ProcessPoolExecutor(
                    jobs, mp_context=_context(), initializer=_start, initargs=(spec,)
                ) as pool:
                    futures = [pool.submit(_try, ref, mutant) for ref, mutant in todo]
                    for n, _ in enumerate(concurrent.futures.as_completed(futures), 1):
                        if progress is not None:
                            progress(n, len(todo))
                    results = [f.result() for f in futures]
            except concurrent.futures.process.BrokenProcessPool:
                # a worker that died (killed, out of memory): the mutants are run here instead, one by one
                results = [_try(ref, mutant) for ref, mutant in todo]
    finally:
        _WORK.clear()
    found = tuple((ref, mutant, result) for (ref, mutant), result in zip(todo, results))
    return tests, MutationReport(found, tests.passed, tests.failed)


def _context() -> Any:
    """Fork where the system has it (a worker starts with the corpus already loaded); else a fresh start, in
    which each worker loads the corpus once (_start)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


# -- the report in words -----------------------------------------------------------------------------------------
KIND_WORDS = {
    "threshold": ("阈值", "threshold"),
    "ratio": ("比例", "ratio"),
    "cap": ("金额或上限", "amount or cap"),
    "parameter": ("参数", "parameter"),
    "operator": ("比较符", "comparison"),
    "rule": ("删除规则", "rule removed"),
    "category": ("类别", "category"),
    "transition": ("新旧衔接", "transition"),
}


def _place(m: Mutant) -> str:
    return f"{shown_path(m.span.file)}:{m.span.line}:{m.span.col}" if m.span is not None else ""


def render_text(report: MutationReport) -> str:
    """The score, the counts per kind, and each survivor with its clause, place and the case to add."""
    killed, survived, invalid = report.count("killed"), report.count("survived"), report.count("invalid")
    lines = [
        f"变异得分 Mutation score: {report.score}%（{killed} 个被发现 killed，{survived} 个未被发现 survived"
        + (f"，{invalid} 个无效 invalid" if invalid else "")
        + "）",
    ]
    kinds: dict[str, list[int]] = {}
    for _, m, r in report.mutants:
        k = kinds.setdefault(m.kind, [0, 0])
        k[0] += r.status == "killed"
        k[1] += r.status in ("killed", "survived")
    for kind, (noticed, counted) in kinds.items():
        zh, en = KIND_WORDS.get(kind, (kind, kind))
        lines.append(f"  {zh} {en}: {noticed}/{counted}")
    survivors = report.survivors
    lines.append("")
    lines.append(
        f"未被发现的变异 Survivors: {len(survivors)}" if survivors else "所有变异都被发现 Every mutant killed."
    )
    for ref, m, _ in survivors:
        lines.append(f"  [{m.clause or '—'}] {m.words.zh}")
        lines.append(f"        {m.words.en}  ({ref}, {_place(m)})")
        lines.append(f"      建议 suggested: {m.suggestion.zh}")
        lines.append(f"                      {m.suggestion.en}")
    for _, m, r in report.mutants:
        if r.status == "invalid":
            lines.append(f"  无效 invalid: {m.words.en} — {r.detail}")
    lines.append("")
    lines.append(f"{report.passed} passed, {report.failed} failed")
    return "\n".join(lines) + "\n"


def to_json(report: MutationReport) -> dict[str, Any]:
    """The report as schemas/mutation.schema.json describes it."""
    return {
        "score": json_number(report.score),
        "killed": report.count("killed"),
        "survived": report.count("survived"),
        "invalid": report.count("invalid"),
        "cases": {"passed": report.passed, "failed": report.failed},
        "mutants": [
            {
                "id": m.id,
                "policy": ref,
                "kind": m.kind,
                "status": r.status,
                "description": m.words.to_json(),
                "clause": m.clause,
                **(
                    {"file": shown_path(m.span.file), "line": m.span.line, "col": m.span.col}
                    if m.span is not None
                    else {}
                ),
                "case": r.case,
                "detail": r.detail,
                "suggestion": m.suggestion.to_json(),
            }
            for ref, m, r in report.mutants
        ],
    }


def render_json(report: MutationReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def render_markdown(report: MutationReport) -> str:
    """Markdown for a job summary: the score and a table of the survivors."""
    lines = [
        f"## 变异得分 Mutation score: {report.score}%",
        "",
        f"{report.count('killed')} killed · {report.count('survived')} survived · {report.count('invalid')} invalid",
        "",
    ]
    survivors = report.survivors
    if not survivors:
        lines.append("所有变异都被发现 Every mutant killed.")
    else:
        lines += ["| 条款 Clause | 变异 Mutant | 建议补充的案例 Case to add |", "|---|---|---|"]
        for _, m, _ in survivors:
            cell = f"{m.words.zh}<br>{m.words.en}".replace("|", "\\|")
            hint = f"{m.suggestion.zh}<br>{m.suggestion.en}".replace("|", "\\|")
            lines.append(f"| {m.clause or '—'} | {cell} | {hint} |")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[MutationReport], str]] = {
    "text": render_text,
    "json": render_json,
    "md": render_markdown,
}
