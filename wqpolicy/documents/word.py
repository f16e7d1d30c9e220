"""Documents as Word files (.docx, for Word and WPS) through python-docx: the same content as the HTML, A4 pages,
Chinese set in a Song face (宋体) by its East Asian font name so that Word and WPS choose a CJK font."""

from __future__ import annotations

import io
from typing import Any

from . import MissingExtra

CJK_FONT = "宋体"  # SimSun: on every Windows with Chinese; WPS and LibreOffice map it to what they have
LATIN_FONT = "Times New Roman"


def _docx():
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt
    except ImportError:
        raise MissingExtra("docx", "python-docx") from None
    return docx, qn, Mm, Pt


class WordWriter:
    """A small layer over python-docx: headings, paragraphs, tables, each run's East Asian font set."""

    def __init__(self) -> None:
        docx, self.qn, Mm, self.Pt = _docx()
        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(16)
        section.top_margin = section.bottom_margin = Mm(18)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
            style = self.doc.styles[name]
            style.font.name = LATIN_FONT
            self._east_asian(style.element.get_or_add_rPr())
        self.doc.styles["Normal"].font.size = self.Pt(10.5)

    def _east_asian(self, rpr) -> None:
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(self.qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(self.qn("w:eastAsia"), CJK_FONT)

    def _run(self, paragraph, text: str, bold: bool = False, italic: bool = False, size: float | None = None):
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = self.Pt(size)
        self._east_asian(run._element.get_or_add_rPr())
        return run

    def title(self, text: str, subtitle: str | None = None) -> None:
        p = self.doc.add_paragraph(style="Title")
        p.alignment = 1  # centre
        self._run(p, text)
        if subtitle:
            s = self.doc.add_paragraph()
            s.alignment = 1
            self._run(s, subtitle, italic=True, size=9)

    def heading(self, text: str, level: int = 1) -> None:
        self._run(self.doc.add_heading("", level=level), text)

    def paragraph(self, *parts: tuple[str, bool] | str, style: str | None = None, size: float | None = None):
        p = self.doc.add_paragraph(style=style)
        for part in parts:
            text, bold = (part, False) if isinstance(part, str) else part
            self._run(p, text, bold=bold, size=size)
        return p

    def bullet(self, text: str) -> None:
        self.paragraph(text, style="List Bullet")

    def quote(self, label: str, text: str) -> None:
        p = self.paragraph((label, True), "　" + text, size=9.5)
        p.paragraph_format.left_indent = self.Pt(12)

    def table(self, header: list[str] | None, rows: list[list[str]], widths: list[float] | None = None) -> None:
        count = len(header or (rows[0] if rows else [""]))
        table = self.doc.add_table(rows=0, cols=count)
        table.style = "Table Grid"
        for i, row in enumerate(([header] if header else []) + rows):
            cells = table.add_row().cells
            for j, value in enumerate(row):
                cells[j].text = ""
                self._run(cells[j].paragraphs[0], str(value), bold=bool(header) and i == 0)
        if widths:
            from docx.shared import Mm

            for row in table.rows:
                for cell, w in zip(row.cells, widths):
                    cell.width = Mm(w)
        self.doc.add_paragraph()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def notice_docx(n: Any) -> bytes:
    w = WordWriter()
    w.title(n.title, n.title_en)
    w.table(None, [[r.label, r.value] for r in n.header], [45, 133])
    w.heading("结论", 1)
    w.paragraph((n.outcome_label, True), f"（{n.outcome_label_en}，{n.outcome}）")
    w.paragraph((n.conclusion, True))
    if n.faults:
        w.paragraph(("计算出错，不给出任何金额。", True))
        for f in n.faults:
            w.bullet(f)
    if n.sections:
        c = n.counts
        w.heading("逐条审核意见", 1)
        w.paragraph(f"规则 {c['rules']} 条：不符合 {c['failed']}，待定 {c['undecided']}，提示 {c['warnings']}", size=9)
    for s in n.sections:
        w.heading(f"{s.clause} {s.label}（{s.mark}）", 3)
        if s.clause_text:
            w.quote(f"条款 {s.clause}", s.clause_text)
        w.paragraph("条件：", s.sentence, f"　{s.expression}", size=10)
        if not s.passed:
            w.paragraph("意见：", s.message)
        if s.values:
            w.paragraph("读取：" + "；".join(f"{v.label} = {v.value}" for v in s.values), size=9)
        for p in s.parts:
            w.paragraph(f"未满足的条件：{p.label}（{p.value}）")
        for t in s.to_pass:
            w.paragraph(("如何满足：", True), t.heading)
            for i, o in enumerate(t.options):
                w.bullet(("或：" if i else "") + o)
            if t.note:
                w.bullet(t.note + (f"：{'、'.join(t.evidence)}" if t.evidence else ""))
        w.paragraph(f"规则 {s.rule_id}", size=8)
    if n.materials:
        w.heading("补正材料清单", 1)
        w.table(
            ["序号", "材料", "所需条件"],
            [[str(i), m.name, "；".join(m.needed_by)] for i, m in enumerate(n.materials, 1)],
            [15, 80, 83],
        )
    if n.amounts:
        w.heading("核定金额与输出", 1)
        w.table(["项目", "金额或结果"], [[a.label, a.value] for a in n.amounts], [100, 78])
    for t in n.tables:
        w.heading(t.title, 2)
        w.table(t.columns, t.rows)
    w.paragraph(f"政策 {n.policy_ref} · 校验码 {n.policy_hash} · 评估日期 {n.evaluated_on}", size=8)
    return w.bytes()


def policy_docx(t: Any) -> bytes:
    w = WordWriter()
    w.title("条文对照表", f"{t.title} · {t.ref} · 生效 {t.effective} · 校验码 {t.content_hash}")
    if t.note:
        w.paragraph(f"生效说明：{t.note}", size=9)
    for row in t.rows:
        for h in row.headings:
            w.heading(h, 1)
        w.heading(row.clause, 3)
        w.quote(f"条款 {row.clause}", row.text)
        if row.reason:
            w.paragraph(f"不作计算：{row.reason}", size=9)
        elif row.items:
            w.table(
                ["类别", "名称", "规定", "解释"],
                [
                    [
                        i.kind_zh,
                        f"{i.label}\n{i.name}",
                        (i.value or i.sentence) + (f"\n{i.expression}" if i.expression else ""),
                        i.note or "—",
                    ]
                    for i in row.items
                ],
                [16, 40, 66, 56],
            )
    return w.bytes()


def revision_docx(t: Any) -> bytes:
    w = WordWriter()
    w.title("修订对照表", f"{t.title}：{t.old_ref} → {t.new_ref}")
    w.paragraph(
        f"原版本 {t.old_ref}（{t.old_effective}，校验码 {t.old_hash}）；新版本 {t.new_ref}（{t.new_effective}，"
        f"校验码 {t.new_hash}）",
        size=9,
    )
    w.table(
        ["条款", "原规定", "新规定", "说明"],
        [[r.clause or "—", r.before, r.after, r.note] for r in t.rows] or [["—", "—", "—", "无政策变更"]],
        [22, 50, 50, 56],
    )
    if t.impact_summary is not None:
        w.heading(f"案例影响：{t.impact_summary}", 1)
        w.table(
            ["决定", "案例", "有变化", "结论变化", "输出变化", "金额合计"],
            [
                [
                    c.decision,
                    str(c.cases),
                    str(c.changed),
                    str(c.outcome_changed),
                    str(c.outputs_changed),
                    c.money or "—",
                ]
                for c in t.counts
            ],
        )
        if t.cases:
            w.table(
                ["案例", "决定", "结论", "规则与输出"],
                [[c.case, c.decision, c.outcome, "\n".join(c.rules + c.outputs)] for c in t.cases],
            )
    return w.bytes()
