"""`wqpolicy schema`: the input schema of a decision in one version, resolved (the fields its revisions add and remove
applied), as JSON: for the portal that builds the form and for the editor."""

from __future__ import annotations

import datetime

import click

from ..errors import WQError
from ..jsontext import exact_indented
from ..loader import load_policy
from ..workspace import shown_file
from . import DATE, fail, home, main, out, out_file_option, paths, policies_option, said, say_files, write_output


@main.command(short_help="输出决定的输入格式 Print a decision's input schema.")
@click.argument("decision")
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="使用的政策（默认：政策文件夹中——找不到时为随附政策中——--on 当天有效的版本）。 / Policy to use (default: "
    "the one in the policy folder, else the bundled policy, in force on --on).",
)
@click.option(
    "--on",
    type=DATE,
    help="用来选出有效版本的日期（默认：今天）。 / Date that picks the version in force (default: today).",
)
@out_file_option
@policies_option
def schema(
    decision: str,
    policy_ref: str | None,
    on: datetime.date | None,
    out_path: str | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """输出 DECISION 在所选版本中的输入格式（JSON Schema 2020-12）：修订用 `input_fields` 新增、删除或设为必填的字段
    已合并到所沿用的输入格式中，供申报系统生成表单、供编辑器检查申报材料。`x-wqpolicy` 注明政策版本和读取的文件。
    退出码为 0；找不到政策或决定、文件无法写出时为 1。

    Print DECISION's input schema (JSON Schema 2020-12) in the version chosen, resolved: the fields a revision adds,
    removes or requires with `input_fields` applied to the schema it inherits — for the portal that builds the form
    and for the editor. `x-wqpolicy` names the policy version and the files read. Exit 0; 1 when the policy or the
    decision cannot be found, or the file cannot be written.

    \b
    示例 Examples:
      wqpolicy schema recognition
      wqpolicy schema recognition --policy tests/fixtures/revision/structural/2024-structural.yaml
      wqpolicy schema annual_assessment --on 2024-06-01 --out annual.schema.json
    """
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs), home=home())
        policy.decision(decision)  # WQ-INPUT with the closest name when there is none
    except WQError as e:
        fail(e)
    found = policy.model.decisions[decision]
    resolved = {
        **found.input_schema,
        "x-wqpolicy": {
            "policy": policy.model.ref,
            "decision": decision,
            "files": [shown_file(f) for f in (*policy.model.files, found.input_path)],
        },
    }
    write_output(exact_indented(resolved) + "\n", out_path)
    if out_path is not None and out_path != "-":  # the JSON went to the file: say what was read and written
        say_files(policy.model.files)
        out(said(f"输入格式已写入 {out_path}", f"Input schema written to {out_path}", " / ") + "\n")
