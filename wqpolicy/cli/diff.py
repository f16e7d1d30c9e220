"""`wqpolicy diff`: two versions of a policy compared in words, and the cases the change moves."""

from __future__ import annotations

from pathlib import Path

import click

from ..cases import load_cases
from ..ci.refdiff import diff_against_ref
from ..ci.refdiff import render as refdiff_render
from ..diff import Diff, policy_changes
from ..diff_report import RENDERERS, render_text
from ..documents import MissingExtra
from ..documents.formats import revision_renderer
from ..documents.revision_table import build_revision_table
from ..errors import Diagnostic, WQError
from ..impact import case_impact
from ..library import is_policy_file
from . import UsageProblem, fail, files_text, lang, load_ref, main, render, said
from ._files import emit, extra_missing, refuse_binary_on_terminal
from ._impact import run_impact


@main.command(short_help="对比两个版本 Compare two versions.")
@click.argument("args", nargs=-1, metavar="OLD NEW | --against-ref REF [PATHS]")
@click.option(
    "--against-ref",
    "against",
    metavar="REF",
    help="把工作区中 PATHS（默认 policies/）下的政策文件与 git 版本 REF（分支、标签或提交）中的同名文件对比（用 git "
    "读取）：原地修改的文件也能看到改动。 / Compare the policy files under PATHS (default: policies/) in the working "
    "tree with the same files at git REF (a branch, tag or commit), read with git: an edit in place shows its change.",
)
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
    type=click.Choice(["text", "json", "md", "markdown", "html", "docx", "xlsx"]),
    default="text",
    show_default=True,
    help="markdown 列出改动和用例，可直接贴到合并请求中；md 为修订对照表（条款 / 原规定 / 新规定 / 说明）及用例影响，"
    '供呈报备忘录使用；html、docx 内容同 md，为文档格式（需 pip install "wqpolicy[docs]"）；xlsx（与 --applications '
    "同用）为修订影响说明工作簿。 / markdown: the changes and cases, for a pull request; md: the 修订对照表 (条款 / "
    "原规定 / 新规定 / 说明) and the case impact, for the memo; html, docx: the same as md, as a document (need `pip "
    'install "wqpolicy[docs]"`); xlsx (with --applications): the 修订影响说明 workbook.',
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="写入文件 FILE（要么完整写出，要么不写），不输出到屏幕。 / Write to FILE (whole or not at all) instead of "
    "standard output.",
)
@click.option(
    "--fail-on-change",
    is_flag=True,
    help="有任何用例（或申请）的结论、规则结果或输出发生变化时，退出码为 1。 / Exit 1 when any case's (or "
    "application's) outcome, rules or outputs change.",
)
@click.option(
    "--applications",
    "application_paths",
    multiple=True,
    type=click.Path(exists=True),
    metavar="FILE|DIR",
    help="真实的申请（申报材料文件夹、工作簿、CSV、JSON lines 或决定日志），在两个版本下分别评估：结论、各项拨付金额"
    "及其合计，以及每份申请由修订的哪一项改动引起变化（可重复）。 / Real applications (a folder of documents, a "
    "workbook, CSV, JSON lines or a decision log) decided under both versions: outcomes, payouts and their totals, "
    "and which change moves each (repeatable).",
)
@click.option(
    "--decision",
    help="与 --applications 同用：未写明决定的申请（CSV）所属的决定。 / With --applications: the decision of "
    "applications that do not say it (CSV).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="与 --applications 同用：工作进程数。 / With --applications: worker processes.",
)
def diff(
    args: tuple[str, ...],
    against: str | None,
    case_paths: tuple[str, ...],
    fmt: str,
    out_file: str | None,
    fail_on_change: bool,
    application_paths: tuple[str, ...] = (),
    decision: str | None = None,
    jobs: int | None = None,
) -> None:
    """对比同一政策的两个版本：用文字说明政策改了什么，并列出受影响的每个用例。

    OLD 和 NEW 是 政策编号@版本 或政策文件。给出 --cases 时，每个用例在两个版本下各评估一次（不看用例中的期望），
    结论、规则结果或输出有变化的用例都会列出，并给出金额差额。退出码为 0；某个版本无法加载或用例文件无法读取时为
    1；使用 --fail-on-change（须同时给出 --cases）时，有用例变化也为 1。

    Compare two policy versions: the policy change in words, and every case it moves. OLD and NEW are ID@VERSION
    refs or policy files, two versions of one policy. With --cases, each case is evaluated under both (its
    expectations are not consulted) and each case whose outcome, rule outcomes or outputs change is listed, with
    money differences. Exit 0; 1 when a version does not load or a case file cannot be read, and with
    --fail-on-change (which needs --cases) when a case changes.

    给出 --against-ref REF 时，把 PATHS 下的政策文件与 git 版本 REF 中的同名文件对比（须已安装 git，且当前文件夹在该
    仓库内）：原地修改、新增（与其在 REF 中所依据的基础版本对比）和删除的版本都会列出。在合并请求的 CI 中：
    `wqpolicy diff --against-ref origin/main --cases tests/cases --format markdown`。

    With --against-ref REF, the policy files under PATHS are compared with the same files at git REF (git must
    be installed and the working folder inside the repository): each version edited in place, each version
    added (against the base it extends as it was at REF) and each removed. In a pull request's CI:
    `wqpolicy diff --against-ref origin/main --cases tests/cases --format markdown`.

    给出 --applications 时，每份申请在两个版本下各评估一次，并在修订的每一项改动单独生效时各评估一次：列出每份申请
    前后的结论和各项拨付金额、各项拨付的合计（只计实际拨付的金额，不含剩余额度），每份申请由哪一项改动引起变化（或
    只有几项改动合在一起才引起变化），无法在两个版本下都评估的申请另行列出。--format xlsx 给出修订影响说明工作簿；json
    的格式见 schemas/impact.schema.json。申请或文件无法读取时退出码也为 1。

    With --applications, each application is decided under both versions and under each change of the revision
    alone: the outcome and every payout before and after, the totals per payout (payouts only: no remaining cap),
    which change moves each application (or that only their combination does), and the applications that cannot
    be decided under both versions, listed apart. --format xlsx gives the 修订影响说明 workbook; json follows
    schemas/impact.schema.json. Exit 1 also when an application or a file cannot be read.

    \b
    示例 Examples:
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --cases tests/cases --format markdown --fail-on-change    # exit 1: the revision changes cases
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --applications tests/fixtures/batch/applications
    """
    refuse_binary_on_terminal("docx" if fmt == "xlsx" else fmt, out_file)
    if application_paths and case_paths:
        raise UsageProblem(said("--cases 与 --applications 只能选一", "give --cases or --applications, not both"))
    if fmt == "xlsx" and not application_paths:
        raise UsageProblem(
            said(
                "--format xlsx 是对申请的影响：请给出 --applications",
                "--format xlsx is the impact on applications: give --applications",
            )
        )
    if fail_on_change and not case_paths and not application_paths:  # nothing could change: a guard that guards nothing
        raise UsageProblem(
            said(
                "--fail-on-change 需要同时给出 --cases：它依据这些用例是否变化来判定",
                "--fail-on-change needs --cases: the cases whose change it fails on",
            )
        )
    if against is not None:
        if application_paths:
            raise UsageProblem(
                said("--against-ref 不能与 --applications 同用", "--against-ref does not take --applications")
            )
        diff_against(against, args, case_paths, fmt, out_file, fail_on_change)
        return
    if len(args) != 2:
        raise UsageProblem(
            said(
                "请给出要对比的两个版本 OLD NEW，或 --against-ref REF [PATHS]",
                "give OLD and NEW, two versions to compare, or --against-ref REF [PATHS]",
            )
        )
    old, new = args
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
    if application_paths:
        run_impact(old, new, application_paths, fmt, out_file, decision, jobs, fail_on_change)
        return
    impact, problems = None, list[Diagnostic]()
    if case_paths:
        cases, problems = load_cases(case_paths)
        render(problems)
        impact = case_impact(before, after, cases)
    result = Diff(before.model, after.model, policy_changes(before.model, after.model), impact)
    if fmt == "text":
        emit(files_text([*before.model.files, *after.model.files]) + render_text(result, lang()), out_file)
    elif fmt in ("json", "markdown"):
        emit(RENDERERS[fmt](result), out_file)
    else:
        try:
            emit(revision_renderer(fmt)(build_revision_table(before, after, result)), out_file)
        except MissingExtra as e:
            raise extra_missing(e) from None
    if problems or (fail_on_change and impact is not None and impact.changed):
        raise click.exceptions.Exit(1)  # a case that cannot be read is left out of the impact: never a silent 0


