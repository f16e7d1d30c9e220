"""The tests' own helpers (tests/conftest.py) do what they say: the runner keeps stdout and stderr apart, golden
files are compared exactly and written only when asked, and the remembered YAML reader gives what the reader
gives — a fresh copy each time, errors never remembered."""

from __future__ import annotations

import pytest

import conftest
from conftest import POLICY_FILE, golden, run
from wqpolicy import versions
from wqpolicy.errors import WQError
from wqpolicy.yamlload import load_yaml


def test_the_runner_keeps_standard_output_and_error_apart():
    r = run("eval", "--decision", "nosuch", conftest.EXAMPLES / "filing.yaml")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith("error[WQ-INPUT]: --decision: policy wuqing-five-platforms@2021-trial has no decision")
    assert run("eval").stderr.startswith("Usage: wqpolicy eval")  # the program's own name, as a user types it


def test_a_golden_file_is_compared_exactly_and_written_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "GOLDEN", tmp_path)
    monkeypatch.delenv(conftest.UPDATE_GOLDEN, raising=False)
    with pytest.raises(AssertionError, match="no golden file"):
        golden("x.txt", "one\n")
    monkeypatch.setenv(conftest.UPDATE_GOLDEN, "1")
    golden("x.txt", "one\n")
    monkeypatch.delenv(conftest.UPDATE_GOLDEN)
    golden("x.txt", "one\n")
    with pytest.raises(AssertionError, match="differs from"):
        golden("x.txt", "one \n")


def test_the_remembered_reader_gives_a_fresh_copy_equal_to_a_new_reading(remembered_yaml):
    if not remembered_yaml and versions.load_yaml is load_yaml:
        pytest.skip("WQPOLICY_TEST_NO_MEMO is set")
    text = POLICY_FILE.read_text(encoding="utf-8")
    first, _ = versions.load_yaml(text, str(POLICY_FILE), dates=False)
    first["parameters"]["min_rd_intensity"]["value"] = "changed by a test"
    second, marks = versions.load_yaml(text, str(POLICY_FILE), dates=False)
    fresh, fresh_marks = load_yaml(text, str(POLICY_FILE), dates=False)
    assert second == fresh and second is not first
    assert dict(marks) == dict(fresh_marks)


def test_the_remembered_reader_raises_each_time_and_remembers_no_error(remembered_yaml):
    for _ in range(2):
        with pytest.raises(WQError):
            versions.load_yaml("a: [1\n", "broken.yaml", dates=False)
    assert not [key for key in remembered_yaml if key[0] == "a: [1\n"]
