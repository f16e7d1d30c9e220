"""Batches from CSV files, JSON lines, a folder of documents and a decision log: every application decided as it
is alone, ids from the id column, the document's `id`, the file's name or the receipt; what cannot be read placed
in its cell or line while the rest is decided."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import BUNDLED_REF, ROOT, run
from sheetfill import APPLICATIONS, fixture_documents, rows
from wqpolicy.batch.layout import layout_for
from wqpolicy.decisionlog import DecisionLog

JSONL = ROOT / "tests" / "fixtures" / "batch" / "applications.jsonl"


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    """A result CSV by application id, each cell by its column's code (the second header row)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    codes = lines[1]
    return {line[0]: dict(zip(codes, line)) for line in lines[2:]}


def test_csv_applications_with_their_lists_beside_them_are_decided_as_each_alone(tmp_path, bundled_policy):
    main = tmp_path / "apps.csv"
    assert run("template", "recognition", "--format", "csv", "--out", main).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps.csv", "apps.finances.csv", "apps.investment.csv"]
    documents = fixture_documents()
    layout = layout_for(bundled_policy, "recognition")
    for sheet, path in zip(layout.sheets, (main, tmp_path / "apps.finances.csv", tmp_path / "apps.investment.csv")):
        with path.open("a", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            for key, document in documents.items():
                writer.writerows(rows(sheet, key, document))
    with main.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["BAD", "某公司", "也许"])  # 在武清区注册: neither 是 nor 否
    r = run("eval", main, "--decision", "recognition", "--policy", BUNDLED_REF, "--out", tmp_path / "res.csv")
    assert r.exit_code == 1
    assert "apps.csv!C" in r.stderr and "“也许”不是“是”或“否”" in r.stderr
    results = read_csv(tmp_path / "res.csv")
    assert list(results) == [*documents, "BAD"]
    for key, document in documents.items():
        record = bundled_policy.evaluate("recognition", document)
        assert results[key]["outcome"] == record.outcome, key
        for name in ("tranche_on_recognition", "supply_subsidy_total", "rd_intensity"):
            assert Decimal(results[key][name]) == Decimal(record.output(name)), (key, name)
    assert results["BAD"]["outcome"] == ""
    rules = read_csv(tmp_path / "res.rules.csv")
    assert rules["partner_cases_1"]["recognition.partners"] == "不符合"
    with (tmp_path / "res.summary.csv").open(encoding="utf-8-sig") as f:
        summary = {line[3]: line[2] for line in csv.reader(f)}
    assert summary["applications"] == str(len(documents) + 1) and summary["not_evaluated"] == "1"


def test_a_csv_file_needs_its_decision_given(tmp_path):
    main = tmp_path / "apps.csv"
    run("template", "filing", "--format", "csv", "--out", main)
    r = run("eval", main, "--format", "jsonl")
    assert r.exit_code == 1 and "--decision" in r.stderr and "CSV 文件无法写明决定类型" in r.stderr


def test_a_list_may_be_given_as_json_in_a_column_of_the_main_csv(tmp_path, bundled_policy):
    document = fixture_documents()["investment_exactly_10m"]
    path = tmp_path / "apps.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "applicant.name", "investment"])
        investment = [{k: float(v) if k == "amount" else v for k, v in i.items()} for i in document["investment"]]
        writer.writerow(["J1", "某公司", json.dumps(investment)])
    r = run("eval", path, "--decision", "recognition", "--policy", BUNDLED_REF, "--format", "jsonl")
    [line] = r.stdout.splitlines()
    result = json.loads(line)
    expected = bundled_policy.evaluate("recognition", {"applicant": {"name": "某公司"}, "investment": investment})
    assert result["id"] == "J1" and result["outputs"]["eligible_investment"] == expected.output("eligible_investment")


def test_a_csv_file_saved_by_excel_in_gbk_is_read_with_a_warning(tmp_path):
    path = tmp_path / "apps.csv"
    path.write_bytes("申请编号,申请单位名称\nid,applicant.name\nG1,天津某公司\n".encode("gbk"))
    r = run("eval", path, "--decision", "filing", "--format", "jsonl")
    assert json.loads(r.stdout)["name"] == "天津某公司"
    assert "GB18030" in r.stderr and "warning" in r.stderr


