"""`wqpolicy show`: one policy version resolved, each item marked own, inherited, changed, added or removed."""

from __future__ import annotations

import click

from .. import show as shower
from ..errors import WQError
from . import fail, load_ref, main, out


@main.command()
@click.argument("ref", metavar="ID@VERSION|FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "yaml", "json"]), default="text", show_default=True)
def show(ref: str, fmt: str) -> None:
    """Print a policy version resolved (`extends` applied), each item marked own, inherited, changed or added
    (and what the revision removed, listed as removed).

    \b
    Examples:
      wqpolicy show wuqing-five-platforms@2021-trial
      wqpolicy show tests/fixtures/revision/2022-hypothetical.yaml --format yaml
    """
    try:
        policy = load_ref(ref)
    except WQError as e:
        fail(e)
    render = {"text": shower.render_text, "yaml": shower.render_yaml, "json": shower.render_json}[fmt]
    out(render(policy.model))
