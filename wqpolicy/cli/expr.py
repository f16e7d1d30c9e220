"""`wqpolicy expr`: one expression evaluated in a decision's scope, for trying a rule before writing it."""

from __future__ import annotations

import datetime

import click

from ..display import display
from ..errors import Diagnostic, WQError
from ..expression import evaluate_in_decision
from ..inputs import load_input
from ..loader import load_policy
from ..types import zh
from . import DATE, fail, main, out, paths, policies_option, render, said, say_files, stdin_text, workspace


@main.command(short_help="试算一个表达式 Try an expression.")
@click.argument("expression")
@click.argument("input_file", required=False, type=click.Path(allow_dash=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="使用的政策（默认：当天有效的版本）。 / Policy (default: the one in force).",
)
@click.option(
    "--on",
    type=DATE,
    help="用来选出有效版本的日期（默认：今天）。 / Date that picks the version in force (default: today).",
)
@click.option(
    "--decision",
    help="在哪个决定的范围内计算（默认：材料中的 `decision:`，否则为第一个决定）。 / Decision whose scope to use "
    "(default: the input's `decision:`, else the first).",
)
@policies_option
def expr(
    expression: str,
    input_file: str | None,
    policy_ref: str | None,
    on: datetime.date | None,
    decision: str | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """用政策的参数和定义（以及给出的申报材料中的字段）计算一个表达式 EXPRESSION。

    用于在写入规则之前先试一试，或查看某个定义对一份申请算出多少。

    Evaluate one EXPRESSION with a policy's parameters and definitions, and an input's fields if given: for
    trying a rule before writing it, or asking what a definition comes to for one application.

    \b
    示例 Examples:
      wqpolicy expr "supply_subsidy_cap / supply_subsidy_ratio"
      wqpolicy expr "eligible_investment" examples/recognition.yaml
      wqpolicy expr "rd_intensity >= min_rd_intensity" examples/recognition.yaml
    """
    found = workspace()
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs), home=list(found.folders))
        doc = marks = None
        file = "<stdin>" if input_file == "-" else input_file
        notes: list[Diagnostic] = []  # an input read as GB18030: said on standard error, as a warning
        if input_file == "-":
            doc, marks = load_input("<stdin>", stdin_text(notes))
        elif input_file:
            doc, marks = load_input(input_file, notes=notes)
        render(notes)
        name = decision or (doc.get("decision") if isinstance(doc, dict) else None) or next(iter(policy.decisions))
        policy.decision(name, file)
        value, kind = evaluate_in_decision(policy, name, expression, doc, marks, file)
    except WQError as e:
        fail(e)
    say_files(policy.model.files)
    out(f"{display(value)}    ({said(zh(kind), str(kind), ' ')})\n")
