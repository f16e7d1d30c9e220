"""`wqpolicy eval`: input documents decided, each under the policy version its own date puts in force, as a
notice (text, Markdown, HTML, Word) or as JSON (the record with its explanation)."""

from __future__ import annotations

import datetime
import json

import click

from ..batch.sources import is_batch
from ..documents import MissingExtra
from ..documents.formats import notice_renderer
from ..documents.notice import build_notice
from ..documents.text import terminal_width
from ..errors import Diagnostic, WQError, suggest
from ..explain import explain, explained_json
from ..inputs import load_input
from ..jsontext import indented
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..policy import Policy
from ..record import FROM_POLICY, DecisionRecord, VersionDate
from ..version_choice import VersionChooser
from ..words import ERROR
from . import (
    DATE,
    UsageProblem,
    fail,
    files_text,
    lang,
    main,
    paths,
    policies_option,
    render,
    said,
    stdin_text,
    workspace,
)
from ._batch import BATCH_FORMATS, run_batch
from ._files import emit, extra_missing, refuse_binary_on_terminal

NOTICES = ("text", "md", "html", "docx")
SINGLE = ("html", "docx")  # one notice is one file
# A decided input: its record, the document, and the version it was decided under (each input's own date picks it).
Evaluated = tuple[DecisionRecord, dict, Policy]


