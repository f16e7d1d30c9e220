"""`wqpolicy eval` over a batch (a workbook, CSV, JSON lines, a folder, a decision log): the options read, the batch
run (wqpolicy.batch.evaluation), its problems on standard error as they are found, its summary on standard output."""

from __future__ import annotations

import datetime

import click

from ..batch.evaluation import evaluate_batch, output_format
from ..batch.policies import PolicySpec
from ..batch.progress import Progress
from ..batch.write_text import summary_text
from ..errors import WQError
from . import UsageProblem, fail, files_text, home, lang, out, said

BATCH_FORMATS = ("csv", "xlsx")


def run_batch(
    inputs: tuple[str, ...],
    policy_ref: str | None,
    on: datetime.date | None,
    decision: str | None,
    fmt: str,
    out_file: str | None,
    jobs: int | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """Evaluate a batch; exit 1 when an application could not be evaluated, faulted, or a file had problems."""
    if fmt in ("json", "md", "html", "docx"):
        raise UsageProblem(
            said(
                f"--format {fmt} 用于逐份评估的材料；批量评估的输出格式为 text、jsonl、csv 或 xlsx",
                f"--format {fmt} is for single documents; a batch is written as text, jsonl, csv or xlsx",
            )
        )
    chosen = output_format(fmt, out_file)
    if chosen == "xlsx" and (out_file is None or out_file == "-"):
        raise UsageProblem(
            said(
                "xlsx 是工作簿文件：请用 --out FILE.xlsx 指定文件",
                "--format xlsx writes a workbook: give --out FILE.xlsx",
            )
        )
    spec = PolicySpec(policy_ref, tuple(policy_dirs), on, tuple(str(p) for p in home()))
    target = None if out_file in (None, "-") else out_file
    try:
        run = evaluate_batch(
            inputs,
            spec,
            decision=decision,
            jobs=jobs,
            out=target,
            fmt=chosen,
            report=lambda line: click.echo(line, err=True),
            progress=Progress("评估中 Evaluating"),
            files_line=files_text,
            lang=lang(),
        )
    except WQError as e:
        fail(e)
    if run.unshown:
        click.echo(f"……另有 {run.unshown} 份申请有问题，未逐一列出 / … and {run.unshown} more with problems", err=True)
    if target is not None:
        out(summary_text(run.summary, run.labels, target, files_text(run.files), lang()))
    if run.summary.failed:
        raise click.exceptions.Exit(1)
