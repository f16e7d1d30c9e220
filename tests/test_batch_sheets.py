"""The officer's cycle with a workbook: `wqpolicy template` makes the sheets, an officer fills them (several sheets,
Chinese text, dates, a cell that cannot be read), `wqpolicy eval` decides every row, and the result workbook says
what deciding each application one by one says."""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal

import openpyxl
import pytest

from conftest import BUNDLED_REF, run
from sheetfill import amount, fill_workbook, fixture_documents, read_results
from wqpolicy.batch.layout import layout_for
from wqpolicy.errors import WQError

PAYOUTS = ("tranche_on_recognition", "tranche_after_first_assessment", "supply_subsidy_total")


@pytest.fixture(scope="module")
def recognition_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "认定申请.xlsx"
    r = run("template", "recognition", "--policy", BUNDLED_REF, "--out", path)
    assert r.exit_code == 0, r.output
    return path


def test_the_template_has_instructions_first_the_sheets_of_its_lists_and_says_which_decision(recognition_template):
    book = openpyxl.load_workbook(recognition_template)
    assert book.sheetnames == ["填写说明", "认定申请", "近三年财务数据", "平台建设投资明细", "_wqpolicy"]
    assert book["_wqpolicy"].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in book["_wqpolicy"].iter_rows(max_col=2, values_only=True) if r[0]}
    assert meta["decision"] == "recognition" and meta["group:investment"] == "平台建设投资明细"
    guide = [r[0] for r in book["填写说明"].iter_rows(max_col=1, values_only=True) if r[0]]
    assert guide[0] == "认定申请汇总表 填写说明" and any("申请编号" in line for line in guide)
    main = book["认定申请"]
    assert [c.value for c in main[1]][:3] == ["申请编号", "申请单位名称", "在武清区注册"]
    assert [c.value for c in main[2]][:3] == ["id", "applicant.name", "applicant.registered_in_wuqing"]
    assert [c.value for c in book["平台建设投资明细"][2]] == ["id", "investment[].category", "investment[].amount"]


def test_the_template_offers_drop_downs_for_codes_and_yes_no_and_formats_amounts(recognition_template):
    book = openpyxl.load_workbook(recognition_template)
    main = book["认定申请"]
    codes = [c.value for c in main[2]]
    lists = {str(v.sqref).split(":")[0]: v for v in main.data_validations.dataValidation if v.type == "list"}
    registered = openpyxl.utils.get_column_letter(codes.index("applicant.registered_in_wuqing") + 1)
    assert lists[f"{registered}3"].formula1 == '"是,否"'
    industry = openpyxl.utils.get_column_letter(codes.index("platform.industry") + 1)
    offered = lists[f"{industry}3"]
    assert "生物医药" in offered.formula1 and not offered.showErrorMessage  # other text allowed
    money = openpyxl.utils.get_column_letter(codes.index("revenue_since_operation") + 1)
    assert main.column_dimensions[money].number_format == "#,##0.00"
    investment = book["平台建设投资明细"]
    [category] = [v for v in investment.data_validations.dataValidation if v.type == "list"]
    assert category.showErrorMessage and str(category.sqref).startswith("B3")


def test_a_filled_workbook_is_decided_row_by_row_as_each_application_alone(
    recognition_template, tmp_path, bundled_policy
):
    documents = fixture_documents()
    documents["R-中文"] = dict(documents["baseline_fully_eligible"])
    documents["R-中文"]["applicant"] = {**documents["R-中文"]["applicant"], "name": "天津市武清区测试科技有限公司"}
    layout = layout_for(bundled_policy, "recognition")
    filled = tmp_path / "filled.xlsx"
    fill_workbook(recognition_template, layout, documents, filled)
    book = openpyxl.load_workbook(filled)
    main = book["认定申请"]
    codes = [c.value for c in main[2]]
    bad_row = 3 + list(documents).index("partner_cases_1")
    main.cell(row=bad_row, column=codes.index("staff.total") + 1, value="五十人")  # a cell that cannot be read
    book.save(filled)

    result = tmp_path / "结果.xlsx"
    r = run("eval", filled, "--policy", BUNDLED_REF, "--out", result, "--jobs", "1")
    assert r.exit_code == 1  # one application could not be evaluated
    bad_cell = f"认定申请!{openpyxl.utils.get_column_letter(codes.index('staff.total') + 1)}{bad_row}"
    assert f"{bad_cell}: error[WQ-INPUT]: 人员总数：“五十人”不是整数" in r.stderr
    assert f"Batch: {len(documents)} applications" in r.stdout and str(result) in r.stdout  # the summary

    rows = read_results(result)
    assert list(rows) == list(documents)  # input order
    assert rows["partner_cases_1"]["outcome"] is None and bad_cell in rows["partner_cases_1"]["problems"]
    assert rows["R-中文"]["name"] == "天津市武清区测试科技有限公司"
    for key, document in documents.items():
        if key == "partner_cases_1":
            continue
        record = bundled_policy.evaluate("recognition", document)
        row = rows[key]
        assert row["outcome"] == record.outcome, key
        assert row["outcome_label"] == record.outcome_label.zh
        assert row["policy"] == BUNDLED_REF and row["version_date_source"] == "--policy 指定的版本"
        for name in PAYOUTS:
            assert amount(row[name]) == Decimal(record.output(name)), (key, name)
        failed = [r for r in record.rules if r.outcome == "fail" and r.severity == "require"]
        assert (row["failed_rules"] or "") == "；".join(f"{r.clause} {r.label.zh}" for r in failed)
    summary = {r[3]: r[2] for r in openpyxl.load_workbook(result)["汇总"].iter_rows(min_row=3, values_only=True)}
    evaluated = [k for k in documents if k != "partner_cases_1"]
    assert summary["applications"] == len(documents) and summary["not_evaluated"] == 1
    records = [bundled_policy.evaluate(None, documents[k]) for k in evaluated]
    expected = sum(Decimal(r.output("tranche_on_recognition")) for r in records)
    assert amount(summary["tranche_on_recognition"]) == expected
    assert "supply_subsidy_total" not in summary  # not a payout: its tranches are
    rules = read_results(result, "逐条审核")
    assert rules["baseline_fully_eligible"]["recognition.rd_intensity"] == "符合"


