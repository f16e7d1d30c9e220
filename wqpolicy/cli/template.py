"""`wqpolicy template`: an empty sheet for a decision's applications (Excel, or CSV), made from its input schema."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from ..batch.layout import layout_for
from ..batch.read_csv import companion
from ..batch.template import template_csv, template_xlsx
from ..errors import WQError
from ..loader import load_policy
from ..outfile import write_file
from . import DATE, fail, home, main, out, paths, policies_option, said, say_files
from ._files import emit, refuse_binary_on_terminal


@main.command(short_help="生成申报汇总表模板 Write an empty sheet for applications.")
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx 为工作簿（含填写说明和每个列表一张工作表）；csv 为主表。 / xlsx: the workbook with an instruction "
    "sheet and a sheet per list; csv: the main sheet.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="写入文件 FILE（要么完整写出，要么不写）；CSV 文件旁另写每个列表的表（FILE.investment.csv）。 / Write to "
    "FILE (whole or not at all); a CSV file gets each list's sheet beside it (FILE.investment.csv).",
)
@policies_option
def template(
    decision: str,
    policy_ref: str | None,
    on: datetime.date | None,
    fmt: str,
    out_file: str | None,
    policy_dirs: tuple[str, ...],
) -> None:
    """为 DECISION 生成空白的申报汇总表，填写后用 `wqpolicy eval` 批量评估。

    工作簿含填写说明（中文在前）、主表（每份申请一行：先是申请编号，再是各字段，第 1 行为中文名称，第 2 行为字段路径）、
    输入中每个列表（投资明细、财务年度、购买记录……）各一张表（每行以申请编号对应到申请），代码和是/否有下拉选择，金额和
    日期设好格式。CSV 只给出主表；给出 --out 时，各列表的表另写在其旁（FILE.列表名.csv），也可以在以列表命名的一列中
    用 JSON 写出列表。退出码为 0；找不到政策或决定、文件无法写出时为 1。

    Write an empty sheet for DECISION's applications (申报汇总表), to fill and evaluate with `wqpolicy eval`.
    The workbook has an instruction sheet (填写说明, Chinese first), the main sheet (one row per application:
    an application ID, then every field, the Chinese titles in row 1 over the field paths in row 2), a sheet per
    list of the input (investment lines, finance years, purchases …) whose rows name their application by its ID,
    drop-downs for codes and 是/否, number formats for amounts and dates. CSV gives the main sheet; with --out, each
    list's sheet is written beside it as FILE.LIST.csv (or give a list as JSON in a column named by the list).
    Exit 0; 1 when the policy or the decision cannot be found, or the file cannot be written.

    \b
    示例 Examples:
      wqpolicy template recognition --out 认定申请.xlsx
      wqpolicy template demand_subsidy --format csv
    """
    refuse_binary_on_terminal("docx" if fmt == "xlsx" else fmt, out_file)  # an xlsx is binary, as a docx
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs), home=home())
        policy.decision(decision)  # WQ-INPUT with the closest name when there is none
        layout = layout_for(policy, decision)
        if fmt == "xlsx":
            emit(template_xlsx(layout), out_file)
            written = [out_file] if out_file is not None else []
        else:
            emit(template_csv(layout), out_file)
            written = [out_file] if out_file is not None else []
            for g in layout.groups if out_file is not None else ():
                written.append(str(write_file(companion(Path(out_file or ""), g.group or ""), template_csv(layout, g))))
    except WQError as e:
        fail(e)
    if written:  # the files line first, as every command's text (a template written to standard output is alone)
        say_files(policy.model.files)
        sheets = "、".join(s.name for s in layout.sheets)
        files = ", ".join(str(w) for w in written)
        out(said(f"模板已写入：{files}（{sheets}）", f"Template written: {files} ({sheets})", " / ") + "\n")