@main.command(name="eval", short_help="评估申报材料 Decide applications.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="使用的政策（默认：从当前文件夹向上找到的政策文件夹中的政策，找不到时为随附政策）；ID@VERSION 或 FILE："
    "所有材料都按该版本评估。 / Policy to use (default: the one in the policy folder found from here upward, else "
    "the bundled one); ID@VERSION or FILE: that version for every input.",
)
@click.option(
    "--on",
    type=DATE,
    help="用来为所有材料选出有效版本的日期（默认：每份申请自己的日期，如 submitted_on；没有时为今天）。 / Date that "
    "picks the version in force for every input (default: each application's own date, e.g. its submitted_on; "
    "where it has none, today).",
)
@click.option(
    "--decision",
    help="决定名称（默认：材料中的 `decision:` 字段）。 / Decision name (default: the document's `decision:` field).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl", *NOTICES[1:], *BATCH_FORMATS]),
    default="text",
    show_default=True,
    help="text、md、html、docx 为决定通知书（审核意见书、补正通知、不予认定/不予支持通知书）；json 一份材料为一个对象，"
    "多份为数组；jsonl 每行一个对象；csv、xlsx 为批量评估的结果表。 / text, md, html, docx: the decision notice; json: "
    "an object (one input) or an array; jsonl: one object per line; csv, xlsx: a batch's result sheets.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="写入文件 FILE（要么完整写出，要么不写），不输出到屏幕；在终端上输出 docx 时必须给出。 / "
    "Write to FILE (whole or not at all) instead of standard output; needed for docx on a terminal.",
)
@click.option(
    "--no-explain",
    is_flag=True,
    help="JSON 中不计算“如何满足”（批量评估更快）。 / JSON without what it would take to pass (quicker for batches).",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="同时把每项决定存入决定日志 FILE（与 wqpolicy serve 相同），回执编号写到标准错误。 / Also store each decision "
    "in the decision log FILE (as `wqpolicy serve` does); receipts on standard error.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="批量评估的工作进程数（默认：每个核一个）；结果相同，按输入顺序列出。 / A batch: worker processes (default: "
    "every core); the results are the same, in input order.",
)
@policies_option
def eval_(
    inputs: tuple[str, ...],
    policy_ref: str | None,
    on: datetime.date | None,
    decision: str | None,
    fmt: str,
    out_file: str | None,
    no_explain: bool,
    log_path: str | None,
    jobs: int | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """按政策评估申报材料（YAML 或 JSON 文件；`-` 表示从标准输入读取）。

    每份申请按其自己的日期当天有效的版本评估（决定的 `version_date`：申报与认定读 submitted_on，年度考核与需求侧补贴
    读 `year` 的 1 月 1 日）；没有该日期时按今天。--on 为所有材料给出同一个日期，--policy ID@VERSION 或 FILE 指定
    同一个版本。决定记录写明选出版本的日期及其来源（version_date），文本输出的第一行列出所读的政策文件。

    text、md、html、docx 格式给出决定通知书（审核意见书、补正通知、不予认定/不予支持通知书）：申请单位、政策版本及其
    内容校验码、结论、逐条规则及所引的指引原文、如何满足、补正材料清单和各项金额。html 和 docx 只接受一份材料，需要
    `pip install "wqpolicy[docs]"`。JSON 输出的格式见 schemas/decision.schema.json（含各规则的 conditions、to_pass 和
    missing_materials）：一份材料为一个对象，多份为数组；jsonl 每行一个对象。无法读取或不符合输入格式的材料在标准
    错误中以 文件:行:列 报告并跳过，其余材料照常评估。全部评估完成时退出码为 0；材料或政策有错误（或 --policy /
    --decision 找不到、文件无法写出）、或计算出错（结论为 error）时为 1；命令行写法有误时为 2。

    Each application is decided under the version in force on its own date (the decision's `version_date`:
    submitted_on for filing and recognition, 1 January of `year` for annual_assessment and demand_subsidy);
    where it has none, today's; --on gives one date for all, --policy ID@VERSION or FILE one version. The record
    says which date chose the version and where it came from (version_date), and the first line of the text
    output names the policy files read.

    Evaluate input documents (YAML or JSON; `-` reads standard input) under one policy. The text, md, html and
    docx formats give the decision notice (审核意见书, 补正通知, 不予认定/不予支持通知书): who applied, the policy
    version and its content hash, the conclusion, every rule with its guideline clause quoted, what it would take
    to pass, the 补正材料清单 and the amounts. html and docx take one input and need `pip install
    "wqpolicy[docs]"`. JSON output follows schemas/decision.schema.json (each rule's `conditions`, `to_pass` and
    `missing_materials` included): one object for one input, an array for several; jsonl gives one object per
    line. An input that cannot be read, parsed or validated is reported on standard error as file:line:col and
    left out; the others are still evaluated. Exit 0 when every input was evaluated, 1 when an input or the policy
    has errors (or --policy / --decision names nothing, or a file cannot be written) or an evaluation faulted
    (outcome `error`, its faults also on standard error), 2 when the command line is malformed.

    \b
    示例 Examples:
      wqpolicy eval examples/recognition.yaml
      wqpolicy eval --on 2021-06-01 --format json examples/*.yaml
      wqpolicy eval --decision filing --format jsonl - < examples/recognition.yaml
      wqpolicy eval examples/recognition_missing_review.yaml --format md
      wqpolicy eval examples/recognition.yaml --log decisions.sqlite
      wqpolicy eval tests/fixtures/batch/applications.jsonl --out results.xlsx
      wqpolicy eval tests/fixtures/batch/applications --format csv --jobs 2

    批量评估：工作簿（.xlsx，由 `wqpolicy template` 生成）、CSV、JSON lines（.jsonl）、申报材料文件夹或决定日志，在所有
    核上逐份评估（--jobs），工作表的每一行或 JSON lines 文件的每一行为一份申请；无法读取的单元格报告为 认定申请!F7，
    其余各行照常评估。--out FILE.xlsx|.csv|.jsonl 每份申请写一行（中文结论、未满足的条件、待补材料、各项输出、政策版本
    及选定它的日期），另有逐条规则结果和汇总（各结论的个数、各项拨付的合计）；有申请无法评估时退出码为 1。

    A batch — a workbook (.xlsx, from `wqpolicy template`), CSV, JSON lines (.jsonl), a folder of documents or a
    decision log — is decided application by application on every core (--jobs), each row of a sheet or line of a
    JSON lines file one application; a cell that cannot be read is reported as 认定申请!F7 and the other rows are
    still decided. --out FILE.xlsx|.csv|.jsonl writes one row per application (outcome in Chinese, conditions not
    met, missing materials, every output, the version and the date that chose it), the rule by rule outcomes and a
    summary (count per outcome, each payout's total); exit 1 when an application could not be evaluated.
    """
    if fmt in BATCH_FORMATS or any(is_batch(i) for i in inputs) or _sheet_out(out_file):
        if log_path is not None:  # never a silent no-op: a batch is not stored in the decision log
            raise UsageProblem(
                said(
                    "--log 只用于逐份评估的申报材料，不用于批量评估（工作簿、CSV、JSON lines、文件夹）",
                    "--log stores decisions of documents given one by one, not of a batch (a workbook, CSV, JSON "
                    "lines, a folder)",
                )
            )
        run_batch(inputs, policy_ref, on, decision, fmt, out_file, jobs, policy_dirs)
        return
    if fmt in SINGLE and len(inputs) > 1:
        raise UsageProblem(
            said(
                f"--format {fmt} 为一份材料生成一份通知书：请只给出一份材料（或改用 md、text）",
                f"--format {fmt} makes one notice of one input; give one input (or use md or text)",
            )
        )
    refuse_binary_on_terminal(fmt, out_file)
    found = workspace()
    chooser: VersionChooser | None = None
    fixed: Policy | None = None
    try:
        if policy_ref is not None and (is_policy_file(policy_ref) or "@" in policy_ref):
            policy = fixed = load_policy(policy_ref, on=on, paths=paths(policy_dirs), home=list(found.folders))
        else:
            library = Library.over_bundled(paths(policy_dirs), home=list(found.folders))
            chooser = VersionChooser(library, policy_ref, on=on)
            policy = chooser.default()  # a policy that cannot be had: one error, not one per input
    except WQError as e:
        fail(e)
    if decision is not None and decision not in policy.decisions:  # one error about the option, not one per input
        names = ", ".join(policy.decisions)
        hint = suggest(decision, policy.decisions) or (f"decisions: {names}", f"可用的决定：{names}")
        fail(
            WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        f"--decision: policy {policy.model.ref} has no decision `{decision}`",
                        hint=hint[0],
                        zh=f"--decision：政策 {policy.model.ref} 没有名为 `{decision}` 的决定",
                        hint_zh=hint[1],
                    )
                ]
            )
        )
    evaluated: list[Evaluated] = []
    failed: list[WQError] = []
    notes: list[Diagnostic] = []  # inputs read as GB18030: said on standard error, as warnings
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", stdin_text(notes))
            else:
                doc, marks = load_input(name, notes=notes)
            shown = name if name != "-" else "<stdin>"
            if fixed is not None:
                used = fixed
                record = fixed.evaluate(decision, doc, marks=marks, input_name=shown).dated(
                    VersionDate(None, FROM_POLICY)
                )
            else:
                assert chooser is not None
                used, dated = chooser.choose(decision, doc)
                record = used.evaluate(decision, doc, marks=marks, input_name=shown).dated(dated)
            evaluated.append((record, doc, used))
        except WQError as e:
            failed.append(e)
    render(notes)
    for error in failed:
        render(error.diagnostics)
    faulted = [r for r, _, _ in evaluated if r.outcome == ERROR]  # fails closed: a fault is never an exit 0
    for r in faulted:
        render(sorted(set(r.faults)))  # a fault several outputs share, once
    if log_path is not None and evaluated:
        _log(log_path, evaluated, on)
    try:
        result = _rendered(evaluated, fmt, len(inputs), no_explain, out_file, on)
    except MissingExtra as e:
        raise extra_missing(e) from None
    if fmt == "text" and result:  # the first line names the policy files read; no record, no report
        used_files = fixed.model.files if fixed is not None else list(chooser.files()) if chooser is not None else []
        result = files_text(used_files, found.bundled and fixed is None) + str(result)
    emit(result, out_file)
    if failed or faulted:
        raise click.exceptions.Exit(1)