def test_a_workbook_with_dates_is_read_with_its_dates(tmp_path, bundled_policy):
    template = tmp_path / "demand.xlsx"
    assert run("template", "demand_subsidy", "--policy", BUNDLED_REF, "--out", template).exit_code == 0
    document = {
        "decision": "demand_subsidy",
        "purchaser": {"name": "北京康衡医疗器械有限公司", "in_wuqing": False, "settled_on": "2024-06-15"},
        "year": 2024,
        "as_of": "2024-12-31",
        "prior_subsidy_this_year": Decimal("0"),
        "purchases": [
            {"platform": "生物药中试平台", "platform_recognized": True, "used_on": "2024-01-10", "service_fee": 450000},
            {"platform": "装备共享平台", "platform_recognized": True, "used_on": "2024-03-20", "service_fee": 380000},
        ],
    }
    filled, result = tmp_path / "filled.xlsx", tmp_path / "result.xlsx"
    fill_workbook(template, layout_for(bundled_policy, "demand_subsidy"), {"D1": document}, filled)
    assert openpyxl.load_workbook(filled)["购买使用平台服务明细"]["D3"].value == datetime.datetime(2024, 1, 10)
    r = run("eval", filled, "--policy", BUNDLED_REF, "--out", result)
    assert r.exit_code == 0, r.output
    row = read_results(result)["D1"]
    record = bundled_policy.evaluate(None, document)
    assert row["outcome"] == record.outcome == "eligible"
    assert amount(row["total_eligible"]) == Decimal(record.output("total_eligible"))


def test_a_header_that_names_no_field_stops_that_workbook_with_its_cell(recognition_template, tmp_path):
    book = openpyxl.load_workbook(recognition_template)
    book["认定申请"]["C2"] = "applicant.registerd_in_wuqing"
    book["认定申请"].append(["A1", "某公司"])
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    r = run("eval", broken, "--policy", BUNDLED_REF, "--format", "jsonl")
    assert r.exit_code == 1 and r.stdout == ""
    assert "认定申请!C2: error[WQ-INPUT]: 列“applicant.registerd_in_wuqing”不是" in r.stderr
    assert "applicant.registered_in_wuqing" in r.stderr  # did you mean


def test_rows_of_a_list_whose_application_is_not_on_the_main_sheet_are_reported(recognition_template, tmp_path):
    book = openpyxl.load_workbook(recognition_template)
    book["认定申请"].append(["A1", "某公司"])
    book["平台建设投资明细"].append(["A2", "设计费", 1000])
    path = tmp_path / "orphan.xlsx"
    book.save(path)
    r = run("eval", path, "--policy", BUNDLED_REF, "--format", "jsonl")
    assert r.exit_code == 1
    assert "平台建设投资明细!A3: error[WQ-INPUT]: 申请编号 A2 在 认定申请 中没有" in r.stderr
    assert [line.split('"id":"')[1].split('"')[0] for line in r.stdout.splitlines()] == ["A1"]


def test_without_openpyxl_a_workbook_is_a_clear_error_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    r = run("template", "recognition", "--out", tmp_path / "t.xlsx")
    assert r.exit_code == 1
    assert 'pip install "wqpolicy[sheets]"' in r.stderr and "openpyxl" in r.stderr
    with pytest.raises(WQError) as e:
        from wqpolicy.batch.extra import openpyxl as need

        need()
    assert e.value.diagnostics[0].zh.startswith("读写 Excel 工作簿")


def test_both_workbook_readers_give_the_same_applications(recognition_template, tmp_path, bundled_policy, monkeypatch):
    from wqpolicy.batch.read_xlsx import read_xlsx

    layout = layout_for(bundled_policy, "recognition")
    filled = tmp_path / "filled.xlsx"
    fill_workbook(recognition_template, layout, fixture_documents(), filled)

    def read() -> list:
        return [(i.id, i.document, i.problems) for i in read_xlsx(filled, lambda d: layout, None, 0)]

    with_calamine = read()
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if it were not installed: openpyxl reads
    assert read() == with_calamine
    assert [key for key, _, _ in with_calamine] == list(fixture_documents())
