"""The policy as a document: the 条文对照表 (every guideline clause in order, its text beside what encodes it,
rules read in Chinese with the expression beneath, the reason where nothing encodes it), a revision's 修订对照表
(条款 / 原规定 / 新规定 / 说明) from `render` and from `diff --format md|html|docx` with the case impact; Word read
back with python-docx; and the sentences the AST gives every rule."""

from __future__ import annotations

import io

import docx

from conftest import BUNDLED_REF, REVISION, ROOT, run
from wqpolicy.phrasing import Phrasing
from wqpolicy.vocabulary import vocabulary

OWN_CASES = ROOT / "tests" / "fixtures" / "revision" / "cases"


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_the_policy_table_quotes_every_clause_in_order_beside_what_encodes_it(bundled_policy):
    r = run("render", BUNDLED_REF, "--format", "md")
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    clauses = list(bundled_policy.model.clauses)
    positions = [md.index(f"\n### {c}\n") for c in clauses]
    assert positions == sorted(positions) and len(clauses) > 50
    section = md[md.index("\n### 3.2.3\n") : md.index("\n### 3.2.4\n")]
    assert "> 3.平台主体单位在国内（国际）本行业内" in section
    assert "| 规则 | 近三年平均研发投入强度不低于3%<br>`recognition.rd_intensity`" in section
    assert "近三年平均研发投入强度 ≥ 3%<br>`rd_intensity >= min_rd_intensity`" in section
    assert "| 参数 | 公共服务面积下限（平方米）<br>`min_service_area_m2` | 1,000 平方米 |" in section
    assert "“不低于” includes the threshold" in section  # the interpretation note beside it
    assert "## 三、申报条件" in md and "## （二）认定条件" in md  # the guideline's headings
    policy_coordination = md[md.index("\n### 6.4\n") : md.index("\n### 7.1\n")]
    assert "_不作计算：政策统筹协调 (policy coordination)_" in policy_coordination
    assert "**" not in md[md.index("\n### 6.1.1\n") : md.index("\n### 6.1.2\n")].split("\n")[3]  # emphasis dropped


def test_the_policy_table_as_html_and_word(tmp_path):
    page = tmp_path / "p.html"
    assert run("render", BUNDLED_REF, "--format", "html", "--out", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "<h1>条文对照表</h1>" in html and "近三年平均研发投入强度 ≥ 3%" in html and "政策统筹协调" in html
    word = tmp_path / "p.docx"
    assert run("render", BUNDLED_REF, "--format", "docx", "--out", word).exit_code == 0
    text = docx_text(word.read_bytes())
    assert "条文对照表" in text and "近三年平均研发投入强度 ≥ 3%\nrd_intensity >= min_rd_intensity" in text
    assert "不作计算：序言：制定目的与依据 (preamble)" in text


def test_a_revision_file_renders_its_revision_table_against_its_base():
    by_extends = run("render", REVISION, "--format", "md")
    assert by_extends.exit_code == 0, by_extends.stderr
    md = by_extends.stdout
    assert md.startswith("# 修订对照表：假设的修订（非武清区政策）")
    assert "| 条款 Clause | 原规定 Before | 新规定 After | 说明 Note |" in md
    row = next(line for line in md.splitlines() if "近三年平均研发投入强度下限：3%" in line)
    assert row.startswith("| 3.2.3<br>3.平台主体单位") and "| 近三年平均研发投入强度下限：4% | 修改参数" in row
    assert "| （无） | 合作伙伴成功案例3个以上（建议）（提示，不影响结论）：合作伙伴成功案例数 ≥ 3 个" in md
    assert "| 场地装修费：属于“计入平台建设投资额的费用类别” | 场地装修费：属于“不计入平台建设投资额的费用类别” |" in md
    against = run("render", REVISION, "--against", BUNDLED_REF, "--format", "md")
    assert against.stdout == md
    full = run("render", REVISION, "--full", "--format", "md").stdout
    assert full.startswith("# 假设的修订（非武清区政策）：条文对照表")


def test_diff_gives_the_revision_table_with_the_case_impact_in_md_html_and_docx(tmp_path):
    md = run("diff", BUNDLED_REF, REVISION, "--cases", OWN_CASES, "--format", "md")
    assert md.exit_code == 0, md.stderr
    assert "近三年平均研发投入强度下限：4%" in md.stdout
    assert "## 案例影响 Case impact：5 个案例中 4 个有变化" in md.stdout
    assert "| 认定（recognition） | 3 | 3 | 1 | 3 |" in md.stdout
    assert "符合认定条件 → 不符合认定条件" in md.stdout
    out = tmp_path / "memo.docx"
    assert run("diff", BUNDLED_REF, REVISION, "--cases", OWN_CASES, "--format", "docx", "--out", out).exit_code == 0
    text = docx_text(out.read_bytes())
    assert "修订对照表" in text and "近三年平均研发投入强度下限：4%" in text and "5 个案例中 4 个有变化" in text
    page = tmp_path / "memo.html"
    assert run("diff", BUNDLED_REF, REVISION, "--cases", OWN_CASES, "--format", "html", "--out", page).exit_code == 0
    assert "<h2>案例影响：5 个案例中 4 个有变化</h2>" in page.read_text(encoding="utf-8")
    # the pull-request Markdown is as it was
    assert run("diff", BUNDLED_REF, REVISION, "--format", "markdown").stdout.startswith("## 政策对比 Policy diff")


def test_every_rule_reads_as_a_sentence_with_values_and_units(bundled_policy):
    said = {}
    for name, decision in bundled_policy.model.decisions.items():
        phrasing = Phrasing(vocabulary(bundled_policy, name))
        for rule in decision.rules:
            said[rule.id] = phrasing.sentence(rule.condition)
    assert said["recognition.rd_intensity"] == "近三年平均研发投入强度 ≥ 3%"
    assert said["recognition.service_area"] == "公共服务面积 ≥ 1,000 平方米"
    assert said["recognition.track_record"] == "已提供服务 ≥ 5 家次，且有可转化的科技成果"
    assert said["recognition.equipment_share"] == "并非属设备需求度较高的产业平台，或设备投入占比 ≥ 60%"
    assert said["assessment.result"] == "年度考核结果 = 合格"
    assert all("_" not in s for rid, s in said.items() if rid != "filing.subsector"), said  # no codes left
