"""`wqpolicy eval`: input documents decided under one policy version, as a notice (text, Markdown, HTML, Word) or
as JSON (the record with its explanation)."""

from __future__ import annotations

import datetime
import json

import click

from ..batch.sources import is_batch
from ..documents import MissingExtra
from ..documents.formats import notice_renderer
from ..documents.notice import build_notice
from ..documents.text import terminal_width
from ..errors import Diagnostic, WQError, did_you_mean
from ..explain import explain, explained_json
from ..inputs import load_input
from ..loader import load_policy
from ..words import ERROR
from . import DATE, fail, main, paths, policies_option, render, stdin_text
from ._batch import BATCH_FORMATS, run_batch
from ._files import emit, extra_missing, refuse_binary_on_terminal

NOTICES = ("text", "md", "html", "docx")
SINGLE = ("html", "docx")  # one notice is one file


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
    type=click.Choice(["text", "json", "jsonl", *NOTICES[1:], *BATCH_FORMATS]),
    default="text",
    show_default=True,
    help="text, md, html, docx: the decision notice; json: an object (one input) or "
    "an array; jsonl: one object per line; csv, xlsx: a batch's result sheets.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE (whole or not at all) instead of standard output; needed for docx on a terminal.",
)
@click.option("--no-explain", is_flag=True, help="JSON without what it would take to pass (quicker for batches).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="A batch: worker processes (default: every core); the results are the same, in input order.",
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
    jobs: int | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """Evaluate input documents (YAML or JSON; `-` reads standard input) under one policy.

    The text, md, html and docx formats give the decision notice (审核意见书, 补正通知, 不予认定/不予支持通知书):
    who applied, the policy version and its content hash, the conclusion, every rule with its guideline clause
    quoted, what it would take to pass, the 补正材料清单 and the amounts. html and docx take one input and need
    `pip install "wqpolicy[docs]"`. JSON output follows schemas/decision.schema.json (each rule's `conditions`,
    `to_pass` and `missing_materials` included): one object for one input, an array for several; jsonl gives one
    object per line. An input that cannot be read, parsed or validated is reported on standard error as
    file:line:col and left out; the others are still evaluated. Exit 0 when every input was evaluated, 1 when an
    input or the policy has errors (or --policy / --decision names nothing, or a file cannot be written) or an
    evaluation faulted (outcome `error`, its faults also on standard error), 2 when the command line is malformed.

    \b
    Examples:
      wqpolicy eval examples/recognition.yaml
      wqpolicy eval --on 2021-06-01 --format json examples/*.yaml
      wqpolicy eval --decision filing --format jsonl - < examples/recognition.yaml
      wqpolicy eval examples/recognition_missing_review.yaml --format md
      wqpolicy eval tests/fixtures/batch/applications.jsonl --out results.xlsx
      wqpolicy eval tests/fixtures/batch/applications --format csv --jobs 2

    A batch — a workbook (.xlsx, from `wqpolicy template`), CSV, JSON lines (.jsonl), a folder of documents or a
    decision log — is decided application by application on every core (--jobs), each row of a sheet or line of a
    JSON lines file one application; a cell that cannot be read is reported as 认定申请!F7 and the other rows are
    still decided. --out FILE.xlsx|.csv|.jsonl writes one row per application (outcome in Chinese, conditions not
    met, missing materials, every output, the version and the date that chose it), the rule by rule outcomes and a
    summary (count per outcome, each payout's total); exit 1 when an application could not be evaluated.
    """
    if fmt in BATCH_FORMATS or any(is_batch(i) for i in inputs) or _sheet_out(out_file):
        run_batch(inputs, policy_ref, on, decision, fmt, out_file, jobs, policy_dirs)
        return
    if fmt in SINGLE and len(inputs) > 1:
        raise click.UsageError(f"--format {fmt} makes one notice of one input; give one input (or use md or text)")
    refuse_binary_on_terminal(fmt, out_file)
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs))
    except WQError as e:
        fail(e)
    if decision is not None and decision not in policy.decisions:  # one error about the option, not one per input
        fail(
            WQError(
                [
                    Diagnostic(
                        "WQ-INPUT",
                        f"--decision: policy {policy.model.ref} has no decision `{decision}`",
                        hint=did_you_mean(decision, policy.decisions) or "decisions: " + ", ".join(policy.decisions),
                    )
                ]
            )
        )
    evaluated: list[tuple] = []
    failed: list[WQError] = []
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", stdin_text())
            else:
                doc, marks = load_input(name)
            record = policy.evaluate(decision, doc, marks=marks, input_name=name if name != "-" else "<stdin>")
            evaluated.append((record, doc))
        except WQError as e:
            failed.append(e)
    for e in failed:
        render(e.diagnostics)
    faulted = [r for r, _ in evaluated if r.outcome == ERROR]  # fails closed: a fault is never an exit 0
    for r in faulted:
        render(sorted(set(r.faults)))  # a fault several outputs share, once
    try:
        result = _rendered(policy, evaluated, fmt, len(inputs), no_explain, out_file, on)
    except MissingExtra as e:
        raise extra_missing(e) from None
    emit(result, out_file)
    if failed or faulted:
        raise click.exceptions.Exit(1)


def _sheet_out(out_file: str | None) -> bool:
    return out_file is not None and out_file.lower().endswith((".xlsx", ".csv"))


def _rendered(
    policy,
    evaluated: list[tuple],
    fmt: str,
    count: int,
    no_explain: bool,
    out_file: str | None,
    on: datetime.date | None = None,
) -> str | bytes | None:
    if fmt in ("json", "jsonl"):
        data = [explained_json(r, explain(policy, r, d, to_pass=not no_explain)) for r, d in evaluated]
        if fmt == "jsonl":
            return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in data)
        if not data and count == 1:  # one input that failed has no record: nothing on stdout, not `[]`
            return None
        return json.dumps(data[0] if count == 1 and len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
    if not evaluated:
        return None if fmt in SINGLE or count == 1 else ""
    width = 100 if out_file is not None else terminal_width()
    renderer = notice_renderer(fmt, width)
    notices = [renderer(build_notice(policy, r, d, evaluated_on=on)) for r, d in evaluated]
    if fmt in SINGLE:
        return notices[0]
    separator = "\n" if fmt == "text" else "\n---\n\n"
    return separator.join(notices)  # type: ignore[arg-type]
