"""`wqpolicy diff --applications`: the impact of a revision on real applications (wqpolicy.batch), as text,
Markdown, JSON or the 修订影响说明 workbook."""

from __future__ import annotations

import click

from ..batch.impact_memo import impact_xlsx
from ..batch.impact_report import RENDERERS
from ..batch.progress import Progress
from ..batch.revision_impact import revision_impact
from ..errors import WQError
from . import UsageProblem, fail, home, said
from ._files import emit

IMPACT_FORMATS = ("text", "json", "markdown", "md", "xlsx")


def run_impact(
    old: str,
    new: str,
    applications: tuple[str, ...],
    fmt: str,
    out_file: str | None,
    decision: str | None,
    jobs: int | None,
    fail_on_change: bool,
) -> None:
    if fmt not in IMPACT_FORMATS:
        raise UsageProblem(
            said(
                f"--format {fmt} 不用于 --applications；--applications 的输出格式为 text、markdown、json 或 xlsx",
                f"--format {fmt} is not made for --applications; use text, markdown, json or xlsx",
            )
        )
    try:
        run = revision_impact(
            old,
            new,
            applications,
            decision=decision,
            jobs=jobs,
            progress=Progress("对比中 Comparing"),
            report=lambda line: click.echo(line, err=True),
            home=[str(p) for p in home()],
        )
        emit(impact_xlsx(run) if fmt == "xlsx" else RENDERERS[fmt](run), out_file)
    except WQError as e:
        fail(e)
    for f in run.file_problems:
        for p in f.before.problems:
            click.echo(f"{f.source}: {p.text()}", err=True)
    unreadable = [a for a in run.applications if a.before.problems and a.before.problems == a.after.problems]
    if run.file_problems or unreadable or (fail_on_change and run.changed):
        raise click.exceptions.Exit(1)
