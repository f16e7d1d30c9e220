"""The decision notice in each format, read back and checked by content: the notice that fits the outcome, who
applied, the dates, the policy version and its content hash, the guideline clause quoted, material names (never a
field code), amounts; Word read back with python-docx; HTML self-contained and escaped; text wrapped."""

from __future__ import annotations

import datetime
import io
import re
import sys

import docx
import pytest

from conftest import EXAMPLES, run
from wqpolicy.display import columns
from wqpolicy.documents import html as html_module
from wqpolicy.documents.notice import build_notice, notice_kind
from wqpolicy.documents.text import notice_text, wrap
from wqpolicy.inputs import load_input

TODAY = "2024-06-03"  # conftest fixes the day (SOURCE_DATE_EPOCH)


def notice_for(policy, name: str, on: datetime.date | None = None, **changes):
    doc, _ = load_input(EXAMPLES / name)
    doc = {**doc, **changes}
    record = policy.evaluate(None, doc, input_name=f"examples/{name}")
    return build_notice(policy, record, doc, on)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_each_outcome_gets_its_notice_and_an_unknown_word_the_plain_one(bundled_policy):
    assert notice_for(bundled_policy, "recognition.yaml").title == "审核意见书"
    assert notice_for(bundled_policy, "recognition_missing_review.yaml").title == "补正通知"
    refused = notice_for(bundled_policy, "recognition.yaml", service_area_m2=800)
    assert refused.title == "不予认定通知书" and refused.kind == "refuse"
    assert "有 1 项条件不符合（第 3.2.3 条）" in refused.conclusion
    demand, _ = load_input(EXAMPLES / "demand_subsidy.yaml")
    demand["purchases"] = [{**p, "platform_recognized": False} for p in demand["purchases"]]
    record = bundled_policy.evaluate(None, demand)
    assert build_notice(bundled_policy, record, demand).title == "不予支持通知书"
    assert (notice_kind("error"), notice_kind("a_word_of_a_later_revision")) == ("error", "other")


def test_the_text_notice_carries_names_dates_policy_clause_and_amounts(bundled_policy):
    r = run("--lang", "both", "eval", EXAMPLES / "recognition.yaml")
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert text.splitlines()[1] == "wuqing-five-platforms@2021-trial · recognition · " + str(  # after the files line
        EXAMPLES / "recognition.yaml"
    )
    assert "申请单位：天津瑞康生物医药科技有限公司" in text and "平台名称：生物药中试公共服务平台" in text
    assert f"评估日期：{TODAY}" in text and "申请日期：未填写" in text
    assert f"政策内容校验码：{bundled_policy.content_hash[:12]}" in text
    flat = "".join(line.strip() for line in text.splitlines())  # wrapped lines joined
    assert "近三年平均科学研究与试验发展投入强度（即研发经费占营业收入的比例）一般不低于3%" in flat
    assert "供给侧补贴总额            3,682,950.00 元" in text
    assert (
        "经审核，天津瑞康生物医药科技有限公司申报的“生物药中试公共服务平台”认定申请：符合认定条件，"
        "供给侧补贴总额 3,682,950.00 元" in flat
    )


def test_text_lines_fit_the_width(bundled_policy):
    for name in ("recognition.yaml", "recognition_missing_review.yaml", "demand_subsidy.yaml"):
        for width in (100, 60):
            text = notice_text(notice_for(bundled_policy, name), width)
            assert max(columns(line) for line in text.splitlines()) <= width, (name, width)
    # no line opens with ，: the character before it moves down with it
    assert wrap("近三年平均研发投入强度，不低于", 12) == ["近三年平均研", "发投入强度，", "不低于"]
    assert wrap("近三年平均研发投入，不低于", 12) == ["近三年平均研", "发投入，不低", "于"]


def test_the_missing_evidence_is_listed_by_material_name_never_by_field_code(bundled_policy):
    r = run("eval", EXAMPLES / "recognition_missing_review.yaml", "--format", "md")
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert "# 补正通知" in md and "## 补正材料清单" in md
    for material in (
        "专家评审意见：技术设备水平与服务规范",
        "专家评审意见：平台使用方满意度",
        "专家评审意见：市场化创新管理机制",
    ):
        assert f"| {material} |" in md.replace("| 1 | ", "| ").replace("| 2 | ", "| ").replace("| 3 | ", "| ")
    listing = md[md.index("## 补正材料清单") :]
    assert "expert_review" not in listing.split("## 核定金额")[0]
    assert "3.2.6 平台使用方满意度高（专家评审）" in listing


def test_a_compound_rule_names_the_condition_that_failed_and_what_it_would_take(bundled_policy):
    n = notice_for(bundled_policy, "recognition.yaml", staff={"total": 100, "rd_technical": 15, "tech_leader": True})
    staff = next(s for s in n.sections if s.rule_id == "recognition.staff")
    assert [(p.label, p.value) for p in staff.parts] == [("科研技术人员数 ÷ 人员总数 ≥ 20%", "不成立")]
    assert staff.to_pass[0].heading == "科研技术人员数 ÷ 人员总数 15% < 20%"
    assert staff.to_pass[0].options[0] == "人员情况：科研技术人员数需再增加 5 人（15 人 → 20 人）"


