"""The impact of a revision as a workbook for the memo to the bureau head (修订影响说明): a sheet with a row per
change of the revision (条款 / 原规定 / 新规定 / 受影响申请数 / 补贴变化合计) under the counts and the totals per
payout, a sheet with a row per application (outcome and payouts before and after, what moved it), and one listing
the applications that could not be decided under both versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .extra import openpyxl
from .impact_report import change_rows, moved_by_text, side_problems
from .revision_impact import ImpactRun
from .write_xlsx import MONEY_FORMAT, Styles
from .xlsxfile import workbook_bytes

MEMO = "修订影响说明"


def impact_xlsx(run: ImpactRun) -> bytes:
    book = openpyxl().Workbook()
    styles = Styles()
    _memo(book.active, run, styles)
    _applications(book.create_sheet("逐份申请"), run, styles)
    if run.apart or run.file_problems:
        _apart(book.create_sheet("未能评估"), run, styles)
    return workbook_bytes(book)


def _head(ws: Any, values: list[str], styles: Styles) -> None:
    ws.append(values)
    for i in range(1, len(values) + 1):
        cell = ws.cell(row=ws.max_row, column=i)
        cell.font, cell.fill, cell.alignment = styles.title_font, styles.title_fill, styles.wrap


def _money(ws: Any, columns: list[int]) -> None:
    for c in columns:
        cell = ws.cell(row=ws.max_row, column=c)
        if isinstance(cell.value, Decimal):
            cell.number_format = MONEY_FORMAT


def _memo(ws: Any, run: ImpactRun, styles: Styles) -> None:
    v = run.versions
    ws.title = MEMO
    title = v.new.model.title.zh if v.new.model.title is not None else v.new.model.id
    ws.append([f"{MEMO}：{title}"])
    ws.cell(row=1, column=1).font = styles.title_font
    ws.append([f"原版本 {v.old.model.ref} → 新版本 {v.new.model.ref}"])
    changed = run.changed
    outcome = sum(1 for a in changed if a.outcome_changed)
    ws.append(
        [
            f"共评估 {len(run.applications)} 份申请，{len(changed)} 份有变化，其中结论变化 {outcome} 份；"
            f"{len(run.apart)} 份未能在两个版本下都评估（见“未能评估”表，不计入合计）。"
        ]
    )
    ws.append([])
    _head(ws, ["序号", "条款", "原规定", "新规定", "受影响申请数", "补贴变化合计（元）", "说明"], styles)
    for r in change_rows(run):
        note = r.note
        if r.edit is None:
            note += "（不影响评估结果）"
        elif r.error is not None:
            note += f"（不能单独生效：{r.error}）"
        ws.append(
            [
                r.number,
                r.clause or "—",
                r.before,
                r.after,
                r.applications,
                r.difference if r.applications is not None else None,
                note,
            ]
        )
        _money(ws, [6])
        for c in range(1, 8):
            ws.cell(row=ws.max_row, column=c).alignment = styles.wrap
    total = sum((t.difference for t in run.totals), Decimal(0))
    ws.append(
        [
            "",
            "合计（全部修订共同作用）",
            "",
            "",
            len(changed),
            total,
            "各项单独的变化之和不一定等于合计：修订之间可能相互影响",
        ]
    )
    _money(ws, [6])
    combined = len(run.only_in_combination)
    if combined:
        ws.append(["", f"另有 {combined} 份申请只在各项修订共同作用下才有变化（任何一项单独都不改变其结果）"])
    ws.append([])
    _head(ws, ["决定", "补贴项目", "修订前合计（元）", "修订后合计（元）", "变化（元）"], styles)
    for t in run.totals:
        ws.append([run.decision_label(t.decision).zh, t.label.zh, t.before, t.after, t.difference])
        _money(ws, [3, 4, 5])
    for letter, width in zip("ABCDEFG", (8, 14, 40, 40, 14, 18, 40)):
        ws.column_dimensions[letter].width = width


def _applications(ws: Any, run: ImpactRun, styles: Styles) -> None:
    payouts = [(t.decision, t.payout, t.label) for t in run.totals]
    head = ["申请编号", "申请单位", "决定", "修订前结论", "修订后结论", "结论是否变化"]
    for _, _, label in payouts:
        head += [f"{label.zh}（修订前）", f"{label.zh}（修订后）", f"{label.zh}（变化）"]
    head += ["变化原因", "输入文件"]
    _head(ws, head, styles)
    rows = change_rows(run)
    for a in run.applications:
        before = a.before.label.zh if a.before.label else a.before.outcome or "无法评估"
        after = a.after.label.zh if a.after.label else a.after.outcome or "无法评估"
        values: list[Any] = [
            a.id,
            a.name or None,
            run.decision_label(a.decision).zh,
            before,
            after,
            ("是" if a.outcome_changed else "否") if a.both else "未能评估",
        ]
        b, c = dict(a.before.payouts), dict(a.after.payouts)
        for decision, name, _ in payouts:
            if decision != a.decision:
                values += [None, None, None]
                continue
            x = Decimal(b[name]) if isinstance(b.get(name), str) else None
            y = Decimal(c[name]) if isinstance(c.get(name), str) else None
            values += [x, y, y - x if x is not None and y is not None else None]
        reason = moved_by_text(run, a, rows) if a.both and a.changed else ""
        values += [reason or None, a.source]
        ws.append(values)
        _money(ws, list(range(7, 7 + 3 * len(payouts))))
    ws.freeze_panes = "C2"
    for i in range(1, len(head) + 1):
        ws.column_dimensions[openpyxl().utils.get_column_letter(i)].width = 16


def _apart(ws: Any, run: ImpactRun, styles: Styles) -> None:
    _head(ws, ["申请编号", "决定", "修订前 / 修订后", "问题", "输入文件"], styles)
    for a in run.apart:
        for side, p in side_problems(a):
            ws.append([a.id, a.decision, side, p.text(), a.source])
    for f in run.file_problems:
        for p in f.before.problems:
            ws.append(["（文件）", None, None, p.text(), f.source])
    for letter, width in zip("ABCDE", (16, 16, 16, 80, 30)):
        ws.column_dimensions[letter].width = width
