"""`wqpolicy list`: the policies found, each version's dates and decisions, and the versions that do not load."""

from __future__ import annotations

import click

from ..display import counted
from ..errors import Diagnostic
from ..library import Library
from . import main, out, paths, policies_option, render, said


@main.command(name="list", short_help="列出政策和版本 List policies and versions.")
@policies_option
def list_(policy_dirs: tuple[str, ...]) -> None:
    """列出政策：各版本及其有效期，以及各项决定。

    无法加载的版本也会列出并注明，同时打印其错误，退出码为 1。

    List the bundled policies: versions with their effective dates, and decisions. A version that does not load
    is listed as such, its errors are printed, and the exit is 1.

    \b
    示例 Example:
      wqpolicy list
    """
    library = Library.over_bundled(paths(policy_dirs))
    problems: list[Diagnostic] = []
    for policy_id in sorted(library.files):
        out(f"{policy_id}\n")
        for v in library.versions(policy_id):
            until = v.effective_until.isoformat() if v.effective_until else "…"
            base = said(f"（沿用 {v.extends}）", f"(extends {v.extends})", " ") if v.extends else ""
            out(f"  {v.version:<20} {v.effective_from} → {until}{'  ' + base if base else ''}\n")
            title = said(v.title.zh, v.title.en) if v.title else ""
            if title:
                out(f"    {title}\n")
            for name, d in v.decisions.items():
                label = said(d.label.zh, d.label.en) if d.label else ""
                counts = said(
                    f"{len(d.rules):>2} 条规则，{len(d.outputs)} 项输出",
                    f"{len(d.rules):>2} rules, {len(d.outputs)} outputs",
                    " · ",
                )
                out(f"    - {name:<18} {counts}  {label}\n")
        for version, errors in library.broken(policy_id).items():  # never left out silently
            path = library.files[policy_id][version].path
            broken = said(
                f"无法加载：{len(errors)} 个错误（详见 `wqpolicy check {path}`）",
                f"does not load: {counted(len(errors), 'error')} (see `wqpolicy check {path}`)",
            )
            out(f"  {version:<20} {broken}\n")
            problems += errors
    render(sorted(set(problems)))
    if problems:
        raise click.exceptions.Exit(1)
