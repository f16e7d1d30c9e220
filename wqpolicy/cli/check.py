"""`wqpolicy check`: policy files checked, every problem at its file:line:col."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ..check_report import check_paths
from ..ci.formats import CHECK_FORMATS, render_check
from . import BadValue, lang, main, out, workspace


@main.command(short_help="检查政策文件 Check policy files.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(CHECK_FORMATS)),
    default="text",
    show_default=True,
    help='text 供人阅读（第一行列出所读的政策文件）；json 为 {"files": [...], "errors": [...], "warnings": [...]}，'
    "每项含 code、severity、message（英文）、message_zh（中文）、file、line、col 和 hint；github 为在每一行标注的"
    "工作流注释；junit 为每个政策文件一个 testcase、其错误为 failure。 / text for people (its first line names the "
    'files read); json: {"files": [...], "errors": [...], "warnings": [...]}, each finding with code, severity, '
    "message, message_zh, file, line, col and hint where known; github: workflow annotations at each line; junit: "
    "a testcase per policy file, its errors as the failure.",
)
def check(paths: tuple[str, ...], fmt: str) -> None:
    """检查政策文件：YAML 格式、文件结构、表达式、名称、类型、循环引用、条款和版本。

    不给 PATH 时，检查从当前文件夹向上找到的政策文件夹（含政策文件的 `policies/` 文件夹，或 `wqpolicy.toml`
    列出的文件夹），都找不到时检查随软件附带的政策。第一行列出所读的文件。每个问题都标明 文件:行:列，并给出修改提示。
    没有错误（可以有警告）时退出码为 0，有错误时为 1。

    Check policy files: YAML, schema, expressions, names, types, cycles, clauses, versions. With no PATH, checks
    the policy folder found from here upward (a `policies/` folder of policy files, or the folders a
    `wqpolicy.toml` names), else the bundled policies. The first line names the files read. Every problem is
    reported as file:line:col. Exit 0 when there are no errors (warnings allowed), 1 when there are.

    \b
    示例 Examples:
      wqpolicy check
      wqpolicy check policies/
      wqpolicy check policies/wuqing-five-platforms/2021-trial.yaml
      wqpolicy check policies/ --format github
    """
    found = workspace()
    roots = [Path(p) for p in paths] or list(found.folders)
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        shown = ", ".join(missing)
        raise BadValue(f"找不到文件或文件夹：{shown}", f"no such file or folder: {shown}", param_hint="PATH")
    report = replace(check_paths(roots, home=list(found.folders)), bundled=found.bundled and not paths)
    out(report.render_text(lang()) if fmt == "text" else render_check(report, fmt))
    raise click.exceptions.Exit(report.return_code)
