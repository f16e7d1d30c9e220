"""An officer who reads Chinese never meets an English-only message: every broken policy, case and input the tests
know — the fixtures, the staff-error scenes of the golden wording files, the hostile files — run with `--lang zh`
gives diagnostics each worded in Chinese; `--lang`, WQPOLICY_LANG and the default (Chinese, English beside it)."""

from __future__ import annotations

import re

import pytest
import test_message_wording as wording
from test_message_wording import here  # noqa: F401 - the golden scenes' working folder, a fixture

from conftest import ROOT, run
from hostile import INPUT_TEXTS, POLICY, POLICY_TEXTS, policy_folder

FIXTURES = ROOT / "tests" / "fixtures"
HAN = re.compile(r"[\u4e00-\u9fff]")
# A diagnostic's first line (`file:line:col: error[WQ-…]: …`, or without a place) and a related place's note.
DIAGNOSTIC = re.compile(r"^(?:\S.*: )?(?:error|warning)\[WQ-[A-Z-]+\]: |^  \S.*: note: ")
ZH = {"WQPOLICY_LANG": "zh"}


def diagnostic_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if DIAGNOSTIC.match(line)]


def english_only(text: str) -> list[str]:
    """The diagnostic lines of ``text`` that hold no Chinese."""
    return [line for line in diagnostic_lines(text) if not HAN.search(line)]


def test_a_diagnostic_line_without_chinese_is_found():
    text = (
        "a.yaml:1:2: error[WQ-NAME]: unknown name `x`\n"
        "b.yaml:3:4: warning[WQ-TYPE]: 类型不符\n"
        "  c.yaml:1:1: note: here\n"
    )
    assert english_only(text) == ["a.yaml:1:2: error[WQ-NAME]: unknown name `x`", "  c.yaml:1:1: note: here"]


@pytest.mark.parametrize("folder", sorted(p.name for p in (FIXTURES / "invalid").iterdir()))
def test_every_broken_fixture_is_reported_in_chinese(folder):
    r = run("--lang", "zh", "check", FIXTURES / "invalid" / folder)
    assert r.exit_code == 1
    assert diagnostic_lines(r.stdout), r.stdout
    assert english_only(r.stdout) == []


@pytest.mark.parametrize("folder", ["gap", "overlap"])
def test_a_broken_timeline_is_reported_in_chinese(folder):
    r = run("check", FIXTURES / "timeline-bad" / folder, env=ZH)
    assert r.exit_code == 1 and diagnostic_lines(r.stdout)
    assert english_only(r.stdout) == []


@pytest.mark.parametrize("case", POLICY_TEXTS)
def test_a_hostile_policy_file_is_reported_in_chinese(tmp_path, case):
    path = policy_folder(tmp_path, POLICY_TEXTS[case])
    r = run("check", path, env=ZH)
    assert r.exit_code == 1 and diagnostic_lines(r.stdout)
    assert english_only(r.stdout) == []


@pytest.mark.parametrize("case", INPUT_TEXTS)
def test_a_hostile_input_is_reported_in_chinese(tmp_path, case):
    path = policy_folder(tmp_path, POLICY)
    doc = tmp_path / ("input.json" if INPUT_TEXTS[case].startswith("{") else "input.yaml")
    doc.write_text(INPUT_TEXTS[case], encoding="utf-8")
    r = run("eval", "--policy", path, doc, env=ZH)
    assert r.exit_code == 1 and diagnostic_lines(r.stderr)
    assert english_only(r.stderr) == []


SCENES = [
    wording.test_yaml_and_file_messages,
    wording.test_policy_schema_messages,
    wording.test_expression_syntax_messages,
    wording.test_name_and_type_messages,
    wording.test_revision_messages,
    wording.test_input_validation_messages,
    wording.test_eval_test_and_diff_output,
]


@pytest.mark.parametrize("scenes", SCENES, ids=lambda f: f.__name__.removeprefix("test_"))
def test_every_staff_error_scene_is_worded_in_chinese(scenes, here, monkeypatch):  # noqa: F811 - the fixture
    """The scenes of the golden wording files (tests/test_message_wording.py) run again with `--lang zh`."""
    printed: list[str] = []
    monkeypatch.setattr(wording, "run", lambda *args, env=None: run(*args, env=ZH))
    monkeypatch.setattr(wording, "golden", lambda name, text: printed.append(text))
    scenes(here)
    [text] = printed
    assert diagnostic_lines(text), text
    assert english_only(text) == []


def test_lang_chooses_the_words_and_the_default_is_both(tmp_path):
    folder = FIXTURES / "invalid" / "name-did-you-mean"
    both = run("check", folder, env={"WQPOLICY_LANG": ""}).stdout
    zh, en = run("--lang", "zh", "check", folder).stdout, run("--lang", "en", "check", folder).stdout
    assert "未知的名称 `rd_intensty`（您是否想写 `rd_intensity`？）" in zh and "unknown name" not in zh
    assert "unknown name `rd_intensty` (did you mean `rd_intensity`?)" in en and not HAN.search(en)
    assert both.splitlines()[1:3] == [  # after the files line
        zh.splitlines()[1],
        "    unknown name `rd_intensty` (did you mean `rd_intensity`?)",
    ]
    assert run("check", folder, env=ZH).stdout == zh
    assert run("--lang", "en", "check", folder, env=ZH).stdout == en  # the option wins over the environment


@pytest.mark.parametrize("how", [("--lang", "fr"), ("--lang", "")])
def test_a_language_that_is_none_of_the_three_is_a_usage_error_in_both_languages(how):
    r = run(*how, "check", env={"WQPOLICY_LANG": ""})
    assert r.exit_code == 2
    assert (
        "不是可选的语言" in r.stderr
        and "is not a language: write zh (Chinese only), en (English only) or both" in r.stderr
    )


def test_an_unknown_language_in_the_environment_is_a_usage_error_too():
    r = run("check", env={"WQPOLICY_LANG": "klingon"})
    assert r.exit_code == 2 and "不是可选的语言" in r.stderr and "'klingon' is not a language" in r.stderr


def test_the_reports_speak_the_language_chosen():
    recognition = ROOT / "examples" / "recognition_missing_review.yaml"
    zh = run("--lang", "zh", "eval", recognition).stdout
    en = run("--lang", "en", "eval", recognition).stdout
    both = run("eval", recognition, env={"WQPOLICY_LANG": "both"}).stdout
    # the notice's text: its title, then the outcome line, in the language chosen
    assert "补正通知" in zh.splitlines() and "Request for evidence" in en.splitlines()
    assert "结论：材料不全或待专家评审  [needs_review]" in zh.splitlines()
    assert "Outcome: Needs review (missing evidence or expert judgement)  [needs_review]" in en.splitlines()
    assert (
        "结论 Outcome: 材料不全或待专家评审 / Needs review (missing evidence or expert judgement) [needs_review]"
        in " ".join(both.split())
    )
    assert "待补材料：专家评审意见：技术设备水平与服务规范" in zh and "Missing: Expert review: equipment" in en
    assert "Outcome" not in zh and "read:" not in zh and "结论" not in en and "读取" not in en
    for command in (["list"], ["show", "wuqing-five-platforms@2021-trial"], ["test", ROOT / "tests/cases/filing"]):
        assert HAN.search(run("--lang", "zh", *command).stdout.splitlines()[-1]), command
    assert run("--lang", "zh", "test", ROOT / "tests/cases/filing").stdout.endswith("个通过，0 个未通过\n")
