"""Staff wording pinned in golden files, one per message family (tests/golden/messages/<family>.txt): what each
command prints for a set of broken policies, inputs and cases — message, hint, source line, caret, the legend of
codes and the count — compared byte for byte, standard output and standard error apart. Any change of wording is
then a diff that someone reviews (click's own usage errors are left out: their wording is click's). After an
intended change, regenerate and read the diff before committing:

    WQPOLICY_UPDATE_GOLDEN=1 python -m pytest tests/test_message_wording.py
    git diff tests/golden/messages

Broken policies are the fixtures (tests/fixtures/invalid, timeline-bad) and copies of the frozen policy
(tests/fixtures/staff-errors) with the edits below; inputs, cases and diffs run under that frozen copy too, so the
bureau's edits of policies/ change no golden file. Commands run from the folder that holds the copies, so the
paths in the golden files are relative and the same on every machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, golden, run

FIXTURES = ROOT / "tests" / "fixtures"
STAFF = FIXTURES / "staff-errors"
RD = "condition: rd_intensity >= min_rd_intensity"  # the rule recognition.rd_intensity of the frozen policy
REVISION = """\
id: wuqing-five-platforms
version: 2023-revision
extends: 2021-trial
effective_from: 2022-01-01
parameters:
  min_rd_intensity: {value: 4%}
  eligible_categories: {remove: [design]}
  excluded_categories: {add: [design]}
  demand_subsidy_cap_per_year: {value: 150万元}
decisions:
  recognition:
    rules:
      recognition.filed:
        clause: "3.2.1"
"""


def scene(title: str, *args: object) -> str:
    """One command as the golden file shows it: what was run, its exit code, and what it printed on each stream."""
    r = run(*args, env={"WQPOLICY_LANG": "both"})  # the default: Chinese, English beside it
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    text = f"=== {title}\n$ wqpolicy {' '.join(map(str, args))}\nexit {r.exit_code}\n"
    for name, out in (("stdout", r.stdout), ("stderr", r.stderr)):
        if out:
            text += f"--- {name}\n{out}" + ("" if out.endswith("\n") else "\n[no newline at the end]\n")
    return text


def staff_copy(name: str, *edits: tuple[str, str], closed: bool = False) -> str:
    """A copy of the frozen policy in the working folder, each (old, new) edit made (old found exactly once);
    ``closed``: given the `effective_until` a revision beside it needs. Returns the folder's name."""
    folder = Path(name)
    shutil.copytree(STAFF, folder)
    path = folder / "2021-trial.yaml"
    text = path.read_text(encoding="utf-8")
    if closed:
        edits = (("effective_from: 2021-01-01", "effective_from: 2021-01-01\neffective_until: 2021-12-31"), *edits)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return name


def revision(name: str, *edits: tuple[str, str]) -> str:
    """REVISION, edited, beside a closed copy of the frozen policy; returns the revision file's path."""
    folder = staff_copy(name, closed=True)
    text = REVISION
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    Path(folder, "2023-revision.yaml").write_text(text, encoding="utf-8")
    return f"{folder}/2023-revision.yaml"


