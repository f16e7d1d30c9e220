"""`wqpolicy check`: policy files checked, every problem at its file:line:col."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ..check_report import check_paths
from . import main, out, workspace


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='json: {"files": [...], "errors": [...], "warnings": [...]}, each finding with code, severity, message, '
    "file, line, col and hint where known.",
)
def check(paths: tuple[str, ...], fmt: str) -> None:
    """Check policy files: YAML, schema, expressions, names, types, cycles, clauses, versions.

    With no PATH, checks the policy folder found from here upward (a `policies/` folder of policy files, or the
    folders a `wqpolicy.toml` names), else the bundled policies. The first line names the files read. Every
    problem is reported as file:line:col. Exit 0 when there are no errors (warnings allowed), 1 when there are.

    \b
    Examples:
      wqpolicy check
      wqpolicy check policies/
      wqpolicy check policies/wuqing-five-platforms/2021-trial.yaml
    """
    found = workspace()
    roots = [Path(p) for p in paths] or list(found.folders)
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATH")
    report = replace(check_paths(roots, home=list(found.folders)), bundled=found.bundled and not paths)
    out(report.render_json() if fmt == "json" else report.render_text())
    raise click.exceptions.Exit(report.return_code)
