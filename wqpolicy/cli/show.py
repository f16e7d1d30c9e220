"""`wqpolicy show`: one policy version resolved, each item marked own, inherited, changed, added or removed."""

from __future__ import annotations

import click

from .. import show as shower
from ..errors import WQError
from . import fail, lang, load_ref, main, out, say_files


@main.command(short_help="显示一个版本的全部内容 Show a version resolved.")
@click.argument("ref", metavar="ID@VERSION|FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "yaml", "json"]),
    default="text",
    show_default=True,
    help="text 供人阅读；yaml、json 为完整内容。 / text for people; yaml or json: the whole version.",
)
def show(ref: str, fmt: str) -> None:
    """显示一个政策版本的完整内容（已套用 `extends`），每一项注明是本版本自有、继承、修改还是新增（修订删除的项列为
    已删除）。

    Print a policy version resolved (`extends` applied), each item marked own, inherited, changed or added (and
    what the revision removed, listed as removed).

    \b
    示例 Examples:
      wqpolicy show wuqing-five-platforms@2021-trial
      wqpolicy show tests/fixtures/revision/2022-hypothetical.yaml --format yaml
    """
    try:
        policy = load_ref(ref)
    except WQError as e:
        fail(e)
    if fmt == "text":
        say_files(policy.model.files)
        out(shower.render_text(policy.model, lang()))
        return
    render = {"yaml": shower.render_yaml, "json": shower.render_json}[fmt]
    out(render(policy.model))