def fixture_scenes(*names: str) -> list[str]:
    return [scene(name, "check", f"invalid/{name}") for name in names]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The working folder: the fixtures linked in as `invalid`, `timeline-bad`, `cases`, `examples`."""
    for link, target in (
        ("invalid", FIXTURES / "invalid"),
        ("timeline-bad", FIXTURES / "timeline-bad"),
        ("cases", ROOT / "tests" / "cases"),
        ("examples", EXAMPLES),
        ("revision", FIXTURES / "revision"),
    ):
        (tmp_path / link).symlink_to(target, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_yaml_and_file_messages(here):
    scenes = fixture_scenes("yaml-alias", "yaml-duplicate-key", "yaml-malformed", "yaml-python-tag")
    for name, old, new in [
        ("full-width colon", "        condition: platform.filed\n", "        condition： platform.filed\n"),
        ("tab indentation", "    value: 20%\n    type: ratio\n", "    value: 20%\n\ttype: ratio\n"),
        ("key where a value belongs", "    value: 20%\n    type: ratio\n", "    value: 20%\n     type: ratio\n"),
        (
            "text with a colon in braces",
            "en: No revenue earned since operation began}",
            "en: Note: no revenue earned since operation began}",
        ),
        ("a tag for not", "condition: not equipment_intensive or", "condition: !equipment_intensive or"),
        ("quote not closed", '        clause: "3.2.1"\n', '        clause: "3.2.1\n'),
    ]:
        scenes.append(scene(name, "check", staff_copy(name.replace(" ", "-"), (old, new))))
    Path("latin1").mkdir()
    Path("latin1/policy.yaml").write_bytes(b"id: x\nversion: '1'\nnote: caf\xe9\n")
    Path("empty").mkdir()
    Path("empty/policy.yaml").write_text("", encoding="utf-8")
    Path("folder").mkdir()
    Path("folder/sub.yaml").mkdir()
    scenes += [
        scene("not UTF-8", "check", "latin1"),
        scene("empty file", "check", "empty"),
        scene("a folder named .yaml", "check", "folder"),
        scene("a folder without policies", "check", "examples"),
    ]
    golden("messages/yaml-file.txt", "\n".join(scenes))


def test_policy_schema_messages(here):
    scenes = fixture_scenes("schema-rule-without-condition", "schema-unknown-key", "outcome-without-otherwise")
    scenes.append(
        scene(
            "schema slips",
            "check",
            staff_copy(
                "schema",
                ("    expr: min(other_declared, other", "    expresion: min(other_declared, other"),
                (
                    "        severity: advise\n        label: {zh: 细分",
                    "        severity: required\n        label: {zh: 细分",
                ),
                (
                    "message: {zh: 须先符合入库备案条件并已入库, en: The platform must already be filed}",
                    "message: {zh: 须先符合入库备案条件并已入库}",
                ),
                ("rules_from: [filing]", "rules_from: filing"),
                ("        condition: platform.filed\n", "        condition:\n"),
            ),
        )
    )
    scenes.append(
        scene(
            "a date with slashes",
            "check",
            staff_copy("date", ("effective_from: 2021-01-01", "effective_from: 2021/1/1")),
        )
    )
    golden("messages/policy-schema.txt", "\n".join(scenes))


def test_expression_syntax_messages(here):
    scenes = fixture_scenes(
        "syntax-plain",
        "syntax-double-quoted",
        "syntax-single-quoted",
        "syntax-folded-block",
        "syntax-literal-block",
        "syntax-and-type-errors",
    )
    scenes.append(
        scene(
            "what a Chinese keyboard types",
            "check",
            staff_copy(
                "keyboard",
                (RD, "condition: rd_intensity ＞＝ min_rd_intensity"),
                ("partner_cases >= min_partner_cases", "partner_cases >= ２"),
                ("condition: eligible_investment >= min_investment", "condition: eligible_investment >= 1000 万元"),
                (
                    "condition: platform.plan.goals and platform.plan.schedule and platform.plan.safeguards",
                    "condition: platform.plan.goals 且 platform.plan.schedule",
                ),
                ("and platform.premises.research_team and", "and platform.premises.research_team ＆＆"),
                ('condition: result == "qualified"', "condition: result == “qualified”"),
            ),
        )
    )
    scenes.append(
        scene(
            "brackets, if, an end too early",
            "check",
            staff_copy(
                "shape",
                ("then 0 else equipment_investment / eligible_investment", "then 0"),
                ("len(distinct(platform.functions)) >=", "len(distinct(platform.functions) >="),
                (RD, "condition: rd_intensity >= 1,000万 and"),
            ),
        )
    )
    golden("messages/expression-syntax.txt", "\n".join(scenes))


def test_name_and_type_messages(here):
    scenes = fixture_scenes(
        "name-did-you-mean",
        "name-unknown-field",
        "arity",
        "cycle",
        "duplicate-rule-id",
        "type-if-branches",
        "type-number-and-bool",
        "type-string-vs-number",
        "several-type-errors",
        "clause-unknown",
        "clause-not-mapped",
        "clause-map-unknown-item",
        "parameter-value-empty",
        "parameter-value-mixed-items",
        "parameter-value-not-its-type",
        "parameter-value-unlike-entries",
    )
    outcomes = "- {otherwise: eligible}\n    outcomes:\n      eligible: {zh: 符合认定条件"
    scenes.append(
        scene(
            "names",
            "check",
            staff_copy(
                "names",
                (outcomes, outcomes.replace("otherwise: eligible", "otherwise: eligble")),
                ("低于 {min_rd_intensity}\n", "低于 {min_rd_intensty}\n"),
                ("        condition: platform.filed\n", "        condition: platform.filed == True\n"),
                ('condition: result == "qualified"', "condition: result == qualified"),
                ("else if as_of <= p.used_on + settlement_window then", "else if as_of <= 2021/1/1 then"),
            ),
        )
    )
    scenes.append(
        scene(
            "parameter values",
            "check",
            staff_copy(
                "values",
                ("value: 20%", "value: 20 %"),
                ("value: 1000万元", 'value: "1,000万元"'),
                ("value: 5\n    type: integer", "value: 5家次\n    type: integer"),
                ("value: [equipment_hardware, equipment_software]", "value: [equipment_hardware，equipment_software]"),
                ("value: [智能制造, 高端装备制造]", "value: [智能制造、高端装备制造]"),
                ("value: [biomedicine]", "value: biomedicine, 生物医药"),
            ),
        )
    )
    golden("messages/names-types.txt", "\n".join(scenes))


def test_revision_messages(here):
    scenes = [scene("the revision as it is", "check", revision("plain"))]
    for name, old, new in [
        ("full-width colon", "min_rd_intensity: {value", "min_rd_intensity：{value"),
        ("a value alone", "min_rd_intensity: {value: 4%}", "min_rd_intensity: 4%"),
        ("thousands separator", "{value: 150万元}", "{value: 1,500万元}"),
        ("a percentage in words", "{value: 4%}", "{value: 百分之四}"),
        ("Chinese comma in remove", "{remove: [design]}", "{remove: [design，installation]}"),
        ("clause read as a number", 'clause: "3.2.1"', "clause: 6.1"),
        (
            "indented too little",
            "  demand_subsidy_cap_per_year: {value: 150万元}",
            "  demand_subsidy_cap_per_year:\n  value: 150万元",
        ),
        (
            "edits of nothing",
            "  min_rd_intensity: {value: 4%}\n  eligible_categories: {remove: [design]}\n",
            "  min_rd_intensty: {value: 4%}\n  eligible_categories: {remove: [decoraton]}\n",
        ),
    ]:
        scenes.append(scene(name, "check", revision(name.replace(" ", "-"), (old, new))))
    scenes.append(
        scene(
            "a removal that breaks an inherited rule",
            "check",
            revision(
                "removal",
                (
                    "  demand_subsidy_cap_per_year: {value: 150万元}\n",
                    "  demand_subsidy_cap_per_year: {value: 150万元}\n  min_partner_cases: {remove: true}\n",
                ),
            ),
        )
    )
    scenes += [
        scene("overlapping versions", "check", "timeline-bad/overlap"),
        scene("a gap between versions", "check", "timeline-bad/gap"),
    ]
    golden("messages/revisions.txt", "\n".join(scenes))


def test_input_validation_messages(here):
    recognition = (EXAMPLES / "recognition.yaml").read_text(encoding="utf-8")
    documents = {
        "wrong.yaml": recognition.replace("amount: 900000}", "amount: -5}")
        .replace("amount: 312480.50}", "amount: 312480.505}")
        .replace("decision: recognition\n", "decision: recognition\nbogus: 1\n")
        .replace("year: 2022,", "year: two,"),
        "no-decision.yaml": "platform: {industry: biomedicine}\n",
        "misspelt.yaml": "decision: recogniton\n",
        "not-a-mapping.yaml": "- decision\n- filing\n",
        "nan.json": '{"decision": "demand_subsidy", "purchases": [{"service_fee": NaN}]}',
        "text-number.json": '{"decision": "demand_subsidy", "purchases": [{"service_fee": "100"}]}',
        "bad-date.yaml": "decision: demand_subsidy\nas_of: 2021-02-30\n",
    }
    frozen = staff_copy("frozen") + "/2021-trial.yaml"
    scenes = []
    for name, text in documents.items():
        Path(name).write_text(text, encoding="utf-8")
        scenes.append(scene(name, "eval", "--policy", frozen, name))
    scenes += [
        scene("a decision the policy lacks", "eval", "--policy", frozen, "--decision", "filng", "examples/filing.yaml"),
        scene("a policy that does not exist", "eval", "--policy", "nosuch", "examples/filing.yaml"),
        scene("an expression's input", "expr", "--policy", frozen, "eligible_investment", "not-a-mapping.yaml"),
    ]
    golden("messages/input-validation.txt", "\n".join(scenes))


def test_eval_test_and_diff_output(here):
    case = (ROOT / "tests" / "cases" / "demand_subsidy" / "cap_crossed_mid_purchase.yaml").read_text(encoding="utf-8")
    Path("failing.yaml").write_text(case.replace('cap_cut: "200000.00"', 'cap_cut: "200000.01"'), encoding="utf-8")
    Path("no-input.yaml").write_text(
        "description: a case whose input is missing\ninput_file: nope.yaml\nexpect: {outcome: eligible}\n",
        encoding="utf-8",
    )
    Path("typo.yaml").write_text(
        "description: a version misspelt\ninput_file: examples/filing.yaml\n"
        "expect: {outcome: eligible}\nexpect_by_version:\n  2021-trail: {outcome: refer}\n",
        encoding="utf-8",
    )
    base = staff_copy("base", closed=True)
    shutil.copy(FIXTURES / "revision" / "2022-hypothetical.yaml", base)
    frozen = f"{base}/2021-trial.yaml"
    scenes = [
        scene("waiting for the experts", "eval", "--policy", frozen, "examples/recognition_missing_review.yaml"),
        scene("per purchase", "eval", "--policy", frozen, "examples/demand_subsidy.yaml"),
        scene("a case that fails, with a suggestion", "test", "--policy", frozen, "--suggest", "failing.yaml"),
        scene("a case whose input is missing", "test", "--policy", frozen, "no-input.yaml"),
        scene("a misspelt version", "test", "--policy", frozen, "typo.yaml"),
        scene("the policy change in words", "diff", frozen, f"{base}/2022-hypothetical.yaml"),
        scene("and the cases it moves", "diff", frozen, f"{base}/2022-hypothetical.yaml", "--cases", "revision/cases"),
    ]
    golden("messages/eval-test-diff.txt", "\n".join(scenes))
