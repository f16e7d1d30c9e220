"""`wqpolicy lock` and the lock file: a corrupt or hand-edited lock is an error of `check` (never taken as no lock);
a lock that cannot be written is reported, and writing never destroys the previous lock (a temporary file, synced
and renamed); a changed base is reported once locked."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import policy_copy, run, run_timed

HANG_GUARD = 10.0  # seconds; only a guard against hangs


@pytest.fixture
def locked(tmp_path, locked_once):
    """A folder of its own holding the policy copy and its lock file (copied: locking takes a while)."""
    folder = tmp_path / "locked"
    shutil.copytree(locked_once, folder)
    return folder


@pytest.fixture(scope="module")
def locked_once(tmp_path_factory):
    folder = policy_copy(tmp_path_factory.mktemp("lock"))
    assert run("lock", folder).exit_code == 0
    assert run("check", folder).exit_code == 0
    return folder


HINT = "(write it again with `wqpolicy lock` once the revisions in this folder are reviewed)"


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("{not json", "1:2", "not valid JSON: Expecting property name enclosed in double quotes"),
        ("", "1:1", "not valid JSON: Expecting value"),
        ("[1, 2]", "1:1", "the lock file must be a JSON object of policy versions, not an array"),
        ("null", "1:1", "the lock file must be a JSON object of policy versions, not null"),
        (
            '{\n "wuqing-five-platforms@2021-trial": [1]\n}',
            "2:2",
            "`wuqing-five-platforms@2021-trial`: must be an object of item hashes, not an array",
        ),
        (
            '{\n "wuqing-five-platforms@2021-trial": {\n  "parameters.a": "x",\n  "parameters.b": 5}}',
            "4:3",
            "`wuqing-five-platforms@2021-trial`: the hash of `parameters.b` must be text, not a number",
        ),
        ("[" * 100_000, "1:1", "not valid JSON (nested too deep, or a number too long)"),
    ],
)
def test_a_corrupt_or_hand_edited_lock_file_is_an_error_of_check(locked, text, where, message):
    # Before: a list, a string or null raised AttributeError out of `wqpolicy check`; deep nesting RecursionError;
    # a file that was not JSON was taken as no lock at all, so the base-change guard was off without a word.
    lock = locked / "wqpolicy.lock.json"
    lock.write_text(text, encoding="utf-8")
    r = run("check", locked)
    assert r.exit_code == 1, r.output
    assert f"{lock}:{where}: error[WQ-FILE]: {message} {HINT}" in r.output
    assert r.output.endswith("1 error, 0 warnings (2 policy versions checked)\n")


def test_a_corrupt_lock_file_is_mended_by_writing_it_again(locked):
    (locked / "wqpolicy.lock.json").write_text("[1, 2]", encoding="utf-8")
    assert run("check", locked).exit_code == 1
    assert run("lock", locked).exit_code == 0
    assert run("check", locked).exit_code == 0


def test_a_non_utf8_lock_file_is_an_error_of_check(locked):
    lock = locked / "wqpolicy.lock.json"
    lock.write_bytes(b"\xff{}")
    r = run("check", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: not UTF-8 text (byte 0xff at offset 0) (save the file as UTF-8)" in r.output


def test_lock_reports_a_lock_path_it_cannot_write(locked):
    # Before: IsADirectoryError as a traceback (any OSError: a read-only folder, a full disk).
    lock = locked / "wqpolicy.lock.json"
    lock.unlink()
    lock.mkdir()
    r = run("lock", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: cannot write: Is a directory" in r.output
    r = run("check", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: is a directory, not a file {HINT}" in r.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_lock_refuses_a_lock_path_that_is_a_pipe(locked):
    # Before: writing the lock blocked forever on the pipe.
    lock = locked / "wqpolicy.lock.json"
    lock.unlink()
    os.mkfifo(lock)
    result, took = run_timed("lock", locked, timeout=HANG_GUARD)
    assert result.returncode == 1
    assert (
        f"{lock}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (remove it; `wqpolicy lock` "
        "writes the lock file itself)"
    ) in result.stderr
    assert took < HANG_GUARD


def test_lock_of_a_version_that_does_not_build_reports_it(tmp_path):
    # Before: `parameters: 5` in a revision raised AttributeError out of `wqpolicy lock` (the lock hashed items of
    # a document no one had checked).
    folder = policy_copy(tmp_path, with_revision=False)
    revision = folder / "2022-x.yaml"
    revision.write_text(
        "id: wuqing-five-platforms\nversion: 2022-x\nextends: 2021-trial\neffective_from: 2022-01-01\nparameters: 5\n",
        encoding="utf-8",
    )
    r = run("lock", folder)
    assert r.exit_code == 1
    assert f"{revision}:5:13: error[WQ-SCHEMA]: parameters: 5 is" in r.output
    assert not (folder / "wqpolicy.lock.json").exists()


def test_lock_of_a_folder_without_policies_writes_nothing(tmp_path):
    # Before: `wqpolicy lock EMPTY` wrote an empty lock `{}` and exited 0.
    r = run("lock", tmp_path)
    assert r.exit_code == 1
    assert (
        f"{tmp_path}:1:1: error[WQ-FILE]: no policy versions in this folder: nothing to lock (give the folder "
        "that holds the policy files)"
    ) in r.output
    assert not (tmp_path / "wqpolicy.lock.json").exists()


def test_lock_and_check_still_record_and_report_a_changed_base(locked):
    data = json.loads((locked / "wqpolicy.lock.json").read_text(encoding="utf-8"))
    assert sorted(data) == ["wuqing-five-platforms@2021-trial", "wuqing-five-platforms@2022-hypothetical"]
    trial = locked / "2021-trial.yaml"
    trial.write_text(trial.read_text(encoding="utf-8").replace("value: 30%", "value: 31%", 1), encoding="utf-8")
    r = run("check", locked)
    assert r.exit_code == 1 and "error[WQ-BASE]:" in r.output


def test_a_lock_that_cannot_be_written_leaves_the_previous_lock_intact(locked, fill_the_disk):
    # Before: the lock was opened for writing (emptied) and then the disk was full: the previous lock was gone,
    # and with it the guard on every base it recorded.
    lock = locked / "wqpolicy.lock.json"
    before = lock.read_bytes()
    fill_the_disk()
    r = run("lock", locked)
    assert r.exit_code == 1
    assert f"{lock}:1:1: error[WQ-FILE]: cannot write: No space left on device" in r.stderr
    assert lock.read_bytes() == before
    assert not [p.name for p in locked.iterdir() if p.name.endswith(".tmp")]
