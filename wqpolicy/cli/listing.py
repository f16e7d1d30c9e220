"""`wqpolicy list`: the policies found, each version's dates and decisions, and the versions that do not load."""

from __future__ import annotations

import click

from ..display import counted
from ..errors import Diagnostic
from ..library import Library
from . import main, out, paths, policies_option, render


@main.command(name="list")
@policies_option
def list_(policy_dirs: tuple[str, ...]) -> None:
    """List the bundled policies: versions with their effective dates, and decisions.

    A version that does not load is listed as such, its errors are printed, and the exit is 1.

    \b
    Example:
      wqpolicy list
    """
    library = Library.over_bundled(paths(policy_dirs))
    problems: list[Diagnostic] = []
    for policy_id in sorted(library.files):
        out(f"{policy_id}\n")
        for v in library.versions(policy_id):
            until = v.effective_until.isoformat() if v.effective_until else "…"
            base = f"  (extends {v.extends})" if v.extends else ""
            out(f"  {v.version:<20} {v.effective_from} → {until}{base}\n")
            title = f"{v.title.zh} / {v.title.en}" if v.title else ""
            if title:
                out(f"    {title}\n")
            for name, d in v.decisions.items():
                label = f"{d.label.zh} / {d.label.en}" if d.label else ""
                out(f"    - {name:<18} {len(d.rules):>2} rules, {len(d.outputs)} outputs  {label}\n")
        for version, errors in library.broken(policy_id).items():  # never left out silently
            path = library.files[policy_id][version].path
            out(f"  {version:<20} does not load: {counted(len(errors), 'error')} (see `wqpolicy check {path}`)\n")
            problems += errors
    render(sorted(set(problems)))
    if problems:
        raise click.exceptions.Exit(1)
