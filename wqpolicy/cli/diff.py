"""`wqpolicy diff`: two versions of a policy compared in words, and the cases the change moves."""

from __future__ import annotations

import click

from ..cases import load_cases
from ..diff import Diff, policy_changes
from ..diff_report import RENDERERS, render_text
from ..errors import Diagnostic, WQError
from ..impact import case_impact
from ..library import is_policy_file
from . import UsageProblem, fail, lang, load_ref, main, out, render, said


@main.command(short_help="对比两个版本 Compare two versions.")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--cases",
    "case_paths",
    multiple=True,
    type=click.Path(exists=True),
    metavar="PATH",
    help="在两个版本下分别评估的用例文件或文件夹（可重复）。 / Case files or folders to evaluate under both versions "
    "(repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown 可直接贴到合并请求中。 / markdown is ready to paste into a pull request.",
)
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="有任何用例的结论、规则结果或输出发生变化时，退出码为 1。 / Exit 1 when any case's outcome, rules or "
    "outputs change.",
)
def diff(old: str, new: str, case_paths: tuple[str, ...], fmt: str, fail_on_change: bool) -> None:
    """对比同一政策的两个版本：用文字说明政策改了什么，并列出受影响的每个用例。

    OLD 和 NEW 是 政策编号@版本 或政策文件。给出 --cases 时，每个用例在两个版本下各评估一次（不看用例中的期望），
    结论、规则结果或输出有变化的用例都会列出，并给出金额差额。退出码为 0；某个版本无法加载或用例文件无法读取时为
    1；使用 --fail-on-change（须同时给出 --cases）时，有用例变化也为 1。

    Compare two policy versions: the policy change in words, and every case it moves. OLD and NEW are ID@VERSION
    refs or policy files, two versions of one policy. With --cases, each case is evaluated under both (its
    expectations are not consulted) and each case whose outcome, rule outcomes or outputs change is listed, with
    money differences. Exit 0; 1 when a version does not load or a case file cannot be read, and with
    --fail-on-change (which needs --cases) when a case changes.

    \b
    示例 Examples:
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --cases tests/cases --format markdown --fail-on-change    # exit 1: the revision changes cases
    """
    if fail_on_change and not case_paths:  # no cases, nothing could change: a guard that guards nothing
        raise UsageProblem(
            said(
                "--fail-on-change 需要同时给出 --cases：它依据这些用例是否变化来判定",
                "--fail-on-change needs --cases: the cases whose change it fails on",
            )
        )
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
                        zh=f"OLD 是 `{before.id}` 的版本，NEW 是 `{after.id}` 的版本：diff 只比较同一政策的两个版本",
                    )
                ]
            )
        )
    impact = None
    problems: list[Diagnostic] = []
    if case_paths:
        cases, problems = load_cases(case_paths)
        render(problems)
        impact = case_impact(before, after, cases)
    result = Diff(before.model, after.model, policy_changes(before.model, after.model), impact)
    out(render_text(result, lang()) if fmt == "text" else RENDERERS[fmt](result))
    if problems or (fail_on_change and impact is not None and impact.changed):
        raise click.exceptions.Exit(1)  # a case that cannot be read is left out of the impact: never a silent 0
