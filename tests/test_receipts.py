"""Receipts without a server: a decision kept by `wqpolicy eval --log`, evaluated again (the same record, the
fields that differ, the policy items that changed, a version that is gone), exact numbers kept exactly, and
`wqpolicy log show|export|verify` on the file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal

from conftest import EXAMPLES, run
from wqpolicy.decisionlog import DecisionLog, canonical
from wqpolicy.loader import load_policy
from wqpolicy.receipts import (
    DIFFERENT,
    POLICY_CHANGED,
    POLICY_MISSING,
    SAME,
    Difference,
    differences,
    policy_content,
    verify_entry,
)

REF = "wuqing-five-platforms@2021-trial"


def _logged(tmp_path, *names: str) -> DecisionLog:
    path = tmp_path / "log.sqlite"
    r = run("eval", *(EXAMPLES / n for n in names), "--log", path, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.count("回执 receipt r-") == len(names)
    return DecisionLog(path, create=False)


def test_differences_name_each_leaf_by_its_json_path():
    stored = {"outcome": "eligible", "rules": [{"id": "a", "outcome": "pass"}], "outputs": {"x": "1.00"}}
    now = {"outcome": "ineligible", "rules": [{"id": "a", "outcome": "fail"}], "outputs": {}, "missing": ["y"]}
    assert differences(stored, now) == [
        Difference("outcome", "eligible", "ineligible"),
        Difference("rules[0].outcome", "pass", "fail"),
        Difference("outputs.x", "1.00", None, "now"),
        Difference("missing", None, ["y"], "stored"),
    ]
    assert differences(stored, stored) == []
    assert differences({"a": 1}, {"a": True}) == [Difference("a", 1, True)]


def test_exact_numbers_are_kept_as_the_json_numbers_they_are():
    assert canonical({"amount": Decimal("1234.50"), "n": 3}) == '{"amount":1234.50,"n":3}'


def test_a_logged_decision_evaluates_again_to_the_same_record(tmp_path):
    policy = load_policy(REF)
    with _logged(tmp_path, "recognition_short.yaml", "demand_subsidy.yaml") as log:
        for entry in log.entries():
            result = verify_entry(entry, lambda i, v: policy, log.policy_content(entry.policy_sha256))
            assert result.status == SAME and result.ok, result
            assert entry.evaluated_on == "2024-06-03" and entry.policy_sha256 == policy.content_hash
            assert entry.record["input"] == str(EXAMPLES / entry.record["input"].split("/")[-1])


def test_a_changed_version_is_refused_naming_the_items_that_changed(tmp_path, monkeypatch):
    policy = load_policy(REF)
    with _logged(tmp_path, "filing.yaml") as log:
        (entry,) = log.entries()
        stored = log.policy_content(entry.policy_sha256)
        assert stored == json.loads(canonical(policy_content(policy)))
        monkeypatch.setitem(policy.__dict__, "_content_hash", "f" * 64)  # as if its content had changed
        monkeypatch.setattr("wqpolicy.receipts.policy_content", lambda p: {
            "items": {**stored["items"], "parameters.min_rd_intensity": "changed", "parameters.new_one": "x"}
        })  # fmt: skip
        result = verify_entry(entry, lambda i, v: policy, stored)
    assert result.status == POLICY_CHANGED and not result.ok
    assert result.changed_items == ("changed parameters.min_rd_intensity", "added parameters.new_one")
    assert "min_rd_intensity" in result.zh and "min_rd_intensity" in result.en


def test_a_version_that_is_gone_is_said_so(tmp_path):
    with _logged(tmp_path, "filing.yaml") as log:
        (entry,) = log.entries()

        def find(policy_id: str, version: str):
            raise KeyError(version)

        result = verify_entry(entry, find)
    assert result.status == POLICY_MISSING and "2021-trial" in result.en


def test_a_tampered_record_differs_and_log_verify_names_the_entry(tmp_path):
    log = _logged(tmp_path, "recognition.yaml", "recognition_short.yaml")
    log.close()
    db = sqlite3.connect(tmp_path / "log.sqlite")
    db.executescript("DROP TRIGGER entries_no_update;")
    record = json.loads(db.execute("SELECT record FROM entries WHERE seq = 2").fetchone()[0])
    record["outputs"]["supply_subsidy_total"] = "3000000.00"
    db.execute("UPDATE entries SET record = ? WHERE seq = 2", (canonical(record),))
    db.commit()
    db.close()
    with DecisionLog(tmp_path / "log.sqlite", create=False) as log:
        entry = list(log.entries())[1]
        result = verify_entry(entry, lambda i, v: load_policy(REF))
        assert result.status == DIFFERENT
        assert [(d.path, d.stored, d.now) for d in result.differences] == [
            ("outputs.supply_subsidy_total", "3000000.00", "0.00")
        ]
    r = run("log", "verify", tmp_path / "log.sqlite")
    assert r.exit_code == 1
    assert f"entry 2 {entry.receipt}: 链断裂 chain broken" in r.stdout
    assert f"entry 2 {entry.receipt}: 重新评估结果与存档不一致" in r.stdout
    assert '    outputs.supply_subsidy_total: "3000000.00" → "0.00"' in r.stdout
    assert "entry 1 " not in r.stdout


def test_log_verify_of_an_intact_log_exits_0(tmp_path):
    _logged(tmp_path, "recognition.yaml", "annual_assessment.yaml").close()
    r = run("log", "verify", tmp_path / "log.sqlite")
    assert r.exit_code == 0, r.stdout
    assert r.stdout.endswith("2 entries, 2 evaluated again to the same record, 0 problem(s)\n")


def test_log_show_and_export_list_every_entry(tmp_path):
    _logged(tmp_path, "recognition.yaml", "filing.yaml").close()
    path = tmp_path / "log.sqlite"
    shown = run("log", "show", path).stdout.splitlines()
    assert len(shown) == 2 and "recognition" in shown[0] and "eligible" in shown[0] and REF in shown[0]
    lines = run("log", "export", path).stdout.splitlines()
    entries = [json.loads(x) for x in lines]
    assert [e["decision"] for e in entries] == ["recognition", "filing"]
    assert entries[1]["input"]["decision"] == "filing" and entries[1]["record"]["outcome"] == "eligible"
    out = tmp_path / "log.csv"
    assert run("log", "export", path, "--format", "csv", "--out", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["receipt"] for r in rows] == [e["receipt"] for e in entries]
    assert json.loads(rows[0]["record"])["outcome"] == "eligible"


def test_a_file_that_is_not_a_log_is_refused_in_two_languages(tmp_path):
    (tmp_path / "x.sqlite").write_bytes(b"not a database at all" * 100)
    r = run("log", "show", tmp_path / "x.sqlite")
    assert r.exit_code == 1 and "无法打开决定日志" in r.stderr and "cannot open the decision log" in r.stderr