def test_json_lines_are_decided_line_by_line_and_a_bad_line_is_placed_at_its_line(tmp_path, bundled_policy):
    lines = JSONL.read_text(encoding="utf-8").splitlines()
    bad = '{"id": "X1", "decision": "recognition", "investment": [{"category": "rent", "amount": -5}]}'
    path = tmp_path / "apps.jsonl"
    path.write_text("\n".join([*lines[:3], bad, "", "{not json", *lines[3:]]) + "\n", encoding="utf-8")
    out = tmp_path / "res.jsonl"
    r = run("eval", path, "--policy", BUNDLED_REF, "--out", out)
    assert r.exit_code == 1
    assert f"{path}:4:" in r.stderr and "investment[0].amount" in r.stderr
    assert f"{path}:6:2: " in r.stderr  # the line that is not JSON, at its line
    results = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    documents = fixture_documents()
    assert [x["id"] for x in results] == [*list(documents)[:3], "X1", "第6行", *list(documents)[3:]]
    for x in results:
        if x["id"] in documents:
            record = bundled_policy.evaluate(None, documents[x["id"]])
            assert x["outcome"] == record.outcome
            assert x["outputs"] == {n: record.output(n) for n in record.outputs}
            assert x["rules"] == {k: str(v) for k, v in record.rule_outcomes().items()}
    assert results[3]["outcome"] is None and results[3]["problems"][0]["where"].startswith(f"{path}:4:")


def test_a_folder_of_documents_is_named_by_its_files(bundled_policy):
    r = run("eval", APPLICATIONS, "--policy", BUNDLED_REF, "--format", "jsonl")
    assert r.exit_code == 0 and r.stderr == ""  # no progress bar where standard error is no terminal
    results = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in results] == sorted(p.stem for p in APPLICATIONS.glob("*.yaml"))
    assert all(x["input"] == str(APPLICATIONS) for x in results)


def test_a_decision_log_is_read_entry_by_entry_by_receipt(tmp_path, bundled_policy):
    documents = fixture_documents()
    log_path = tmp_path / "decisions.sqlite"
    with DecisionLog(log_path) as log:
        receipts = []
        for document in list(documents.values())[:3]:
            record = bundled_policy.evaluate(None, document)
            plain = json.loads(JSONL.read_text(encoding="utf-8").splitlines()[len(receipts)])  # as JSON stores it
            plain.pop("id")
            entry = log.append(
                decision="recognition",
                policy_id="wuqing-five-platforms",
                version="2021-trial",
                policy_sha256=bundled_policy.content_hash,
                input_doc=plain,
                record=record.to_json(),
                engine="test",
                evaluated_on="2024-06-03",
            )
            receipts.append(entry.receipt)
    r = run("eval", log_path, "--policy", BUNDLED_REF, "--format", "jsonl")
    assert r.exit_code == 0, r.stderr
    results = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in results] == receipts
    assert [x["outcome"] for x in results] == [
        bundled_policy.evaluate(None, d).outcome for d in list(documents.values())[:3]
    ]


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_the_batch_text_is_in_the_language_chosen(lang):
    r = run("--lang", lang, "eval", JSONL)
    assert r.exit_code == 0, r.output
    line = next(x for x in r.stdout.splitlines() if x.startswith("expert_satisfaction_negative"))
    summary = r.stdout[r.stdout.index("\n\n") :]
    chinese = ("不符合认定条件", "不符合：3.2.6 平台使用方满意度高（专家评审）", "认定后拨付 0.00 元")
    english = ("Not eligible", "not met: 3.2.6 High user satisfaction (expert review)", "Paid on recognition 0.00 yuan")
    if lang == "zh":
        assert all(w in line for w in chinese) and "Batch" not in summary and "批量评估：11 份申请" in summary
    elif lang == "en":
        assert all(w in line for w in english) and "批量" not in summary and "Batch: 11 applications" in summary
        assert "Recognition · Eligible for recognition: 7" in summary and "13,419,790.00 yuan" in summary
    else:
        assert "不符合认定条件 ineligible  不符合 not met: 3.2.6 平台使用方满意度高（专家评审）" in line
        assert "批量评估 Batch: 11 份申请 applications" in summary
