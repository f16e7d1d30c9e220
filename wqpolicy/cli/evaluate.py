"""`wqpolicy eval`: input documents decided under one policy version, as text, JSON or JSON lines."""

from __future__ import annotations

import datetime

import click

from ..errors import Diagnostic, WQError, suggest
from ..inputs import load_input
from ..loader import load_policy
from ..record import DecisionRecord
from ..report import json_report, jsonl_report, text_report
from ..words import ERROR
from . import DATE, fail, lang, main, out, paths, policies_option, render, stdin_text


@main.command(name="eval", short_help="评估申报材料 Decide applications.")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="使用的政策（默认：--on 当天有效的随附政策）。 / Policy to use (default: the bundled policy in force on "
    "--on).",
)
@click.option(
    "--on",
    type=DATE,
    help="评估日期，用来选出当天有效的版本（默认：今天）。 / Evaluation date: picks the version in force (default: "
    "today).",
)
@click.option(
    "--decision",
    help="决定名称（默认：材料中的 `decision:` 字段）。 / Decision name (default: the document's `decision:` field).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text 供人阅读；json 一份材料为一个对象，多份为数组；jsonl 每行一个对象。 / text for people; json: an "
    "object (one input) or an array; jsonl: one object per line.",
)
@policies_option
def eval_(
    inputs: tuple[str, ...],
    policy_ref: str | None,
    on: datetime.date | None,
    decision: str | None,
    fmt: str,
    policy_dirs: tuple[str, ...],
) -> None:
    """按政策评估申报材料（YAML 或 JSON 文件；`-` 表示从标准输入读取）。

    先给出结论，再逐条列出规则、所依据的条款、读取的数值和未通过的理由，最后是各项金额。无法读取或不符合输入格式的
    材料在标准错误中以 文件:行:列 报告并跳过，其余材料照常评估。全部评估完成时退出码为 0；材料或政策有错误（或
    --policy / --decision 找不到）、或计算出错（结论为 error）时为 1；命令行写法有误时为 2。JSON 输出的格式见
    schemas/decision.schema.json。

    Evaluate input documents (YAML or JSON; `-` reads standard input) under one policy. JSON output follows
    schemas/decision.schema.json: one object for one input, an array for several; jsonl gives one object per line.
    An input that cannot be read, parsed or validated is reported on standard error as file:line:col and left
    out; the other inputs are still evaluated and printed. Exit 0 when every input was evaluated, 1 when an input
    or the policy has errors (or --policy / --decision names nothing) or an evaluation faulted (outcome `error`,
    its faults also on standard error), 2 when the command line is malformed (an unknown --format, a --on that is
    not a YYYY-MM-DD date).

    \b
    示例 Examples:
      wqpolicy eval examples/recognition.yaml
      wqpolicy eval --on 2021-06-01 --format json examples/*.yaml
      wqpolicy eval --decision filing --format jsonl - < examples/recognition.yaml
    """
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs))
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
    records: list[DecisionRecord] = []
    failed: list[WQError] = []
    notes: list[Diagnostic] = []  # inputs read as GB18030: said on standard error, as warnings
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", stdin_text(notes))
            else:
                doc, marks = load_input(name, notes=notes)
            records.append(policy.evaluate(decision, doc, marks=marks, input_name=name if name != "-" else "<stdin>"))
        except WQError as e:
            failed.append(e)
    render(notes)
    for error in failed:
        render(error.diagnostics)
    faulted = [r for r in records if r.outcome == ERROR]  # fails closed: a fault is never an exit 0
    for r in faulted:
        render(sorted(set(r.faults)))  # a fault several outputs share, once
    if fmt == "json":
        if records or len(inputs) > 1:  # one input that failed has no record: nothing on stdout, not `[]`
            out(json_report(records, one=len(inputs) == 1))
    elif fmt == "jsonl":
        out(jsonl_report(records))
    else:
        out("\n".join(text_report(r, lang()) for r in records))
    if failed or faulted:
        raise click.exceptions.Exit(1)
