"""The decision log: append-only, hash-chained, durable, one chain across processes."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from wqpolicy.decisionlog import GENESIS, DecisionLog, LogError, canonical, sha256_text


def _append(log: DecisionLog, n: int = 0, outcome: str = "eligible"):
    return log.append(
        decision="recognition",
        policy_id="wuqing-five-platforms",
        version="2021-trial",
        policy_sha256="ab" * 32,
        input_doc={"decision": "recognition", "n": n},
        record={"outcome": outcome, "outputs": {"supply_subsidy_total": "3000000.00"}},
        engine="0.1.0",
        evaluated_on="2026-01-05",
    )


def test_an_entry_is_read_back_with_its_input_record_and_hashes(tmp_path):
    log = DecisionLog(tmp_path / "log.sqlite")
    e = _append(log)
    got = log.get(e.receipt)
    assert got == e
    assert got.record["outputs"]["supply_subsidy_total"] == "3000000.00"
    assert got.input_doc == {"decision": "recognition", "n": 0}
    assert got.input_sha256 == sha256_text(canonical({"decision": "recognition", "n": 0}))
    assert got.prev_hash == GENESIS and got.seq == 1 and got.outcome == "eligible"
    assert log.get("r-nosuchreceipt") is None


def test_entries_chain_each_to_the_one_before(tmp_path):
    log = DecisionLog(tmp_path / "log.sqlite")
    first, second = _append(log, 1), _append(log, 2)
    assert second.prev_hash == first.hash
    assert log.head() == second.hash
    assert [e.seq for e in log.entries()] == [1, 2]
    assert log.verify_chain() == []


def test_update_and_delete_are_refused(tmp_path):
    path = tmp_path / "log.sqlite"
    log = DecisionLog(path)
    _append(log)
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE entries SET outcome = 'ineligible'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM entries")


def _tamper(path, sql):
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;" + sql)
    db.commit()
    db.close()


def test_an_edited_record_breaks_the_chain_at_that_entry(tmp_path):
    path = tmp_path / "log.sqlite"
    log = DecisionLog(path)
    for n in range(3):
        _append(log, n)
    _tamper(path, "UPDATE entries SET record = replace(record, '3000000.00', '4000000.00') WHERE seq = 2;")
    problems = DecisionLog(path).verify_chain()
    assert [p.seq for p in problems] == [2]
    assert "altered" in problems[0].en and "改动" in problems[0].zh


def test_a_removed_entry_is_a_gap_and_a_broken_link(tmp_path):
    path = tmp_path / "log.sqlite"
    log = DecisionLog(path)
    for n in range(3):
        _append(log, n)
    _tamper(path, "DELETE FROM entries WHERE seq = 2;")
    problems = DecisionLog(path).verify_chain()
    assert {p.seq for p in problems} == {3}
    assert any("missing" in p.en for p in problems) and any("link" in p.en for p in problems)


def test_an_entry_rehashed_after_editing_still_breaks_the_next_link(tmp_path):
    path = tmp_path / "log.sqlite"
    log = DecisionLog(path)
    for n in range(3):
        _append(log, n)
    _tamper(
        path,
        "UPDATE entries SET hash = (CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) "
        "WHERE seq = 2;",
    )
    problems = DecisionLog(path).verify_chain()
    assert [p.seq for p in problems] == [2, 3]


def test_a_file_that_is_not_a_log_is_refused_with_a_reason(tmp_path):
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (a)")
    with pytest.raises(LogError, match="not a decision log"):
        DecisionLog(other)
    text = tmp_path / "text.sqlite"
    text.write_text("hello, not a database " * 100)
    with pytest.raises(LogError) as e:
        DecisionLog(text)
    assert "决定日志" in e.value.zh
    with pytest.raises(LogError):
        DecisionLog(tmp_path / "missing.sqlite", create=False)


def test_append_many_is_one_transaction(tmp_path):
    log = DecisionLog(tmp_path / "log.sqlite")
    good = dict(
        decision="filing",
        policy_id="p",
        version="1",
        policy_sha256="0" * 64,
        input_doc={},
        record={"outcome": "eligible"},
        engine="x",
    )
    with pytest.raises(KeyError):
        log.append_many([good, {"decision": "filing"}])  # the second lacks fields: nothing is stored
    assert log.count() == 0
    assert len(log.append_many([good, good])) == 2 and log.count() == 2


def _writer(path: str, start: int) -> None:
    log = DecisionLog(path)
    for n in range(start, start + 40):
        _append(log, n)
    log.close()


def test_two_processes_appending_keep_one_chain(tmp_path):
    path = str(tmp_path / "log.sqlite")
    DecisionLog(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, s)) for s in (0, 1000)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    log = DecisionLog(path)
    assert log.count() == 80
    assert log.verify_chain() == []
    assert sorted(e.input_doc["n"] for e in log.entries()) == [*range(40), *range(1000, 1040)]


def test_entries_are_paged_and_filtered(tmp_path):
    log = DecisionLog(tmp_path / "log.sqlite")
    for n in range(1200):
        _append(log, n)
    log.append(
        decision="filing",
        policy_id="p",
        version="1",
        policy_sha256="0" * 64,
        input_doc={},
        record={"outcome": "eligible"},
        engine="x",
    )
    assert sum(1 for _ in log.entries()) == 1201
    assert [e.decision for e in log.entries(decision="filing")] == ["filing"]
    assert [e.seq for e in log.entries(after=1198, limit=2)] == [1199, 1200]


def test_the_module_example_runs():
    import doctest

    import wqpolicy.decisionlog

    found = doctest.testmod(wqpolicy.decisionlog)
    assert found.attempted > 0 and found.failed == 0
