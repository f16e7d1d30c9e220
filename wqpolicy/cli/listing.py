"""`wqpolicy list`: the policies found, each version's dates and decisions, and the versions that do not load."""

from __future__ import annotations

import click

from ..display import bilingual, counted
from ..errors import Diagnostic
from ..library import Library
from . import lang, main, out, paths, policies_option, render, said, say_files, workspace


@main.command(name="list", short_help="列出政策和版本 List policies and versions.")
@policies_option
def list_(policy_dirs: tuple[str, ...]) -> None:
    """列出政策：各版本及其有效期，以及各项决定。

    所列的是从当前文件夹向上找到的政策文件夹中的政策（找不到时为随软件附带的副本），以及 --policies 中的政策；第一行
    列出所读的文件。无法加载的版本也会列出并注明，同时打印其错误，退出码为 1。

    List the policies: versions with their effective dates, and decisions. The policies are those of the policy
    folder found from here upward (else the bundled copy), and those under --policies; the first line names the
    files read. A version that does not load is listed as such, its errors are printed, and the exit is 1.

    \b
    示例 Example:
      wqpolicy list
    """
    found = workspace()
    library = Library.over_bundled(paths(policy_dirs), home=list(found.folders))
    say_files((str(pf.path) for v in library.files.values() for pf in v.values()), found.bundled)
    problems: list[Diagnostic] = []
    for policy_id in sorted(library.files):
        out(f"{policy_id}\n")
        for v in library.versions(policy_id):
            ends = v.ends_on or v.effective_until
            until = ends.isoformat() if ends else "…"
            base = said(f"（沿用 {v.extends}）", f"(extends {v.extends})", " ") if v.extends else ""
            closed = (
                "  "
                + bilingual(
                    f"（{v.ended_by} 生效前一日）",
                    f"(the day before {v.ended_by} starts)",
                    lang(),
                    both=f"（{v.ended_by} 生效前一日 the day before {v.ended_by} starts）",
                )
                if v.ended_by
                else ""
            )
            out(f"  {v.version:<20} {v.effective_from} → {until}{'  ' + base if base else ''}{closed}\n")
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