def _log(path: str, evaluated: list[Evaluated], on: datetime.date | None) -> None:
    """Store each decision in the decision log at ``path`` (one transaction), its receipt on standard error; each
    under the version it was decided under, with the day of the evaluation."""
    from ..clock import today
    from ..decisionlog import DecisionLog, LogError
    from ..receipts import answer, log_item, remember

    try:
        with DecisionLog(path) as log:
            for policy in {id(p): p for _, _, p in evaluated}.values():
                remember(log, policy)
            items = [log_item(p, d, answer(p, r, d), on or today()) for r, d, p in evaluated]
            entries = log.append_many(items)
    except LogError as e:
        raise click.ClickException(f"{e.zh}\n{e.en}") from None
    for (r, _, _), entry in zip(evaluated, entries):
        click.echo(f"回执 receipt {entry.receipt}  {r.input_name or ''}".rstrip(), err=True)


def _sheet_out(out_file: str | None) -> bool:
    return out_file is not None and out_file.lower().endswith((".xlsx", ".csv"))


def _rendered(
    evaluated: list[Evaluated],
    fmt: str,
    count: int,
    no_explain: bool,
    out_file: str | None,
    on: datetime.date | None = None,
) -> str | bytes | None:
    if fmt in ("json", "jsonl"):
        data = [explained_json(r, explain(p, r, d, to_pass=not no_explain)) for r, d, p in evaluated]
        if fmt == "jsonl":
            return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in data)
        if not data and count == 1:  # one input that failed has no record: nothing on stdout, not `[]`
            return None
        return indented(data[0] if count == 1 and len(data) == 1 else data) + "\n"
    if not evaluated:
        return None if fmt in SINGLE or count == 1 else ""
    width = 100 if out_file is not None else terminal_width()
    renderer = notice_renderer(fmt, width, lang())
    notices = [renderer(build_notice(p, r, d, evaluated_on=on)) for r, d, p in evaluated]
    if fmt in SINGLE:
        return notices[0]
    separator = "\n" if fmt == "text" else "\n---\n\n"
    return separator.join(notices)  # type: ignore[arg-type]
