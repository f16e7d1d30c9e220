"""`wqpolicy serve` before it serves: without the serve extra, a clear error in Chinese and English naming the
install command; `--check` says what would serve, or why the service would not be ready; a token file that holds
no token and a log file that is not a log are refused before anything starts."""

from __future__ import annotations

import shutil
import sys

import pytest

from conftest import POLICY_FILE, run


@pytest.mark.parametrize("module", ["uvicorn", "fastapi", "jinja2"])
def test_without_the_serve_extra_the_error_names_the_install_command(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # as if it were not installed
    r = run("serve", "--check")
    assert r.exit_code == 1
    assert 'pip install "wqpolicy[serve]"' in r.stderr
    assert "需要安装" in r.stderr and "is not installed" in r.stderr


def test_check_says_what_would_serve(tmp_path):
    r = run("serve", "--check", "--log", tmp_path / "log.sqlite")
    assert r.exit_code == 0, r.output
    assert "ready to serve: wuqing-five-platforms@2021-trial" in r.stdout and "http://127.0.0.1:8080/" in r.stdout


def test_check_of_a_broken_policy_folder_exits_1_with_its_diagnostics(tmp_path):
    shutil.copytree(POLICY_FILE.parent, tmp_path / "policy")
    trial = tmp_path / "policy" / POLICY_FILE.name
    trial.write_text(trial.read_text(encoding="utf-8").replace("rd_intensity >= min", "rd_intensty >= min", 1))
    r = run("serve", "--check", "--policies", tmp_path / "policy", "--log", tmp_path / "log.sqlite")
    assert r.exit_code == 1
    assert f"{trial}:" in r.stderr and "error[WQ-NAME]" in r.stderr and "would not be ready" in r.stderr


def test_a_token_file_without_a_token_and_a_file_that_is_not_a_log_are_refused(tmp_path):
    (tmp_path / "token").write_text("\n", encoding="utf-8")
    r = run("serve", "--token-file", tmp_path / "token")
    assert r.exit_code == 1 and "令牌" in r.stderr and "token" in r.stderr
    (tmp_path / "x.sqlite").write_bytes(b"not a database" * 200)
    r = run("serve", "--log", tmp_path / "x.sqlite")
    assert r.exit_code == 1 and "决定日志" in r.stderr and "decision log" in r.stderr
