"""`wqpolicy eval`: input documents decided under one policy version, as text, JSON or JSON lines."""

from __future__ import annotations

import datetime

import click

from ..errors import Diagnostic, WQError, did_you_mean
from ..inputs import load_input
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..policy import Policy
from ..record import FROM_POLICY, DecisionRecord, VersionDate
from ..report import json_report, jsonl_report, text_report
from ..version_choice import VersionChooser
from ..words import ERROR
from . import DATE, fail, main, out, paths, policies_option, render, say_files, stdin_text, workspace


@main.command(name="eval")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="Policy to use (default: the one in the policy folder found from here upward, else the bundled one); "
    "ID@VERSION or FILE: that version for every input.",
)
@click.option(
    "--on",
    type=DATE,
    help="Date that picks the version in force for every input (default: each application's own date, "
    "e.g. its submitted_on; where it has none, today).",
)
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
    """Evaluate input documents (YAML or JSON; `-` reads standard input) under the policy.

    Each application is decided under the version in force on its own date (the decision's `version_date`:
    submitted_on for filing and recognition, 1 January of `year` for annual_assessment and demand_subsidy);
    where it has none, today's; --on gives one date for all, --policy ID@VERSION or FILE one version. The record
    says which date chose the version and where it came from (version_date), and the first line of the text
    output names the policy files read.

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
    records: list[DecisionRecord] = []
    failed: list[WQError] = []
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", stdin_text())
            else:
                doc, marks = load_input(name)
            shown = name if name != "-" else "<stdin>"
            if fixed is not None:
                record = fixed.evaluate(decision, doc, marks=marks, input_name=shown)
                records.append(record.dated(VersionDate(None, FROM_POLICY)))
            else:
                assert chooser is not None
                records.append(chooser.evaluate(decision, doc, marks=marks, input_name=shown))
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
    elif records:  # the first line names the policy files read; no record, no report
        used = fixed.model.files if fixed is not None else list(chooser.files()) if chooser is not None else []
        say_files(used, found.bundled and fixed is None)
        out("\n".join(text_report(r) for r in records))
    if failed or faulted:
        raise click.exceptions.Exit(1)
