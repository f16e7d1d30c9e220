"""`wqpolicy test`: case files run and compared with what they expect; their results in the formats CI systems
read, what they cover of the policy (`--coverage`) and the mutation score (`--mutate`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import click

from ..case_report import TestReport, run_cases
from ..ci import coverage_report, mutation
from ..ci.coverage import run_coverage
from ..ci.formats import TEST_FORMATS, render_test, summary
from . import DATE, PERCENT, UsageProblem, lang, main, out, policies_option, said, workspace

COVERAGE_FORMATS = tuple(coverage_report.RENDERERS)
MUTATION_FORMATS = tuple(mutation.RENDERERS)


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
    help="用来选出有效版本的日期（默认：用例的 `on`，否则为申请材料自己的日期，与 `eval` 的读法相同，再否则为"
    "今天）。 / Date that picks the version in force (default: each case's `on`, else its input's own date, as "
    "`eval` reads it, else today).",
)
@click.option("-v", "--verbose", is_flag=True, help="也列出通过的用例。 / Also list the cases that pass.")
@click.option(
    "--suggest",
    is_flag=True,
    help="在每个未通过的用例下给出按该版本评估的结果，写成能让它通过的 `expect_by_version` 条目：人工核对后再加入"
    "用例文件。 / Under each failing case, the `expect_by_version` entry that would make it pass under that "
    "version, as evaluated: to check by hand, then add to the case file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(set(TEST_FORMATS + COVERAGE_FORMATS + MUTATION_FORMATS))),
    default="text",
    show_default=True,
    help="结果格式：text、json（schemas/test.schema.json）、junit（XML）、github（在用例文件各行标注的工作流注释）、"
    "tap（TAP 13）。加 --coverage 时：text、json（schemas/coverage.schema.json）、md、html。加 --mutate 时：text、json"
    "（schemas/mutation.schema.json）、md。 / "
    "Results: text, json (schemas/test.schema.json), junit (XML), github (workflow annotations on the "
    "lines of the case files), tap (TAP 13). With --coverage: text, json (schemas/coverage.schema.json), md, "
    "html. With --mutate: text, json (schemas/mutation.schema.json), md.",
)
@click.option(
    "--coverage",
    is_flag=True,
    help="报告用例覆盖了什么（按条款、规则和输出）：规则结果、分支、门槛边界（恰在门槛及其上下各一个单位）、读取的定义和"
    "参数。 / Report what the cases cover, per clause, rule and output: rule outcomes, branches, threshold "
    "boundaries (at the threshold and one unit each side), definitions and parameters read.",
)
@click.option(
    "--mutate",
    is_flag=True,
    help="变异得分：把每个门槛、比例和上限各移动一个单位，把 >=/>、<=/< 互换，逐条删除规则，在列表之间移动类别；"
    "列出没有任何用例发现的改动。 / Mutation score: move each threshold, ratio and cap by one unit, flip each >=/>, "
    "<=/<, remove each "
    "rule, move each category between lists; report the changes no case notices.",
)
@click.option(
    "--fail-under",
    type=PERCENT,
    metavar="PERCENT",
    help="与 --coverage 或 --mutate 同用：覆盖率或得分低于 PERCENT 时退出码为 1。 / With --coverage or --mutate: "
    "exit 1 when the coverage or the score is below PERCENT.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="与 --mutate 同用：工作进程数（默认每个核一个；1 表示在本进程中运行）。 / With --mutate: worker processes "
    "(default: one per core; 1 runs in this process).",
)
@policies_option
def test(
    paths: tuple[str, ...],
    policy_ref: str | None,
    on: datetime.date | None,
    verbose: bool,
    suggest: bool,
    fmt: str,
    coverage: bool,
    mutate: bool,
    fail_under: Decimal | None,
    jobs: int | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """运行 YAML 测试用例，把结论、各条规则的结果和各项输出与用例中写明的期望相比较。

    PATHS 是用例文件或存放用例的文件夹（默认：tests/cases）。每个未通过的用例列出“应为”和“实际”，最后给出通过和
    未通过的个数；--format 可改为 JSON、JUnit XML、GitHub 注释或 TAP。加 --coverage 或 --mutate 时，用例结果写到标准
    错误，覆盖率或变异得分报告写到标准输出。有用例未通过或无法读取、或（加 --fail-under 时）覆盖率或得分低于所给
    百分比时，退出码为 1。

    Run YAML case files and compare outcomes, rule outcomes and outputs with their expectations. PATHS are case
    files or folders of them (default: tests/cases). Prints a line per failing case (expected vs actual) and ends
    with `N passed, N failed`; --format gives the results as JSON, JUnit XML, GitHub annotations or TAP instead.
    With --coverage or --mutate, the cases' results go to standard error and the coverage or mutation report to
    standard output. Exit 1 when any case fails or cannot be read, or (with --fail-under) the coverage or the
    score is below the percentage.

    \b
    示例 Examples:
      wqpolicy test tests/cases
      wqpolicy test tests/cases --format junit
      wqpolicy test tests/cases --coverage --fail-under 90
      wqpolicy test tests/fixtures/ci/cases --policies tests/fixtures/ci/policy --mutate --fail-under 100 --jobs 2
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
    _check_options(fmt, coverage, mutate, fail_under, jobs)
    cases = paths or ("tests/cases",)
    found = workspace()
    home = list(found.folders)
    if coverage or mutate:
        if coverage:
            report, measured = run_coverage(cases, policy_ref, on, policy_dirs, home=home)
            text, value, what = coverage_report.RENDERERS[fmt](measured), measured.percent, "覆盖率 coverage"
        else:
            report, scored = mutation.run_mutation(cases, policy_ref, on, policy_dirs, jobs, home=home)
            text, value, what = mutation.RENDERERS[fmt](scored), scored.score, "变异得分 mutation score"
        for chunk, _ in report.chunks(verbose, lang()):
            click.echo(chunk, nl=False, err=True)
        out(text)
        code = report.return_code
        if fail_under is not None and value < fail_under:
            limit = format(fail_under.normalize(), "f")
            click.echo(f"{what} {value}% 低于 is below --fail-under {limit}%", err=True)
            code = 1
        raise click.exceptions.Exit(code)
    report = run_cases(cases, policy_ref, on, policy_dirs, suggest=suggest, home=home)
    report.bundled = found.bundled and policy_ref is None
    if fmt == "text":
        for chunk, to_stderr in report.chunks(verbose, lang()):
            click.echo(chunk, nl=False, err=to_stderr)
    else:
        _machine(report, fmt)
    raise click.exceptions.Exit(report.return_code)


