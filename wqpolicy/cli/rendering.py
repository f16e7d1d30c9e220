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


@main.command(short_help="把政策排成文档 Render a policy as a document.")
@click.argument("ref", metavar="ID@VERSION|FILE")
@click.option(
    "--against",
    "base",
    metavar="ID@VERSION|FILE",
    help="给出 REF 相对于这个版本的修订对照表（写有 `extends` 的文件不加此项即与其基础版本对照）。 / Give the "
    "修订对照表 of REF against this version (a file that `extends` another gets it against its base without this "
    "option).",
)
@click.option(
    "--full",
    is_flag=True,
    help="对修订版本给出完整的条文对照表，而不是修订对照表。 / For a revision: the whole 条文对照表, not the "
    "修订对照表.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "docx"]),
    default="md",
    show_default=True,
    help="md 为 Markdown；html 为可按 A4 打印的单个网页；docx 为 Word 文件（在终端上须给出 --out）。html 和 docx "
    '需要 pip install "wqpolicy[docs]"。 / md: Markdown; html: one self-contained page that prints on A4; docx: '
    'Word (needs --out on a terminal). html and docx need `pip install "wqpolicy[docs]"`.',
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="写入文件 FILE（要么完整写出，要么不写），不输出到屏幕。 / Write to FILE (whole or not at all) instead of "
    "standard output.",
)
def render(ref: str, base: str | None, full: bool, fmt: str, out_file: str | None) -> None:
    """把一个政策版本排成文档（条文对照表）：按指南条款顺序，每条原文旁列出对应的参数（带单位的取值）、规则（中文表述，
    其下为表达式）、定义和解释说明，无法计算的条款写明原因。对修订版本（写有 `extends` 的文件，或用 --against 指定
    对照版本），给出修订对照表：条款 / 原规定 / 新规定 / 说明。

    Render a policy version as a document: for each guideline clause in order, its text beside the
    parameters (values with units), rules (as Chinese sentences, the expression beneath), definitions and
    notes that encode it, and the reason for a clause nothing encodes (条文对照表). For a revision (a file with
    `extends`, or any version with --against BASE), the 修订对照表: 条款 / 原规定 / 新规定 / 说明.

    \b
    示例 Examples:
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