def test_html_is_self_contained_escaped_and_holds_the_same_content(bundled_policy, tmp_path):
    doc, _ = load_input(EXAMPLES / "recognition_missing_review.yaml")
    doc["applicant"]["name"] = "<script>alert(1)</script>有限公司"
    path = tmp_path / "app.yaml"
    import yaml

    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "notice.html"
    r = run("eval", path, "--format", "html", "--out", out)
    assert (r.exit_code, r.stdout) == (0, "")
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page) and "<link" not in page and "@import" not in page
    assert "@page { size: A4" in page and "@media print" in page
    for words in (
        "补正通知",
        "专家评审意见：平台使用方满意度",
        f"评估日期</th><td>{TODAY}",
        "近三年平均研发投入强度 ≥ 3%",
        "10,320,000.00 元",
        bundled_policy.content_hash[:12],
    ):
        assert words in page, words


def test_word_notice_reads_back_with_the_same_content(bundled_policy, tmp_path):
    out = tmp_path / "notice.docx"
    r = run("eval", EXAMPLES / "recognition.yaml", "--format", "docx", "--out", out)
    assert r.exit_code == 0, r.stderr
    text = docx_text(out.read_bytes())
    for words in (
        "审核意见书",
        "天津瑞康生物医药科技有限公司",
        "生物药中试公共服务平台",
        TODAY,
        "wuqing-five-platforms@2021-trial",
        "近三年平均科学研究与试验发展投入强度",
        "3,682,950.00 元",
        "供给侧补贴总额",
        bundled_policy.content_hash[:12],
    ):
        assert words in text, words
    d = docx.Document(io.BytesIO(out.read_bytes()))
    fonts = d.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    assert round(d.sections[0].page_width.mm) == 210


def test_a_binary_format_never_goes_to_a_terminal_and_html_takes_one_input(monkeypatch):
    monkeypatch.setattr("wqpolicy.cli._files.terminal", lambda: True)
    r = run("eval", EXAMPLES / "recognition.yaml", "--format", "docx")
    assert r.exit_code == 2 and "--out" in r.stderr and r.stdout == ""
    r = run("eval", EXAMPLES / "recognition.yaml", EXAMPLES / "filing.yaml", "--format", "html")
    assert r.exit_code == 2 and "one input" in r.stderr


def test_without_the_docs_extra_html_and_docx_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "jinja2", None)
    monkeypatch.setattr(html_module, "_ENV", None)
    r = run("eval", EXAMPLES / "recognition.yaml", "--format", "html")
    assert r.exit_code == 1 and 'pip install "wqpolicy[docs]"' in r.stderr and "需要安装" in r.stderr
    monkeypatch.setitem(sys.modules, "docx", None)
    r = run("render", "wuqing-five-platforms@2021-trial", "--format", "docx", "--out", "x.docx")
    assert r.exit_code == 1 and 'pip install "wqpolicy[docs]"' in r.stderr and "python-docx" in r.stderr


def test_the_demand_side_notice_names_the_purchaser_and_tabulates_the_purchases(bundled_policy):
    n = notice_for(bundled_policy, "demand_subsidy.yaml")
    assert n.applicant == "北京康衡医疗器械有限公司" and n.platform is None
    assert [r.label for r in n.header][:2] == ["申请单位", "申请事项"]
    table = n.tables[0]
    assert table.columns[:2] == ["平台名称", "使用日期"] and "核定补贴额" in table.columns
    assert "可兑现补贴合计 850,000.00 元" in n.conclusion


def test_the_application_date_is_shown_when_the_input_has_one(bundled_policy):
    doc, _ = load_input(EXAMPLES / "filing.yaml")
    record = bundled_policy.evaluate(None, doc)
    with_date = build_notice(bundled_policy, record, {**doc, "submitted_on": "2024-03-05"}, datetime.date(2024, 4, 1))
    assert ("申请日期", "2024-03-05") in [(r.label, r.value) for r in with_date.header]
    assert ("评估日期", "2024-04-01") in [(r.label, r.value) for r in with_date.header]


def test_the_content_hash_follows_the_policy_and_not_its_file_name(tmp_path):
    from conftest import policy_copy
    from wqpolicy.loader import load_policy

    folder = policy_copy(tmp_path, with_revision=False)
    first = load_policy(folder / "2021-trial.yaml").content_hash
    moved = tmp_path / "elsewhere"
    import shutil

    shutil.copytree(folder, moved)
    assert load_policy(moved / "2021-trial.yaml").content_hash == first
    trial = moved / "2021-trial.yaml"
    trial.write_text(
        trial.read_text(encoding="utf-8").replace("value: 1000万元", "value: 1001万元", 1), encoding="utf-8"
    )
    assert load_policy(trial).content_hash != first


@pytest.mark.parametrize("name", ["filing.yaml", "annual_assessment.yaml", "demand_subsidy.yaml"])
def test_every_example_makes_every_notice(name, tmp_path):
    for fmt in ("text", "md", "html", "docx"):
        out = tmp_path / f"n.{fmt}"
        r = run("--lang", "both", "eval", EXAMPLES / name, "--format", fmt, "--out", out)
        assert r.exit_code == 0, (fmt, r.stderr)
        body = docx_text(out.read_bytes()) if fmt == "docx" else out.read_text(encoding="utf-8")
        assert "审核意见书" in body and TODAY in body, fmt