def diff_against(
    ref: str, paths: tuple[str, ...], case_paths: tuple[str, ...], fmt: str, out_file: str | None, fail_on_change: bool
) -> None:
    """`diff --against-ref REF [PATHS]`: the working tree's policy files against the same files at REF."""
    if fmt not in ("text", "json", "markdown"):
        raise click.BadParameter(
            f"--against-ref 只能输出 text、json 或 markdown / --against-ref writes text, json or markdown, not {fmt}",
            param_hint="'--format'",
        )
    if not paths:
        if not Path("policies").is_dir():
            raise click.UsageError(
                "没有给出 PATHS，且此处没有 policies 文件夹 / no PATHS given and no policies/ folder here: give the "
                "policy files or their folder"
            )
        paths = ("policies",)
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.BadParameter(f"找不到 no such file or folder: {', '.join(missing)}", param_hint="PATHS")
    problems: list[Diagnostic] = []
    cases = None
    if case_paths:
        cases, problems = load_cases(case_paths)
        render(problems)
    try:
        result = diff_against_ref(ref, paths, cases)
    except WQError as e:  # no git, no repository, no such ref: said in Chinese and English
        click.echo("".join(d.render(lang=lang()) + "\n" for d in e.diagnostics), nl=False, err=True)
        raise click.exceptions.Exit(1) from None
    render(result.problems)
    emit(refdiff_render(result, fmt), out_file)
    if problems or result.problems or (fail_on_change and result.changed_cases):
        raise click.exceptions.Exit(1)
