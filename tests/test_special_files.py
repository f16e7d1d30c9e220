"""A named pipe, a device or a file name with a NUL character where a file is expected (a case, a policy, an input
document): refused with a diagnostic at once, never waited on (a pipe blocks only in a real process)."""

from __future__ import annotations

import os

import pytest

from conftest import run_timed
from wqpolicy.errors import WQError
from wqpolicy.yamlload import read_text

BASE_REF = "wuqing-five-platforms@2021-trial"
HANG_GUARD = 10.0  # seconds; only a guard against hangs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_case_file_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    # Before: `wqpolicy test pipe.yaml` and `wqpolicy diff … --cases pipe.yaml` blocked forever in open().
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["test", pipe], ["diff", BASE_REF, BASE_REF, "--cases", pipe]):
        result, took = run_timed(*args, timeout=HANG_GUARD)
        assert result.returncode == 1, result.stderr
        assert (
            f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (give a .yaml case file "
            "or a folder of them)"
        ) in result.stderr
        assert "Traceback" not in result.stderr and took < HANG_GUARD


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_policy_file_that_is_a_pipe_is_refused_by_show_and_diff(tmp_path):
    # Before: `wqpolicy show pipe.yaml` and `wqpolicy diff REF pipe.yaml` blocked forever.
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["show", pipe], ["diff", BASE_REF, pipe]):
        result, took = run_timed(*args, timeout=HANG_GUARD)
        assert result.returncode == 1, result.stderr
        assert (
            f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device) (give a .yaml file)"
            in result.stderr
        )
        assert took < HANG_GUARD


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_an_input_document_that_is_a_pipe_is_refused_by_eval_and_expr(tmp_path):
    # Before: `wqpolicy eval pipe.yaml` and `wqpolicy expr "1 + 1" pipe.yaml` blocked forever in open().
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for args in (["eval", pipe], ["expr", "1 + 1", pipe]):
        result, took = run_timed(*args, timeout=HANG_GUARD)
        assert result.returncode == 1, result.stderr
        assert f"{pipe}:1:1: error[WQ-FILE]: not a regular file (a pipe, socket or device)" in result.stderr
        assert took < HANG_GUARD


def test_an_input_file_name_with_a_nul_character_is_an_error_not_a_traceback():
    with pytest.raises(WQError) as e:
        read_text("a\0b.yaml")
    assert [d.message for d in e.value.diagnostics] == ["a file name cannot hold the NUL character"]
