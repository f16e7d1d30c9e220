"""`wqpolicy render` (module named apart from the package's `render` helper): a policy version as a document people
read — its 条文对照表, or for a revision its 修订对照表 against the version it revises."""

from __future__ import annotations

import click

from ..diff import Diff, policy_changes
from ..documents import MissingExtra
from ..documents.formats import policy_renderer, revision_renderer
from ..documents.policy_table import build_policy_table
from ..documents.revision_table import build_revision_table
from ..errors import Diagnostic, WQError
from ..library import is_policy_file
from . import fail, load_ref, main
from ._files import emit, extra_missing, refuse_binary_on_terminal


@main.command()
@click.argument("ref", metavar="ID@VERSION|FILE")
@click.option(
    "--against",
    "base",
    metavar="ID@VERSION|FILE",
    help="Give the 修订对照表 of REF against this version (a file that `extends` another gets it "
    "against its base without this option).",
)
@click.option("--full", is_flag=True, help="For a revision: the whole 条文对照表, not the 修订对照表.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "docx"]),
    default="md",
    show_default=True,
    help="md: Markdown; html: one self-contained page that prints on A4; docx: Word (needs --out on "
    'a terminal). html and docx need `pip install "wqpolicy[docs]"`.',
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE (whole or not at all) instead of standard output.",
)
def render(ref: str, base: str | None, full: bool, fmt: str, out_file: str | None) -> None:
    """Render a policy version as a document: for each guideline clause in order, its text beside the
    parameters (values with units), rules (as Chinese sentences, the expression beneath), definitions and
    notes that encode it, and the reason for a clause nothing encodes (条文对照表). For a revision (a file with
    `extends`, or any version with --against BASE), the 修订对照表: 条款 / 原规定 / 新规定 / 说明.

    \b
    Examples:
      wqpolicy render wuqing-five-platforms@2021-trial --format md
      wqpolicy render wuqing-five-platforms@2021-trial --format html    # add --out policy.html for a file
      wqpolicy render tests/fixtures/revision/2022-hypothetical.yaml --format md
    """
    refuse_binary_on_terminal(fmt, out_file)
    files = [r for r in (ref, base) if r is not None and is_policy_file(r)]
    try:
        policy = load_ref(ref, files)
        if base is None and not full and policy.model.extends:
            base = f"{policy.id}@{policy.model.extends}"
        old = load_ref(base, files) if base is not None and not full else None
    except WQError as e:
        fail(e)
    if old is not None and old.id != policy.id:
        fail(
            WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"--against is a version of `{old.id}` and REF of `{policy.id}`: a "
                        "revision is compared with a version of the same policy",
                        zh=f"--against 是 `{old.id}` 的版本，而 REF 是 `{policy.id}` 的版本："
                        "只能对比同一政策的两个版本",
                    )
                ]
            )
        )
    try:
        if old is not None:
            diff = Diff(old.model, policy.model, policy_changes(old.model, policy.model))
            result = revision_renderer(fmt)(build_revision_table(old, policy, diff))
        else:
            result = policy_renderer(fmt)(build_policy_table(policy))
    except MissingExtra as e:
        raise extra_missing(e) from None
    emit(result, out_file)