def _machine(report: TestReport, fmt: str) -> None:
    """A machine format on standard output; what a person should see in the log (the case files that cannot be
    read, the warnings, the count) on standard error."""
    for chunk, to_stderr in report.chunks():
        if to_stderr:
            click.echo(chunk, nl=False, err=True)
    out(render_test(report, fmt))
    if fmt != "github":  # the annotations end with the count themselves
        click.echo(summary(report), err=True)


def _check_options(fmt: str, coverage: bool, mutate: bool, fail_under: Decimal | None, jobs: int | None) -> None:
    if coverage and mutate:
        raise click.UsageError(
            "--coverage 与 --mutate 须分开运行 / --coverage and --mutate are separate runs: give one"
        )
    allowed, what = (
        (COVERAGE_FORMATS, "--coverage")
        if coverage
        else (MUTATION_FORMATS, "--mutate")
        if mutate
        else (TEST_FORMATS, "")
    )
    if fmt not in allowed:
        raise click.BadParameter(
            f"{what or '测试结果'}没有 {fmt!r} 格式（可选 {', '.join(allowed)}） / {fmt!r} is not a format of "
            f"{what or 'test results'}: {', '.join(allowed)}",
            param_hint="'--format'",
        )
    if fail_under is not None and not (coverage or mutate):
        raise click.UsageError(
            "--fail-under 须与 --coverage 或 --mutate 同用 / --fail-under needs --coverage or --mutate: the percentage "
            "it compares"
        )
    if jobs is not None and not mutate:
        raise click.UsageError(
            "--jobs 须与 --mutate 同用 / --jobs needs --mutate: only mutants run in worker processes"
        )
