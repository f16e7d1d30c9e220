"""A revision's edit that finds nothing to edit in its base is an error placed where the revision wrote it, with
the likely name: a misspelt parameter, rule or decision, an item to remove that is not there, `add`/`remove` of
the wrong shape. Before, each of these passed `wqpolicy check` as a silent no-op (or a traceback)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import POLICY_FILE, run
from wqpolicy import load_policy
from wqpolicy.errors import WQError
from wqpolicy.loader import Library

HEAD = """\
id: wuqing-five-platforms
version: 2022-edits
extends: 2021-trial
title: {zh: 测试修订, en: test revision}
effective_from: 2022-01-01
"""


def findings(tmp_path: Path, body: str) -> list[tuple]:
    """(line:col, severity, code, message + hint) of `check` on a revision of the bundled policy."""
    path = tmp_path / "revision.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    errors, warnings = Library.over_bundled([path]).check(only=[path])
    return [
        (f"{d.span.line}:{d.span.col}", d.severity, d.code, d.message + (f" ({d.hint})" if d.hint else ""))
        for d in sorted(errors + warnings, key=lambda d: (d.span.line, d.span.col))
    ]


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "parameters:\n  min_rd_intensty: {value: 4%}\n",
            (
                "7:3",
                "error",
                "WQ-NAME",
                "parameter `min_rd_intensty` is not in 2021-trial: nothing to change (a new "
                "parameter needs `value`, `clause`) (did you mean `min_rd_intensity`?)",
            ),
        ),
        (
            "parameters:\n  eligible_categories: {remove: [decoraton]}\n",
            (
                "7:34",
                "error",
                "WQ-NAME",
                "`decoraton` is not in parameter `eligible_categories` of 2021-trial: nothing "
                "to remove (did you mean `decoration`?)",
            ),
        ),
        (
            "parameters:\n  industries: {remove: [intelligent_tec]}\n",
            (
                "7:25",
                "error",
                "WQ-NAME",
                "`intelligent_tec` is not in parameter `industries` of 2021-trial: nothing to "
                "remove (did you mean `intelligent_tech`?)",
            ),
        ),
        (
            "parameters:\n  excluded_categories: {remove: decoration}\n",
            (
                "7:33",
                "error",
                "WQ-SCHEMA",
                "`remove` of parameter `excluded_categories` takes a list of the items to "
                "remove (write `remove: [decoration]`)",
            ),
        ),
        (
            "parameters:\n  industries: {add: [low_altitude]}\n",
            (
                "7:21",
                "error",
                "WQ-SCHEMA",
                "`add` of parameter `industries` takes a mapping of new entries "
                "(`key: value`), as its value is a mapping",
            ),
        ),
        (
            "parameters:\n  min_rd_intensity: {add: [5%]}\n",
            (
                "7:3",
                "error",
                "WQ-TYPE",
                "`add`, `remove` and `change` edit a list or a mapping; parameter "
                "`min_rd_intensity` is neither (give the new `value` instead)",
            ),
        ),
        (
            "decisions:\n  recognition:\n    rules:\n      recognition.satisfacton: {remove: true}\n",
            (
                "9:7",
                "error",
                "WQ-NAME",
                "rule `recognition.satisfacton` is not in 2021-trial: nothing to remove "
                "(did you mean `recognition.satisfaction`?)",
            ),
        ),
        (
            "decisions:\n  recogniton:\n    rules:\n      recognition.satisfaction: {remove: true}\n",
            (
                "7:3",
                "error",
                "WQ-NAME",
                "decision `recogniton` is not in 2021-trial: nothing to change (a new decision "
                "needs `input`, `outcome`) (did you mean `recognition`?)",
            ),
        ),
        (
            "decisions:\n  recognition:\n    rules:\n      recognition.satisfacton: {severity: advise}\n",
            (
                "9:7",
                "error",
                "WQ-NAME",
                "rule `recognition.satisfacton` is not in 2021-trial: nothing to change (a new "
                "rule needs `clause`, `label`, `condition`, `message`) (did you mean `recognition.satisfaction`?)",
            ),
        ),
        (
            "parameters:\n  eligible_categories: {add: [design]}\n",
            (
                "7:31",
                "warning",
                "WQ-NAME",
                "`design` is already in parameter `eligible_categories`; adding it again changes nothing",
            ),
        ),
    ],
)
def test_an_edit_of_nothing_is_reported_in_the_revision(tmp_path, body, expected):
    assert findings(tmp_path, body) == [expected]


def test_all_edits_of_nothing_are_reported_at_once(tmp_path):
    body = """\
        parameters:
          min_rd_intensty: {value: 4%}
          eligible_categories: {remove: [decoraton]}
        decisions:
          recognition:
            rules:
              recognition.satisfacton: {remove: true}
        """
    assert [f[0] for f in findings(tmp_path, body)] == ["7:3", "8:34", "12:7"]


def test_real_edits_still_apply_and_a_new_parameter_with_value_and_clause_is_added(tmp_path):
    body = """\
        parameters:
          eligible_categories: {remove: [decoration]}
          excluded_categories: {add: [decoration]}
          industries:
            add:
              low_altitude: {zh: 低空经济, en: Low-altitude economy, clause: "2.2", subsectors: [无人机]}
          min_drones: {value: 3, type: integer, clause: "2.2"}
        decisions:
          recognition:
            rules:
              recognition.satisfaction: {remove: true}
        clause_map:
          "3.2.6": [recognition.track_record, min_services_provided]
        """
    # one warning: the inherited texts that say 六大产业 (six industries) while there are now seven
    assert [f[:3] for f in findings(tmp_path, body)] == [("9:3", "warning", "WQ-VALUE")]
    policy = load_policy(str(tmp_path / "revision.yaml"))
    parameters = policy.model.parameters
    assert "decoration" not in parameters["eligible_categories"].value
    assert parameters["excluded_categories"].value[-1] == "decoration"
    assert parameters["industries"].value["low_altitude"]["subsectors"] == ["无人机"]
    assert parameters["min_drones"].value == 3
    assert "recognition.satisfaction" not in {r.id for r in policy.model.decisions["recognition"].rules}


def test_adding_an_existing_mapping_key_replaces_its_entry_with_a_warning(tmp_path):
    body = """\
        parameters:
          industries:
            add:
              intelligent_tech: {zh: 智能科技, en: Intelligent technology, clause: "2.2", subsectors: [机器人]}
        """
    [(where, severity, code, message)] = findings(tmp_path, body)
    assert (where, severity, code) == ("9:7", "warning", "WQ-NAME")
    assert message == "`intelligent_tech` is already in parameter `industries`; `add` replaces its entry"
    policy = load_policy(str(tmp_path / "revision.yaml"))
    assert policy.model.parameters["industries"].value["intelligent_tech"]["subsectors"] == ["机器人"]


def test_a_new_parameter_must_cite_a_clause(tmp_path):
    body = "parameters:\n  min_drones: {value: 3, type: integer}\n"
    assert findings(tmp_path, body) == [
        (
            "7:3",
            "error",
            "WQ-NAME",
            "parameter `min_drones` is not in 2021-trial: "
            "nothing to change (a new parameter needs `value`, `clause`) "
            "(did you mean `min_rd_intensity`?)",
        )
    ]


def test_check_prints_what_each_code_means_in_chinese_and_english_then_the_summary(tmp_path):
    path = tmp_path / "revision.yaml"
    path.write_text(HEAD + "parameters:\n  min_rd_intensty: {value: 4%}\n", encoding="utf-8")
    r = run("check", path)
    assert r.exit_code == 1
    assert r.stdout.splitlines()[-3:] == [
        "What the codes mean:",
        "  WQ-NAME  a name is not defined",
        "1 error, 0 warnings (1 policy version checked)",
    ]
    r = run("check", path, env={"WQPOLICY_LANG": "both"})
    assert r.stdout.splitlines()[-3:] == [
        "代码说明 What the codes mean:",
        "  WQ-NAME  名称未定义或找不到要修改的项：检查拼写，提示中给出了最接近的名称 / a name is not defined",
        "1 个错误，0 个警告，检查了 1 个政策版本 · 1 error, 0 warnings (1 policy version checked)",
    ]


def inherited_findings(tmp_path: Path, body: str) -> list[tuple]:
    """(place, message, hint, related places) of `check`'s errors on a revision of the bundled policy, each place
    as file name:line:col."""
    path = tmp_path / "revision.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    errors, _ = Library.over_bundled([path]).check(only=[path])
    return [(_place(d.span), d.message, d.hint, [_place(r.span) for r in d.related]) for d in errors]


def _place(span) -> str:
    return f"{Path(span.file).name}:{span.line}:{span.col}"


def _bundled_line(text: str) -> int:
    lines = (
        (Path(__file__).resolve().parents[1] / "policies" / "wuqing-five-platforms" / "2021-trial.yaml")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_removal_that_breaks_an_inherited_line_is_blamed_on_the_revision_not_a_did_you_mean(tmp_path):
    found = inherited_findings(
        tmp_path, "decisions:\n  recognition:\n    rules:\n      recognition.satisfaction: {remove: true}\n"
    )
    line = _bundled_line('"3.2.6": [')
    assert [(f[0], f[1], f[2], [r.split(":")[:2] for r in f[3]]) for f in found] == [
        (
            "revision.yaml:9:7",
            "clause 3.2.6 maps to `recognition.satisfaction`, which is not a parameter, "
            "definition, rule, output, decision or metadata item",
            "2022-edits removes rule `recognition.satisfaction` here, but what it inherits from 2021-trial "
            "(noted below) still names it: restate those items in 2022-edits without it",
            [["2021-trial.yaml", str(line)]],
        )
    ]


def test_a_removed_parameter_still_read_by_inherited_rules_names_the_revision_at_each_place(tmp_path):
    found = inherited_findings(tmp_path, "parameters:\n  min_partner_cases: {remove: true}\n")
    assert len(found) >= 3 and all(f[0] == "revision.yaml:7:3" for f in found)
    assert {f[2] for f in found} == {
        "2022-edits removes parameter `min_partner_cases` here, but what it inherits from 2021-trial (noted below) "
        "still names it: restate those items in 2022-edits without it"
    }
    assert any(f[1] == "unknown name `min_partner_cases`" for f in found)
    # each inherited line that names it is a related place: the rule's label and condition, the clause map
    related = {r.rsplit(":", 1)[0] for f in found for r in f[3]}
    assert related == {
        f"2021-trial.yaml:{_bundled_line(text)}"
        for text in (
            "condition: partner_cases >= min_partner_cases",
            '"3.2.8": [',
            'label: {zh: "合作伙伴成功案例{min_partner_cases}',
        )
    }


def test_a_changed_condition_that_no_longer_fits_the_inherited_message_is_blamed_on_the_changed_rule(tmp_path):
    found = inherited_findings(
        tmp_path,
        "decisions:\n  recognition:\n    rules:\n      recognition.partners: {condition: partner_cases >= 3}\n",
    )
    assert found and {(f[0], f[2]) for f in found} == {
        (
            "revision.yaml:9:7",
            "2022-edits changes rule `recognition.partners` here, and its part inherited from "
            "2021-trial (noted below) no longer fits it: restate that part in 2022-edits too",
        )
    }
    assert all(f[1].startswith("`{min_partner_cases}` cannot be filled in") for f in found)
    assert all(r.startswith("2021-trial.yaml:") for f in found for r in f[3])


def test_change_edits_one_entry_of_a_mapping_in_place_and_the_diff_names_only_what_changed(tmp_path):
    """One subsector added to an industry without restating the industry (it used to take remove and re-add)."""
    from wqpolicy.diff import policy_changes

    path = tmp_path / "revision.yaml"
    path.write_text(
        HEAD + "parameters:\n  industries:\n    change:\n"
        "      intelligent_tech: {subsectors: {add: [低空经济], remove: [网络传媒]}, en: Smart tech}\n",
        encoding="utf-8",
    )
    old, new = load_policy("wuqing-five-platforms@2021-trial"), load_policy(str(path))
    before = old.model.parameters["industries"].value["intelligent_tech"]
    after = new.model.parameters["industries"].value["intelligent_tech"]
    assert after["subsectors"] == [s for s in before["subsectors"] if s != "网络传媒"] + ["低空经济"]
    assert (after["en"], after["zh"]) == ("Smart tech", before["zh"])
    assert list(new.model.parameters["industries"].value) == list(old.model.parameters["industries"].value)
    assert (
        new.evaluate("filing", {"platform": {"industry": "intelligent_tech", "subsector": "低空经济"}})
        .rule("filing.subsector")
        .outcome
        == "pass"
    )
    assert [c.message for c in policy_changes(old.model, new.model) if c.kind != "policy.changed"] == [
        "parameter industries (2.2): changed intelligent_tech (智能科技): en: Intelligent technology → Smart tech, "
        "subsectors: added 低空经济; removed 网络传媒"
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            "intelligent_tec: {subsectors: {add: [低空经济]}}",
            (
                "9:7",
                "error",
                "WQ-NAME",
                "`intelligent_tec` is not in parameter `industries` of 2021-trial: nothing to "
                "change (did you mean `intelligent_tech`?)",
            ),
        ),
        (
            "intelligent_tech: {subsectors: {remove: [网络媒体]}}",
            (
                "9:48",
                "error",
                "WQ-NAME",
                "`网络媒体` is not in parameter `industries.intelligent_tech.subsectors` of "
                "2021-trial: nothing to remove (did you mean `网络传媒`?)",
            ),
        ),
        (
            "intelligent_tech: [低空经济]",
            (
                "9:25",
                "error",
                "WQ-SCHEMA",
                "`change` of `intelligent_tech` in parameter `industries` takes a mapping of the fields to change",
            ),
        ),
    ],
)
def test_a_change_that_finds_nothing_to_change_is_reported_where_the_revision_wrote_it(tmp_path, change, expected):
    assert findings(tmp_path, f"parameters:\n  industries:\n    change:\n      {change}\n") == [expected]


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            'parameters:\n  partner_cases: {value: 99, clause: "3.2.8"}\n',
            (
                "7:3",
                "error",
                "WQ-DUPLICATE",
                "parameter `partner_cases` has the name of a field of a decision's input "
                "(each named as a related place): expressions would read the parameter in its place (give it another "
                "name)",
            ),
        ),
        (
            'definitions:\n  outcome: {expr: "\\"eligible\\"", clause: "3.2.1"}\n',
            (
                "7:3",
                "error",
                "WQ-DUPLICATE",
                "definition `outcome` has the name of the decision's `outcome`, which outputs "
                "and outcome steps read: expressions would read the definition in its place (give it another name)",
            ),
        ),
        (
            'decisions:\n  recognition:\n    definitions:\n      service_area_m2: {expr: "5000", clause: "3.2.3"}\n',
            (
                "9:7",
                "error",
                "WQ-DUPLICATE",
                "definition `service_area_m2` has the name of a field of the input of "
                "decision `recognition`: expressions would read the definition in its place (give it another name)",
            ),
        ),
    ],
)
def test_a_name_that_would_hide_an_input_field_or_the_outcome_is_an_error(tmp_path, body, expected):
    """Before, each passed `check` and silently replaced the applicant's value (a parameter `partner_cases: 99`
    decided every application on 99)."""
    assert findings(tmp_path, body) == [expected]


def test_a_list_parameter_a_revision_writes_as_one_text_is_an_error_where_in_reads_it(tmp_path):
    """`x in 高端装备制造` would look for a part of the text: subsector 制造 would count as equipment-intensive."""
    found = inherited_findings(tmp_path, "parameters:\n  equipment_intensive_subsectors: {value: 高端装备制造}\n")
    line = _bundled_line("in equipment_intensive_subsectors")
    assert [(f[0], f[1], [r.split(":")[:2] for r in f[3]]) for f in found] == [
        (
            "revision.yaml:7:3",
            "`equipment_intensive_subsectors` is one text, `高端装备制造`, so `in` looks for a part "
            "of it, not for an item",
            [["2021-trial.yaml", str(line)]],
        )
    ]
    assert found[0][2] == (
        "2022-edits changes parameter `equipment_intensive_subsectors` here, and what it inherits "
        "from 2021-trial (noted below) reads it: write its value as a list, [高端装备制造], or "
        "declare `type: string` if a part of the text is meant"
    )


def test_a_misspelt_field_under_change_is_an_error_not_new_data(tmp_path):
    found = findings(
        tmp_path,
        "parameters:\n  industries:\n    change:\n      intelligent_tech:\n        subsector: {add: [低空经济]}\n",
    )
    assert found == [
        (
            "10:9",
            "error",
            "WQ-NAME",
            "`intelligent_tech` in parameter `industries` has no field "
            "`subsector`: nothing to change (did you mean `subsectors`?)",
        )
    ]


def test_an_item_added_under_change_is_placed_in_the_revision_and_its_hint_said_once(tmp_path):
    found = findings(
        tmp_path,
        "parameters:\n  industries:\n    change:\n      intelligent_tech:\n"
        "        subsectors: {add: [低空经济，无人机]}\n",
    )
    assert [(f[0], f[1]) for f in found] == [("10:28", "warning")]
    assert found[0][3].count("to list 2 items") == 1 and "inherited" not in found[0][3]


def test_extends_written_as_a_number_that_goes_round_is_an_error_not_a_hang(tmp_path):
    """`extends: 2021` is read as a number; the circle test compared it with text versions and never matched."""
    (tmp_path / "a.yaml").write_text(
        'id: p\nversion: a\nextends: "2021"\neffective_from: 2022-01-01\n', encoding="utf-8"
    )
    (tmp_path / "base.yaml").write_text(
        'id: p\nversion: "2021"\nextends: 2021\neffective_from: 2021-01-01\n', encoding="utf-8"
    )
    with pytest.raises(WQError) as e:
        Library([tmp_path]).build("p", "a")
    assert [d.message for d in e.value.diagnostics] == ["`extends` goes round in a circle: a → 2021 → 2021"]


def test_a_base_found_in_two_given_folders_is_an_error_for_its_revisions_too(tmp_path):
    text = POLICY_FILE
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "2021-trial.yaml").write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b" / "rev.yaml").write_text(HEAD, encoding="utf-8")
    with pytest.raises(WQError) as e:
        Library([tmp_path / "a", tmp_path / "b"]).load("wuqing-five-platforms", "2022-edits")
    assert [d.code for d in e.value.diagnostics] == ["WQ-DUPLICATE"]


def test_an_edit_in_a_file_that_extends_nothing_is_an_error_not_passed_over(tmp_path):
    base = POLICY_FILE.parent
    text = (
        (base / "2021-trial.yaml")
        .read_text(encoding="utf-8")
        .replace("  excluded_categories:\n", "  excluded_categories:\n    add: [testing_fees]\n", 1)
    )
    (tmp_path / "2021-trial.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "guideline.zh.md").write_text((base / "guideline.zh.md").read_text(encoding="utf-8"), encoding="utf-8")
    errors, _ = Library([tmp_path]).check()
    assert [(d.code, d.message) for d in errors] == [
        (
            "WQ-SCHEMA",
            "parameter `excluded_categories`: `add` edits the version a revision extends, and this file extends none",
        )
    ]
