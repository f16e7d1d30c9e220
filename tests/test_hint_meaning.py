"""Hints never change meaning (issue 14, item 3): for each slip an officer makes, the hint `check` gives is applied
mechanically — the slip replaced by the text the hint says to write — and then `check` passes and the value means
what the officer meant (`1000万元整` -> `1000万元`, ten million yuan, never `1000`). Where no hint is safe, none is
given: a rule deleted that other items name is reported as deleted, never matched by spelling to another rule."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from wqpolicy.check_report import check_paths
from wqpolicy.loader import load_policy
from wqpolicy.values import Duration

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
HEAD = "id: wuqing-five-platforms\nversion: 2027-draft\nextends: 2021-trial\neffective_from: 2027-01-01\n"
WRITE = re.compile(r"write `([^`]+)`")


def draft(tmp_path: Path) -> Path:
    """An unpublished copy of the policy folder (no lock file: its version may be edited in place)."""
    folder = tmp_path / "draft"
    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    return folder / "2021-trial.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# (what the officer did, where: "base" edits the draft's own file, "revision" writes a revision of the bundled
# policy; the line as first written; the slip in it; the parameter; what the officer meant)
SLIPS = [
    ("money with 整", "base", "    value: 1000万元\n", "1000万元整", "min_investment", Decimal(10_000_000)),
    ("full-width digits", "base", "    value: 1000万元\n", "１０００万元", "min_investment", Decimal(10_000_000)),
    ("人民币 for 元", "base", "    value: 1000万元\n", "1000万人民币", "min_investment", Decimal(10_000_000)),
    ("a separator before 万", "base", "    value: 1000万元\n", "1,000万元", "min_investment", Decimal(10_000_000)),
    ("thousands separators", "base", "    value: 1000万元\n", "8,000,000", "min_investment", Decimal(8_000_000)),
    ("百万", "base", "    value: 500万元\n", "5百万元", "supply_subsidy_cap", Decimal(5_000_000)),
    (
        "a ratio without %",
        "base",
        '    value: 30%\n    type: ratio\n    clause: "6.1.1"',
        "70",
        "supply_subsidy_ratio",
        Decimal("0.7"),
    ),
    ("a percentage in words", "base", "    value: 3%\n", "百分之三", "min_rd_intensity", Decimal("0.03")),
    ("a space before %", "base", "    value: 20%\n", "20 %", "min_rd_staff_share", Decimal("0.2")),
    (
        "a count word",
        "base",
        '    value: 5\n    type: integer\n    clause: "3.2.6"',
        "5家次",
        "min_services_provided",
        5,
    ),
    ("an area unit", "base", "    value: 1000\n    type: number\n", "1000平方米", "min_service_area_m2", 1000),
    (
        "a duration in Chinese",
        "base",
        "    value: 1 year\n    type: duration\n",
        "1年",
        "settlement_window",
        Duration(years=1),
    ),
    (
        "thousands separators in braces",
        "revision",
        "  min_investment: {value: 10000000}\n",
        "10,000,000",
        "min_investment",
        Decimal(10_000_000),
    ),
    (
        "eight million in braces",
        "revision",
        "  min_investment: {value: 8000000}\n",
        "8,000,000",
        "min_investment",
        Decimal(8_000_000),
    ),
    (
        "a ratio without % in braces",
        "revision",
        "  supply_subsidy_ratio: {value: 30%}\n",
        "70",
        "supply_subsidy_ratio",
        Decimal("0.7"),
    ),
    (
        "a separator before 万 in braces",
        "revision",
        "  min_investment: {value: 1500万元}\n",
        "1,500万元",
        "min_investment",
        Decimal(15_000_000),
    ),
]


@pytest.mark.parametrize("what, where, line, slip, name, meant", SLIPS, ids=[s[0] for s in SLIPS])
def test_applying_the_hint_gives_a_policy_that_checks_and_means_what_was_meant(
    tmp_path, what, where, line, slip, name, meant
):
    if where == "base":
        path = draft(tmp_path)
        first = re.search(r"value: ([^\n]+)", line).group(1)
        edit(path, f"  {name}:\n{line}", f"  {name}:\n{line.replace(first, slip, 1)}")
    else:
        path = tmp_path / "draft.yaml"
        first = re.search(r"value: ([^}]+)\}", line).group(1)
        path.write_text(HEAD + "parameters:\n" + line.replace(first, slip, 1), encoding="utf-8")
    report = check_paths([path])
    assert report.return_code == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    slipped = next(n for n, text in enumerate(lines, 1) if f"value: {slip}" in text)
    [d] = [d for d in report.errors if d.span.line == slipped]  # one error, at the slip
    suggested = WRITE.findall(f"{d.message} {d.hint}")
    assert len(suggested) == 1, d.render()  # one thing to write, said once
    assert f"`{suggested[0]}`" in f"{d.zh} {d.hint_zh}", "the Chinese says the same"
    edit(path, f"value: {slip}", f"value: {suggested[0]}")  # the slip replaced by what the hint says to write
    assert check_paths([path]).return_code == 0
    assert load_policy(str(path)).model.parameters[name].value == meant


def test_a_ratio_written_as_a_fraction_of_one_is_valid_as_it_is(tmp_path):
    path = draft(tmp_path)
    edit(
        path,
        '    value: 30%\n    type: ratio\n    clause: "6.1.1"',
        '    value: 0.7\n    type: ratio\n    clause: "6.1.1"',
    )
    assert check_paths([path]).return_code == 0
    assert load_policy(str(path)).model.parameters["supply_subsidy_ratio"].value == Decimal("0.7")


@pytest.mark.parametrize(
    "line, slip",
    [
        ("    value: 1000万元\n", "1000美元"),  # another currency: no figure in 元 is certain
        ("    value: 1000万元\n", "1000万港币"),
        ('    value: 30%\n    type: ratio\n    clause: "6.1.1"', "150%"),  # too high: which was meant, unknown
    ],
)
def test_where_no_figure_is_certain_no_figure_is_offered(tmp_path, line, slip):
    path = draft(tmp_path)
    first = re.search(r"value: ([^\n]+)", line).group(1)
    edit(path, line, line.replace(first, slip, 1))
    report = check_paths([path])
    assert report.return_code == 1
    assert all(not WRITE.search(d.hint or "") for d in report.errors), [d.hint for d in report.errors]


def test_a_clause_id_is_mended_only_as_written_never_changed_for_another(tmp_path):
    path = draft(tmp_path)
    edit(
        path,
        '    clause: "3.2.8"\n    label: {zh: 合作伙伴成功案例下限',
        '    clause: "３.２.８"\n    label: {zh: 合作伙伴成功案例下限',
    )
    [d] = check_paths([path]).errors
    assert (d.code, d.hint, d.hint_zh) == ("WQ-SCHEMA", "write `3.2.8`", "请写 `3.2.8`")
    edit(path, "３.２.８", "3.2.8")
    assert check_paths([path]).return_code == 0
    edit(
        path,
        '    clause: "3.2.8"\n    label: {zh: 合作伙伴成功案例下限',
        '    clause: "3.2.11"\n    label: {zh: 合作伙伴成功案例下限',
    )
    [d] = check_paths([path]).errors  # 3.2.11 is not 3.2.1: a clause id one digit away is another clause
    assert (d.code, d.hint) == ("WQ-CLAUSE", None)
    assert d.related and d.related[0].span.file.endswith("guideline.zh.md")  # the other place: the guideline


def deleted_rule(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index("      recognition.investment:\n"), text.index("      recognition.service_area:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def test_a_deleted_rule_still_named_is_never_matched_by_spelling_to_another(tmp_path):
    """Before: `did you mean recognition.excluded_investment?`, which taken gave a policy with the rule gone and
    `check` green."""
    path = draft(tmp_path)
    deleted_rule(path)
    [d] = check_paths([path]).errors
    assert d.code == "WQ-NAME" and d.subject == "recognition.investment"
    assert d.hint is None and "excluded_investment" not in d.render()


def test_a_rule_deleted_from_the_published_version_is_reported_as_deleted(tmp_path):
    folder = tmp_path / "published"
    shutil.copytree(BUNDLED, folder)  # with its lock file: 2021-trial is published
    deleted_rule(folder / "2021-trial.yaml")
    errors = check_paths([folder]).errors
    named = [d for d in errors if d.code == "WQ-NAME"]
    assert [d.subject for d in named] == ["recognition.investment"]
    assert named[0].zh.startswith("规则 recognition.investment 已被删除")
    assert "did you mean" not in named[0].render()
    locked = [d for d in errors if d.code == "WQ-LOCKED"]
    assert [d.subject for d in locked] == ["decisions.recognition.rules.recognition.investment"]
    assert locked[0].zh.startswith("已发布版本不可修改，请新建修订版本")


def test_a_misspelt_rule_id_gets_its_name_and_taking_it_checks(tmp_path):
    path = draft(tmp_path)
    edit(
        path,
        '  "3.2.3": [recognition.rd_intensity, recognition.investment,',
        '  "3.2.3": [recognition.rd_intensity, recognition.investmnet,',
    )
    [d] = check_paths([path]).errors
    assert d.hint == "did you mean `recognition.investment`?"
    edit(path, "recognition.investmnet", "recognition.investment")
    assert check_paths([path]).return_code == 0
