"""`wqpolicy expr`: one expression evaluated in a decision's scope, for trying a rule before writing it."""

from __future__ import annotations

import datetime

import click

from ..display import display
from ..errors import WQError
from ..expression import evaluate_in_decision
from ..inputs import load_input
from ..loader import load_policy
from . import DATE, fail, main, out, paths, policies_option, stdin_text


@main.command()
@click.argument("expression")
@click.argument("input_file", required=False, type=click.Path(allow_dash=True))
@click.option("--policy", "policy_ref", metavar="ID[@VERSION]|FILE", help="Policy (default: the one in force).")
@click.option("--on", type=DATE, help="Date that picks the version in force (default: today).")
@click.option("--decision", help="Decision whose scope to use (default: the input's `decision:`, else the first).")
@policies_option
def expr(
    expression: str,
    input_file: str | None,
    policy_ref: str | None,
    on: datetime.date | None,
    decision: str | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """Evaluate one EXPRESSION with a policy's parameters and definitions, and an input's fields if given.

    For trying a rule before writing it, or asking what a definition comes to for one application.

    \b
    Examples:
      wqpolicy expr "supply_subsidy_cap / supply_subsidy_ratio"
      wqpolicy expr "eligible_investment" examples/recognition.yaml
      wqpolicy expr "rd_intensity >= min_rd_intensity" examples/recognition.yaml
    """
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs))
        doc = marks = None
        file = "<stdin>" if input_file == "-" else input_file
        if input_file == "-":
            doc, marks = load_input("<stdin>", stdin_text())
        elif input_file:
            doc, marks = load_input(input_file)
        name = decision or (doc.get("decision") if isinstance(doc, dict) else None) or next(iter(policy.decisions))
        policy.decision(name, file)
        value, kind = evaluate_in_decision(policy, name, expression, doc, marks, file)
    except WQError as e:
        fail(e)
    out(f"{display(value)}    ({kind})\n")
