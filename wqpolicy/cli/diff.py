"""`wqpolicy diff`: two versions of a policy compared in words, and the cases the change moves."""

from __future__ import annotations

import click

from ..cases import load_cases
from ..diff import Diff, policy_changes
from ..diff_report import RENDERERS
from ..documents import MissingExtra
from ..documents.formats import revision_renderer
from ..documents.revision_table import build_revision_table
from ..errors import Diagnostic, WQError
from ..impact import case_impact
from ..library import is_policy_file
from . import fail, load_ref, main, render
from ._files import emit, extra_missing, refuse_binary_on_terminal
from ._impact import run_impact


@main.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--cases",
    "case_paths",
    multiple=True,
    type=click.Path(exists=True),
    metavar="PATH",
    help="Case files or folders to evaluate under both versions (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md", "markdown", "html", "docx", "xlsx"]),
    default="text",
    show_default=True,
    help="markdown: the changes and cases, for a pull request; md: the 修订对照表 "
    "(条款 / 原规定 / 新规定 / 说明) and the case impact, for the memo; html, docx: the same as md, as a "
    'document (need `pip install "wqpolicy[docs]"`); xlsx (with --applications): the 修订影响说明 workbook.',
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE (whole or not at all) instead of standard output.",
)
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any case's outcome, rules or outputs change.")
@click.option(
    "--applications",
    "application_paths",
    multiple=True,
    type=click.Path(exists=True),
    metavar="FILE|DIR",
    help="Real applications (a folder of documents, a workbook, CSV, JSON lines or a decision log) decided under "
    "both versions: outcomes, payouts and their totals, and which change moves each (repeatable).",
)
@click.option("--decision", help="With --applications: the decision of applications that do not say it (CSV).")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N", help="With --applications: worker processes.")
def diff(
    old: str,
    new: str,
    case_paths: tuple[str, ...],
    fmt: str,
    out_file: str | None,
    fail_on_change: bool,
    application_paths: tuple[str, ...] = (),
    decision: str | None = None,
    jobs: int | None = None,
) -> None:
    """Compare two policy versions: the policy change in words, and every case it moves.

    OLD and NEW are ID@VERSION refs or policy files, two versions of one policy. With --cases, each case is
    evaluated under both (its expectations are not consulted) and each case whose outcome, rule outcomes or
    outputs change is listed, with money differences. Exit 0; 1 when a version does not load or a case file
    cannot be read, and with --fail-on-change (which needs --cases) when a case changes.

    With --applications, each application is decided under both versions and under each change of the revision
    alone: the outcome and every payout before and after, the totals per payout (payouts only: no remaining cap),
    which change moves each application (or that only their combination does), and the applications that cannot
    be decided under both versions, listed apart. --format xlsx gives the 修订影响说明 workbook; json follows
    schemas/impact.schema.json. Exit 1 also when an application or a file cannot be read.

    \b
    Examples:
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --cases tests/cases --format markdown --fail-on-change    # exit 1: the revision changes cases
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --applications tests/fixtures/batch/applications
    """
    refuse_binary_on_terminal("docx" if fmt == "xlsx" else fmt, out_file)
    if application_paths and case_paths:
        raise click.UsageError("give --cases or --applications, not both（--cases 与 --applications 只能选一）")
    if fmt == "xlsx" and not application_paths:
        raise click.UsageError("--format xlsx is the impact on applications: give --applications")
    if (
        fail_on_change and not case_paths and not application_paths
    ):  # no cases, nothing could change: a guard that guards nothing
        raise click.UsageError("--fail-on-change needs --cases: the cases whose change it fails on")
    files = [r for r in (old, new) if is_policy_file(r)]
    try:  # an ID@VERSION may be beside a file named here, but never that file itself (an edited copy, say)
        before, after = load_ref(old, files), load_ref(new, files)
    except WQError as e:
        fail(e)
    if before.id != after.id:
        fail(
            WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"OLD is a version of `{before.id}` and NEW of `{after.id}`: diff "
                        "compares two versions of one policy",
                    )
                ]
            )
        )
    if application_paths:
        run_impact(old, new, application_paths, fmt, out_file, decision, jobs, fail_on_change)
        return
    impact, problems = None, []
    if case_paths:
        cases, problems = load_cases(case_paths)
        render(problems)
        impact = case_impact(before, after, cases)
    result = Diff(before.model, after.model, policy_changes(before.model, after.model), impact)
    if fmt in ("text", "json", "markdown"):
        emit(RENDERERS[fmt](result), out_file)
    else:
        try:
            emit(revision_renderer(fmt)(build_revision_table(before, after, result)), out_file)
        except MissingExtra as e:
            raise extra_missing(e) from None
    if problems or (fail_on_change and impact is not None and impact.changed):
        raise click.exceptions.Exit(1)  # a case that cannot be read is left out of the impact: never a silent 0
