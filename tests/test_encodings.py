"""Files and streams as a Chinese Windows makes them: output to a GBK console or file never stops at a character it
lacks (`m²` is written `m2`); a policy, input or case file saved as GB18030 ("ANSI") is read, with a warning to save
it as UTF-8; a file that is neither is refused by name; a byte-order mark and CRLF line ends change nothing, lines
and columns included. Where the stream's encoding matters, in a real process."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLES, POLICY_FILE, ROOT, policy_copy, run
from wqpolicy.errors import WQError
from wqpolicy.inputs import load_input
from wqpolicy.yamlload import decode_text

FILES = "Policy files: policies/wuqing-five-platforms/2021-trial.yaml\n"  # the first line: the files read

RECOGNITION = EXAMPLES / "recognition.yaml"


def gbk(*args: object, **options) -> subprocess.CompletedProcess:
    """`wqpolicy ARGS…` in a real process whose standard streams are GBK (as a Chinese Windows console's are);
    what it prints as bytes."""
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "gbk", "WQPOLICY_LANG": "both"}
    options.setdefault("capture_output", "stdout" not in options)
    command = [sys.executable, "-m", "wqpolicy", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=env, timeout=60, check=False, **options)


# -- output ---------------------------------------------------------------------------------------------------------
def test_a_report_on_a_gbk_console_is_written_whole_with_m2_for_m_squared():
    # Before: UnicodeEncodeError on `m²` (the service area's label), a traceback, and the report cut short.
    r = gbk("eval", RECOGNITION)
    out, err = r.stdout.decode("gbk"), r.stderr.decode("gbk")
    assert (r.returncode, err) == (0, "")
    assert "Public-service area at least 1,000 m2" in out and "m²" not in out
    assert "结论 Outcome:" in out and "official_name" in out and re.search(r"评估日期 \d{4}-\d{2}-\d{2}$", out.rstrip())


def test_a_report_redirected_to_a_gbk_file_is_written_whole(tmp_path):
    target = tmp_path / "report.txt"
    with target.open("wb") as f:
        r = gbk("eval", RECOGNITION, stdout=f, stderr=subprocess.PIPE)
    text = target.read_bytes().decode("gbk")  # every byte GBK
    assert r.returncode == 0 and b"Traceback" not in r.stderr
    assert "1,000 m2" in text and "official_name" in text


def test_a_message_on_a_gbk_console_writes_what_gbk_lacks_as_the_nearest_it_has(tmp_path):
    doc = tmp_path / "application.yaml"
    doc.write_text(RECOGNITION.read_text(encoding="utf-8") + "面积m²: 1\nnote😀: x\n", encoding="utf-8")
    r = gbk("eval", doc)
    err = r.stderr.decode("gbk")
    assert r.returncode == 1 and "Traceback" not in err
    assert "`面积m2`" in err and "`note?`" in err and "error[WQ-INPUT]" in err


def test_help_on_a_gbk_console_is_written_whole():
    r = gbk("eval", "--help")
    assert r.returncode == 0 and "评估" in r.stdout.decode("gbk") and r.stderr == b""


# -- files saved as GB18030 -----------------------------------------------------------------------------------------
def test_an_input_saved_as_gb18030_is_read_with_a_warning_and_decides_as_the_utf8_one(tmp_path):
    doc = tmp_path / "application.yaml"
    doc.write_bytes(RECOGNITION.read_text(encoding="utf-8").encode("gb18030"))
    r = run("eval", "--format", "json", doc, env={"WQPOLICY_LANG": "both"})
    same = run("eval", "--format", "json", RECOGNITION)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["outputs"] == json.loads(same.stdout)["outputs"]
    assert r.stderr.startswith(f"{doc}:1:1: warning[WQ-FILE]: 文件按 GB18030 编码读取（建议另存为 UTF-8）\n")
    assert "read as GB18030" in r.stderr and "save it as UTF-8" in r.stderr


def test_standard_input_in_gb18030_is_read_with_a_warning():
    r = run("eval", "-", input=RECOGNITION.read_text(encoding="utf-8").encode("gb18030"))
    assert (
        r.exit_code == 0
        and "<stdin>:1:1: warning[WQ-FILE]" in r.stderr
        and "Outcome: Eligible for recognition" in r.stdout
    )


def test_a_policy_file_saved_as_gb18030_checks_with_a_warning(tmp_path):
    folder = policy_copy(tmp_path, with_revision=False)
    trial = folder / "2021-trial.yaml"
    trial.write_bytes(trial.read_text(encoding="utf-8").encode("gb18030"))
    r = run("check", folder, env={"WQPOLICY_LANG": "zh"})
    assert r.exit_code == 0, r.stdout
    assert f"{trial}:1:1: warning[WQ-FILE]: 文件按 GB18030 编码读取（建议另存为 UTF-8）" in r.stdout
    assert r.stdout.endswith("0 个错误，1 个警告，检查了 1 个政策版本\n")
    assert run("eval", "--policy", trial, RECOGNITION).exit_code == 0


def test_a_case_file_saved_as_gb18030_runs_with_a_warning(tmp_path):
    case = tmp_path / "case.yaml"
    source = ROOT / "tests" / "cases" / "recognition" / "baseline_fully_eligible.yaml"
    case.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    r = run("test", case)
    assert r.exit_code == 0 and r.stdout == f"{FILES}1 passed, 0 failed\n"
    assert f"{case}:1:1: warning[WQ-FILE]" in r.stderr


@pytest.mark.parametrize(
    "data",
    [
        b"decision: filing\nnote: caf\xe9\n",  # Latin-1: 0xE9 then a line end is no GB18030 either
        b"decision: filing\nnote: {name: caf\xe9}\n",  # GB18030 reads `caf閩`: a rare character, not Chinese text
        "decision: filing\n".encode("utf-16"),
        b"decision: filing\nnote: \x81\x30\x81\x30\x00\n",  # decodes, but to a control character
    ],
    ids=["latin-1", "latin-1 read as a rare character", "utf-16", "control character"],
)
def test_a_file_neither_utf8_nor_plainly_gb18030_is_refused_by_name(tmp_path, data):
    doc = tmp_path / "application.yaml"
    doc.write_bytes(data)
    r = run("eval", doc, env={"WQPOLICY_LANG": "zh"})
    assert r.exit_code == 1
    [first] = [line for line in r.stderr.splitlines() if "error[" in line]
    assert first.startswith(f"{doc}:") and "error[WQ-FILE]: 文件不是 UTF-8 编码" in first
    assert first.endswith("（请另存为 UTF-8：在记事本或 WPS 中选择“另存为”，编码选 UTF-8）")


def test_gb18030_is_taken_only_when_utf8_fails():
    assert decode_text("甲".encode(), "a") == "甲"
    notes: list = []
    assert decode_text("甲".encode("gb18030"), "a", notes) == "甲" and [d.severity for d in notes] == ["warning"]
    with pytest.raises(WQError):
        decode_text(b"\xff\xfe\x00", "a")


# -- byte-order marks and CRLF --------------------------------------------------------------------------------------
def test_a_policy_file_with_a_bom_and_crlf_line_ends_checks_clean(tmp_path):
    folder = policy_copy(tmp_path, with_revision=False)
    trial = folder / "2021-trial.yaml"
    trial.write_bytes(b"\xef\xbb\xbf" + trial.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    r = run("check", folder)
    assert (r.exit_code, r.stdout) == (0, f"Policy files: {trial}\n0 errors, 0 warnings (1 policy version checked)\n")


def test_an_error_in_a_crlf_policy_file_is_at_the_same_line_and_column(tmp_path):
    folder = policy_copy(tmp_path, with_revision=False)
    trial = folder / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8").replace(
        "condition: rd_intensity >= min_rd_intensity", "condition: rd_intensty >= min_rd_intensity", 1
    )
    trial.write_text(text, encoding="utf-8")
    lf = run("check", folder).stdout.splitlines()[1]  # after the files line
    trial.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    crlf = run("check", folder).stdout
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "rd_intensty" in t)
    assert lf.startswith(f"{trial}:{line}:20: error[WQ-NAME]")
    assert crlf.splitlines()[1] == lf and "\r" not in crlf


def test_an_input_with_a_bom_and_crlf_decides_alike_and_places_its_errors_alike(tmp_path):
    doc = tmp_path / "application.yaml"
    doc.write_bytes(b"\xef\xbb\xbf" + RECOGNITION.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    assert run("eval", "--format", "json", doc).stdout.replace(str(doc), "X") == run(
        "eval", "--format", "json", RECOGNITION
    ).stdout.replace(str(RECOGNITION), "X")
    bad = RECOGNITION.read_text(encoding="utf-8").replace("amount: 900000}", "amount: -5}")
    doc.write_bytes(b"\xef\xbb\xbf" + bad.replace("\n", "\r\n").encode())
    where = [line for line in run("eval", doc).stderr.splitlines() if "error[" in line]
    doc.write_text(bad, encoding="utf-8")
    assert where == [line for line in run("eval", doc).stderr.splitlines() if "error[" in line]
    line = next(n for n, t in enumerate(bad.splitlines(), 1) if "amount: -5}" in t)
    assert len(where) == 1 and where[0].startswith(f"{doc}:{line}:")


def test_a_json_input_with_a_bom_and_crlf_is_read(tmp_path):
    doc = tmp_path / "application.json"
    data = json.dumps({"decision": "filing", "platform": {"industry": "biomedicine"}}, indent=1)
    doc.write_bytes(b"\xef\xbb\xbf" + data.replace("\n", "\r\n").encode())
    document, _ = load_input(doc)
    assert document["platform"] == {"industry": "biomedicine"}


def test_a_case_file_with_a_bom_and_crlf_passes(tmp_path):
    source = ROOT / "tests" / "cases" / "recognition" / "baseline_fully_eligible.yaml"
    case = tmp_path / "case.yaml"
    case.write_bytes(b"\xef\xbb\xbf" + source.read_text(encoding="utf-8").replace("\n", "\r\n").encode())
    assert run("test", case).stdout == f"{FILES}1 passed, 0 failed\n"


def test_a_source_document_saved_as_gb18030_is_read_with_a_warning_at_its_key(tmp_path):
    folder = policy_copy(tmp_path, with_revision=False)
    guide = folder / "guideline.zh.md"
    guide.write_bytes(guide.read_text(encoding="utf-8").encode("gb18030"))
    r = run("check", folder)
    assert r.exit_code == 0
    [warning] = [line for line in r.stdout.splitlines() if "warning[" in line]
    assert warning.startswith(f"{folder / '2021-trial.yaml'}:") and "source document `guideline.zh.md`" in warning


def test_the_bundled_policy_file_is_utf8_without_a_bom():
    data = POLICY_FILE.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    data.decode("utf-8")
