"""`wqpolicy revise`: a new revision file, extending the version in force on the day it takes effect, with every
parameter listed as a comment ready to uncomment and edit."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import click

from ..display import bilingual
from ..errors import Diagnostic, WQError
from ..library import Library
from ..revision_file import plan_revision
from ..workspace import shown_file
from . import DATE, fail, home, lang, main, out, paths, policies_option, say_files, write_output


@main.command(short_help="新建修订版本 Start a revision.")
@click.argument("ref", metavar="ID[@VERSION]")
@click.option(
    "--on", type=DATE, required=True, help="修订的生效日期（effective_from）。 / The day the revision takes effect."
)
@click.option(
    "--out",
    "out_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="修订文件写到哪里（默认：基础版本旁的 VERSION.yaml；`-` 为标准输出），不覆盖已有文件。 / Where to write the "
    "revision (default: beside the base, named VERSION.yaml; `-`: standard output); an existing file is never "
    "overwritten.",
)
@click.option(
    "--version",
    "version",
    metavar="NAME",
    help="新版本的名称（默认：年份-revision）。 / The new version's name (default: YEAR-revision).",
)
@policies_option
def revise(
    ref: str, on: datetime.date, out_path: str | None, version: str | None, policy_dirs: tuple[str, ...]
) -> None:
    """新建修订版本：写出一个修订文件，以 --on 当日有效的版本（或指定的 VERSION）为基础，自 --on 起生效。

    每个参数都列为注释（中文名称、条款、现值、类型和取值范围），去掉行首的 “# ” 即可修改。已发布的基础版本不作改动：
    修订的生效日期结束它的有效期。之后用 `wqpolicy check`、`wqpolicy diff 基础版本 修订文件 --cases tests/cases` 和
    `wqpolicy test --on 日期` 查看修订的效果。文件已存在或日期与基础版本不符时，不写任何文件，退出码为 1。

    Start a revision of a policy: write a file that extends the version in force on --on (or the VERSION
    named) and takes effect on --on, with every parameter listed as a comment — Chinese name, clause, value now,
    kind and bounds — ready to uncomment and edit. The base is never edited: the revision's effective_from ends
    the base's period. Then `wqpolicy check`, `wqpolicy diff BASE FILE --cases tests/cases` and `wqpolicy test
    --on DATE` show what the revision does. Exit 1, writing nothing, when the file exists or the date does not
    fit the base.

    \b
    示例 Examples:
      wqpolicy revise wuqing-five-platforms --on 2027-01-01 --out -
      wqpolicy revise wuqing-five-platforms@2021-trial --on 2027-01-01 --out 2027-revision.yaml
    """
    library = Library.over_bundled(paths(policy_dirs), home=home())
    target = Path(out_path) if out_path not in (None, "-") else None
    try:
        plan = plan_revision(library, ref, on, target, version)
    except WQError as e:
        fail(e)
    if out_path == "-":
        write_output(plan.text)
        return
    if plan.path.exists():
        fail(
            WQError(
                [
                    Diagnostic(
                        "WQ-FILE",
                        f"{shown_file(plan.path)} already exists: a revision is never written over a file",
                        None,
                        "give another --out FILE, or --version NAME",
                        zh=f"{shown_file(plan.path)} 已存在：不会覆盖已有文件",
                        hint_zh="另给 --out 文件名，或用 --version 另起版本名",
                    )
                ]
            )
        )
    write_output(plan.text, str(plan.path))
    base = plan.base
    shown = shown_file(plan.path)
    say_files(base.files)
    chosen = lang()

    def w(zh: str, en: str, both: str) -> str:
        return bilingual(zh, en, chosen, both=both)

    ended = (
        w(
            f"有效至 {plan.base_ends}（之后到 {plan.on} 之前没有有效版本：已写 gap_before: true）",
            f"in force until {plan.base_ends} (no version in force after it until {plan.on}: gap_before: true written)",
            f"有效至 {plan.base_ends}（之后到 {plan.on} 之前没有有效版本：已写 gap_before: true） / in force until "
            f"{plan.base_ends}",
        )
        if plan.gap
        else w(
            f"有效至 {plan.base_ends}（由本修订的生效日期结束，无需修改 {base.version}）",
            f"in force until {plan.base_ends}, ended by the revision's effective_from; it is not edited",
            f"有效至 {plan.base_ends}（由本修订的生效日期结束，无需修改 {base.version}） / in force until "
            f"{plan.base_ends}, ended by the revision's effective_from; it is not edited",
        )
    )
    step = w(
        f"  1. 打开 {shown}，去掉要修改的参数行开头的 “# ”，改写 value",
        f"  1. open {shown}, remove the “# ” before each parameter to change, and edit its value",
        f"  1. 打开 {shown}，去掉要修改的参数行开头的 “# ”，改写 value\n"
        "     open it, remove the “# ” before each parameter to change, and edit its value",
    )
    lines = [
        w(
            f"已写入 {shown}：修订 {plan.version}，基于 {base.version}，自 {plan.on} 起生效",
            f"wrote {shown}: revision {plan.version}, extends {base.version}, in force from {plan.on}",
            f"已写入 wrote {shown}: 修订 revision {plan.version}，基于 extends {base.version}，自 {plan.on} 起生效 "
            f"in force from {plan.on}",
        ),
        f"  {base.version} {ended}",
        w("下一步：", "Next:", "下一步 Next:"),
        step,
        "  2. wqpolicy check",
        f"  3. wqpolicy diff {base.ref} {shown}" + (" --cases tests/cases" if os.path.isdir("tests/cases") else ""),
        f"  4. wqpolicy test --on {plan.on}",
    ]
    out("\n".join(lines) + "\n")
