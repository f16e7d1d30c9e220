"""A batch evaluated end to end: the applications read from their sources, decided on every core in input order,
written as they come (workbook, CSV, JSON lines or text), summarised, and every application that could not be
evaluated reported — placed in its cell or line — while the others are still decided."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic, WQError, did_you_mean
from ..model import Text
from .decide import Decide
from .decide_block import DecideBlock, first_seen
from .layout import Layout, layout_for
from .policies import PolicySpec, policy_set
from .progress import Progress
from .runner import CHUNK, WorkerLost, default_jobs, run_ordered
from .sinks import FileSink, StdoutSink
from .sources import SHEET_SUFFIXES, Sources
from .summary import Summary
from .table import ResultTable
from .write_csv import CsvWriter
from .write_jsonl import JsonlWriter
from .write_text import TextWriter
from .write_xlsx import XlsxWriter

FORMATS = ("text", "jsonl", "csv", "xlsx")
# Applications whose problems are printed one by one, at most (an engine setting): past it, they are counted.
SHOWN_PROBLEMS = 200


@dataclass
class BatchRun:
    """What ran: the summary, the problems reported (in the order found) and how many went unshown."""

    summary: Summary
    problems: list[str]
    unshown: int
    labels: dict[str, Text]
    files: list[str] = field(
        default_factory=list
    )  # the policy files of the versions the applications were decided under


def output_format(fmt: str | None, out: str | None) -> str:
    """The format of a batch's output: ``fmt`` when it is a batch format, else the suffix of ``out``, else text."""
    if fmt in FORMATS and fmt != "text":
        return fmt
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    if suffix in ("xlsx", "csv", "jsonl"):
        return suffix
    if suffix == "ndjson":
        return "jsonl"
    return "text"


def evaluate_batch(
    inputs: Sequence[str],
    spec: PolicySpec,
    *,
    decision: str | None = None,
    jobs: int | None = None,
    out: str | None = None,
    fmt: str = "text",
    report: Callable[[str], None] = lambda line: None,
    progress: Progress | None = None,
    files_line: Callable[[list[str]], str] | None = None,
    lang: str = "both",
) -> BatchRun:
    """Decide every application under ``inputs`` and write the results to ``out`` (standard output when None) in
    ``fmt``; ``report`` is called with each problem's line as it is found; ``files_line(files)`` words the policy
    files of the versions used for the text output's summary (none: not said). Raises WQError when the policy or
    ``decision`` cannot be found, or the output cannot be written (the file is then left as it was)."""
    pset = policy_set(spec)
    policy = pset.default
    if decision is not None and decision not in policy.decisions:
        raise WQError(
            [
                Diagnostic(
                    "WQ-INPUT",
                    f"--decision: policy {policy.model.ref} has no decision `{decision}`",
                    hint=did_you_mean(decision, policy.decisions) or "decisions: " + ", ".join(policy.decisions),
                    zh=f"--decision：政策 {policy.model.ref} 没有名为 `{decision}` 的决定",
                    hint_zh="可用的决定：" + "、".join(policy.decisions),
                )
            ]
        )
    layouts = _layouts(policy)
    sources = Sources(inputs, layouts, decision)
    progress = progress or Progress("评估中 Evaluating", enabled=False)
    problems: list[str] = []
    unshown = 0
    writer: Any = None
    results: Any = None
    task = Decide(spec, decision, lines=fmt == "jsonl")
    blocks = sources.blocks(CHUNK) if fmt == "jsonl" else None
    try:
        if blocks is not None:  # JSON lines to JSON lines: this process's work is per block, not per application
            head = list(itertools.islice(blocks, 2))  # one block: decided here, as one chunk would be
            jobs = (jobs or default_jobs()) if len(head) > 1 else 1
            results = run_ordered(itertools.chain(head, blocks), DecideBlock(task), jobs, progress.start, chunk=1)
            first: list[Any] = []
            for b in results:
                first.append(b)
                if sum(x.count for x in first) >= CHUNK:
                    break
            seen = first_seen(first, CHUNK)
        else:
            results = run_ordered(sources.items(), task, jobs or default_jobs(), progress.start)
            first = list(itertools.islice(results, CHUNK))
            seen = {r.decision for r in first if r.evaluated}
        chosen, inferred = _decisions(inputs, decision, policy, seen)  # the decisions they are for lay out the columns
        table = ResultTable(policy, chosen, others=inferred)
        labels = table.decision_labels
        summary = Summary(table.payouts)

        def files() -> list[str]:
            return list(dict.fromkeys(f for ref in summary.versions for f in pset.files_of(ref)))

        def problem(line: str) -> None:
            nonlocal unshown
            if len(problems) < SHOWN_PROBLEMS:
                problems.append(line)
                report(line)
            else:
                unshown += 1

        head_line = (lambda: files_line(files())) if files_line is not None else (lambda: "")
        writer = _writer(fmt, out, table, labels, head_line, lang)
        if blocks is not None:
            for b in itertools.chain(first, results):
                summary.merge(b.summary)
                writer.add_block(b.out)
                progress.advance(b.count)
                for line in b.problems:
                    problem(line)
        else:
            for r in itertools.chain(first, results):
                summary.add(r)
                writer.add(r)
                progress.advance()
                if r.problems or r.faults:
                    problem(r.report)
        for w in sources.warnings:
            report(f"warning: {w.text()}")
    except WorkerLost:
        if writer is not None:
            writer.discard()
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    "a worker process ended without finishing (out of memory, or killed); nothing was written",
                    hint="run again with fewer --jobs",
                    zh="有工作进程意外退出（内存不足或被终止），结果未写出",
                    hint_zh="请减少 --jobs 后重试",
                )
            ]
        ) from None
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    finally:
        if results is not None:
            results.close()  # the workers end here, whatever happened
        progress.stop()
    writer.finish(summary)
    return BatchRun(summary, problems, unshown, labels, files())


