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
from . import DATE, fail, main, out, paths, policies_option
from ._files import emit, refuse_binary_on_terminal


@main.command()
@click.argument("decision")
@click.option(
    "--policy",
    "policy_ref",
    metavar="ID[@VERSION]|FILE",
    help="Policy to use (default: the bundled policy in force on --on).",
)
@click.option("--on", type=DATE, help="Date that picks the version in force (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx: the workbook with an instruction sheet and a sheet per list; csv: the main sheet.",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE (whole or not at all); a CSV file gets each list's sheet beside it (FILE.investment.csv).",
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
    """Write an empty sheet for DECISION's applications (申报汇总表), to fill and evaluate with `wqpolicy eval`.

    The workbook has an instruction sheet (填写说明, Chinese first), the main sheet (one row per application:
    an application ID, then every field, the Chinese titles in row 1 over the field paths in row 2), a sheet per
    list of the input (investment lines, finance years, purchases …) whose rows name their application by its ID,
    drop-downs for codes and 是/否, number formats for amounts and dates. CSV gives the main sheet; with --out, each
    list's sheet is written beside it as FILE.LIST.csv (or give a list as JSON in a column named by the list).
    Exit 0; 1 when the policy or the decision cannot be found, or the file cannot be written.

    \b
    Examples:
      wqpolicy template recognition --out 认定申请.xlsx
      wqpolicy template demand_subsidy --format csv
    """
    refuse_binary_on_terminal("docx" if fmt == "xlsx" else fmt, out_file)  # an xlsx is binary, as a docx
    try:
        policy = load_policy(policy_ref, on=on, paths=paths(policy_dirs))
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
    if written:
        sheets = "、".join(s.name for s in layout.sheets)
        out(f"模板已写入 Template written: {', '.join(str(w) for w in written)}（{sheets}）\n")
