"""`wqpolicy test`: case files run and compared with what they expect."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from ..case_report import run_cases
from . import DATE, main, policies_option


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="Run every case under this version (default: each case's own `version`, else the one in force).",
)
@click.option("--on", type=DATE, help="Date that picks the version in force (default: each case's `on`, else today).")
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that pass.")
@click.option(
    "--suggest",
    is_flag=True,
    help="Under each failing case, the `expect_by_version` entry that would "
    "make it pass under that version, as evaluated: to check by hand, then add to the case file.",
)
@policies_option
def test(
    paths: tuple[str, ...],
    policy_ref: str | None,
    on: datetime.date | None,
    verbose: bool,
    suggest: bool,
    policy_dirs: tuple[str, ...],
) -> None:
    """Run YAML case files and compare outcomes, rule outcomes and outputs with their expectations.

    PATHS are case files or folders of them (default: tests/cases). Prints a line per failing case (expected
    vs actual) and ends with `N passed, N failed`. Exit 1 when any case fails or cannot be read.

    \b
    Examples:
      wqpolicy test tests/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml tests/fixtures/revision/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml --suggest tests/cases    # exit 1
    """
    if not paths and not Path("tests/cases").is_dir():
        raise click.UsageError("no PATHS given and no tests/cases folder here: give the case files or their folder")
    report = run_cases(paths or ["tests/cases"], policy_ref, on, policy_dirs, suggest=suggest)
    for text, to_stderr in report.chunks(verbose):
        click.echo(text, nl=False, err=to_stderr)
    raise click.exceptions.Exit(report.return_code)