def _layouts(policy: Any) -> Callable[[str], Layout]:
    made: dict[str, Layout] = {}

    def layout(decision: str) -> Layout:
        if decision not in made:
            if decision not in policy.decisions:
                policy.decision(decision)  # raises WQ-INPUT naming the closest decision
            made[decision] = layout_for(policy, decision)
        return made[decision]

    return layout


def _decisions(inputs: Sequence[str], decision: str | None, policy: Any, seen: set[str]) -> tuple[list[str], bool]:
    """The decisions whose columns the results have: the one given, the ones the workbooks name, else the ones
    the first results are for (``seen``; an output of another decision later goes to the column of other outputs:
    True)."""
    if decision is not None:
        return [decision], False
    named: set[str] = set()
    for name in inputs:
        found = _workbook_decision(Path(name)) if Path(name).suffix.lower() in SHEET_SUFFIXES else None
        if found is None or found not in policy.decisions:
            named = set()
            break
        named.add(found)
    if named:
        return [d for d in policy.decisions if d in named], False
    return [d for d in policy.decisions if d in seen] or list(policy.decisions), True


def _workbook_decision(path: Path) -> str | None:
    from .read_xlsx import META, open_book

    try:
        book = open_book(path)
    except Exception:  # noqa: BLE001 - reading it again says what is wrong with it
        return None
    try:
        if META not in book.sheetnames:
            return None
        for row in book.rows(META):
            if len(row) >= 2 and row[0] == "decision" and isinstance(row[1], str):
                return row[1]
        return None
    finally:
        book.close()


def _writer(
    fmt: str,
    out: str | None,
    table: ResultTable,
    labels: dict[str, Text],
    head: Callable[[], str] = lambda: "",
    lang: str = "both",
) -> Any:
    if fmt == "xlsx":
        if out is None:
            raise ValueError("an xlsx output needs a file")
        return XlsxWriter(out, table, labels)
    sink = FileSink(out) if out is not None else StdoutSink()
    if fmt == "csv":
        return CsvWriter(sink, table, labels)
    if fmt == "jsonl":
        return JsonlWriter(sink)
    return TextWriter(sink, table, labels, head, lang)
