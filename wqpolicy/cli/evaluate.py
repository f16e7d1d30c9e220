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
from . import DATE, fail, main, out, paths, policies_option, render, stdin_text


@main.command(name="eval")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="Policy to use (default: the bundled policy in force on --on).",
)
@click.option("--on", type=DATE, help="Evaluation date: picks the version in force (default: today).")
@click.option("--decision", help="Decision name (default: the document's `decision:` field).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text for people; json: an object (one input) or an array; jsonl: one object per line.",
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
    """Evaluate input documents (YAML or JSON; `-` reads standard input) under one policy.

    JSON output follows schemas/decision.schema.json: one object for one input, an array for several;
    jsonl gives one object per line. An input that cannot be read, parsed or validated is reported on standard
    error as file:line:col and left out; the other inputs are still evaluated and printed. Exit 0 when every
    input was evaluated, 1 when an input or the policy has errors (or --policy / --decision names nothing) or an
    evaluation faulted (outcome `error`, its faults also on standard error), 2 when the command line is malformed
    (an unknown --format, a --on that is not a YYYY-MM-DD date).

    \b
    Examples:
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
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", stdin_text())
            else:
                doc, marks = load_input(name)
            records.append(policy.evaluate(decision, doc, marks=marks, input_name=name if name != "-" else "<stdin>"))
        except WQError as e:
            failed.append(e)
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
        out("\n".join(text_report(r) for r in records))
    if failed or faulted:
        raise click.exceptions.Exit(1)
