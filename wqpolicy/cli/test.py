"""`wqpolicy test`: case files run and compared with what they expect."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from ..case_report import run_cases
from . import DATE, UsageProblem, lang, main, policies_option, said


@main.command(short_help="运行测试用例 Run the case files.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="所有用例都按这个版本运行（默认：用例自己写明的 `version`，否则为当时有效的版本）。 / Run every case "
    "under this version (default: each case's own `version`, else the one in force).",
)
@click.option(
    "--on",
    type=DATE,
    help="用来选出有效版本的日期（默认：用例的 `on`，否则为今天）。 / Date that picks the version in force "
    "(default: each case's `on`, else today).",
)
@click.option("-v", "--verbose", is_flag=True, help="也列出通过的用例。 / Also list the cases that pass.")
@click.option(
    "--suggest",
    is_flag=True,
    help="在每个未通过的用例下给出按该版本评估的结果，写成能让它通过的 `expect_by_version` 条目：人工核对后再加入"
    "用例文件。 / Under each failing case, the `expect_by_version` entry that would make it pass under that "
    "version, as evaluated: to check by hand, then add to the case file.",
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
    """运行 YAML 测试用例，把结论、各条规则的结果和各项输出与用例中写明的期望相比较。

    PATHS 是用例文件或存放用例的文件夹（默认：tests/cases）。每个未通过的用例列出“应为”和“实际”，最后给出通过和
    未通过的个数。有用例未通过或无法读取时退出码为 1。

    Run YAML case files and compare outcomes, rule outcomes and outputs with their expectations. PATHS are case
    files or folders of them (default: tests/cases). Prints a line per failing case (expected vs actual) and ends
    with `N passed, N failed`. Exit 1 when any case fails or cannot be read.

    \b
    示例 Examples:
      wqpolicy test tests/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml tests/fixtures/revision/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml --suggest tests/cases    # exit 1
    """
    if not paths and not Path("tests/cases").is_dir():
        raise UsageProblem(
            said(
                "没有给出 PATHS，这里也没有 tests/cases 文件夹：请给出测试用例文件或其所在的文件夹",
                "no PATHS given and no tests/cases folder here: give the case files or their folder",
            )
        )
    report = run_cases(paths or ["tests/cases"], policy_ref, on, policy_dirs, suggest=suggest)
    for text, to_stderr in report.chunks(verbose, lang()):
        click.echo(text, nl=False, err=to_stderr)
    raise click.exceptions.Exit(report.return_code)
