"""`wqpolicy check`: policy files checked, every problem at its file:line:col."""

from __future__ import annotations

from pathlib import Path

import click

from ..check_report import check_paths
from ..schemas import data_dir
from . import main, out


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='json: {"errors": [...], "warnings": [...]}, each with code, severity, message, '
    "file, line, col and hint where known.",
)
def check(paths: tuple[str, ...], fmt: str) -> None:
    """Check policy files: YAML, schema, expressions, names, types, cycles, clauses, versions.

    With no PATH, checks the bundled policies. Every problem is reported as file:line:col.
    Exit 0 when there are no errors (warnings allowed), 1 when there are.

    \b
    Examples:
      wqpolicy check policies/
      wqpolicy check policies/wuqing-five-platforms/2021-trial.yaml
    """
    roots = [Path(p) for p in paths] or [data_dir("policies")]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATH")
    report = check_paths(roots)
    out(report.render_json() if fmt == "json" else report.render_text())
    raise click.exceptions.Exit(report.return_code)
