"""Versions: choosing the version in force on a date, bad timelines, resolving a revision (`extends`),
and `wqpolicy show` marking each item own / inherited / changed / added / removed.

Fixtures: tests/fixtures/timeline (timeline-demo v1 2021, v2 2022-H1, v3 from 2022-07-01),
tests/fixtures/timeline-bad/{overlap,gap}, tests/fixtures/revision/2022-hypothetical.yaml.
"""

from __future__ import annotations

import datetime
import json
import shutil
from decimal import Decimal

import pytest
import yaml

from conftest import ROOT, policy_copy, run
from wqpolicy import show
from wqpolicy.errors import WQError
from wqpolicy.loader import Library, load_policy

FIXTURES = ROOT / "tests" / "fixtures"
TIMELINE = FIXTURES / "timeline"
REVISION = FIXTURES / "revision" / "2022-hypothetical.yaml"
BASE_REF = "wuqing-five-platforms@2021-trial"


@pytest.fixture(scope="module")
def timeline():
    return Library([TIMELINE])


@pytest.fixture(scope="module")
def base(bundled_policy):
    return bundled_policy


@pytest.fixture(scope="module")
def revision():
    return load_policy(str(REVISION))


# -- picking the version in force ---------------------------------------------------------------------
BOUNDARIES = [
    ("2021-01-01", "v1"),
    ("2021-12-31", "v1"),
    ("2022-01-01", "v2"),
    ("2022-06-30", "v2"),
    ("2022-07-01", "v3"),
    ("2999-12-31", "v3"),
]


@pytest.mark.parametrize("on, version", BOUNDARIES)
def test_pick_at_each_boundary(timeline, on, version):
    assert timeline.pick("timeline-demo", datetime.date.fromisoformat(on)) == ("timeline-demo", version)


def test_pick_before_the_first_version_is_a_version_error(timeline):
    with pytest.raises(WQError) as e:
        timeline.pick("timeline-demo", datetime.date(2020, 12, 31))
    assert [d.code for d in e.value.diagnostics] == ["WQ-VERSION"]
    assert "in force on 2020-12-31" in e.value.diagnostics[0].message


@pytest.mark.parametrize(
    "on, version, threshold, outcome",
    [
        ("2021-12-31", "v1", 1_000_000, "eligible"),
        ("2022-01-01", "v2", 2_000_000, "ineligible"),
        ("2022-07-01", "v3", 3_000_000, "ineligible"),
    ],
)
def test_load_policy_by_date_uses_that_versions_threshold(on, version, threshold, outcome):
    policy = load_policy("timeline-demo", on=datetime.date.fromisoformat(on), paths=[TIMELINE])
    assert policy.version == version
    assert policy.model.parameters["min_revenue"].value == threshold
    assert policy.evaluate(None, {"decision": "support", "revenue": 1_500_000}).outcome == outcome


def test_versions_resolve_extends_in_a_chain(timeline):
    versions = timeline.versions("timeline-demo")
    assert [(v.version, v.extends, str(v.effective_from), str(v.effective_until)) for v in versions] == [
        ("v1", None, "2021-01-01", "2021-12-31"),
        ("v2", "v1", "2022-01-01", "2022-06-30"),
        ("v3", "v2", "2022-07-01", "None"),
    ]
    v3 = timeline.build("timeline-demo", "v3")
    assert [r.id for r in v3.decisions["support"].rules] == ["support.revenue"]


@pytest.mark.parametrize("on, code", [("2020-12-31", 1), ("2021-01-01", 0), ("2099-01-01", 0)])
def test_cli_eval_on_picks_the_bundled_version_in_force(on, code):
    # `eval --policy ID --on DATE` searches the bundled policies only (no option to add a folder), so the
    # CLI date choice is tested on the bundled policy; timeline-demo is tested through Library/load_policy.
    result = run("eval", "--on", on, "--format", "json", ROOT / "examples" / "filing.yaml")
    assert result.exit_code == code, result.output
    if code:
        assert "WQ-VERSION" in result.output and "2020-12-31" in result.output
    else:
        assert json.loads(result.output)["policy"]["version"] == "2021-trial"


@pytest.mark.parametrize("version, outcome", [("v1", "eligible"), ("v2", "ineligible")])
def test_cli_eval_with_a_fixture_version_file(tmp_path, version, outcome):
    doc = tmp_path / "input.yaml"
    doc.write_text("decision: support\nrevenue: 1500000\n", encoding="utf-8")
    result = run("eval", "--policy", TIMELINE / f"{version}.yaml", "--format", "json", doc)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["policy"]["version"] == version and record["policy"]["id"] == "timeline-demo"
    assert record["outcome"] == outcome


def test_a_version_that_does_not_build_is_reported_not_passed_over(tmp_path):
    # Before: a revision with a schema error was left out of the timeline silently, so on a date in its range
    # `eval` said "no version … is in force" (or decided under an older version).
    folder = policy_copy(tmp_path)
    revision = folder / REVISION.name
    revision.write_text(
        revision.read_text(encoding="utf-8").replace("severity: advise", "severity: sometimes"), encoding="utf-8"
    )
    r = run("eval", "--policies", folder, "--on", "2022-06-01", ROOT / "examples" / "filing.yaml")
    assert r.exit_code == 1
    assert (
        f"{revision}:24:19: error[WQ-SCHEMA]: decisions.recognition.rules.recognition.partners_strong.severity: "
        "'sometimes' is not one of ['require', 'advise']"
    ) in r.output
    before = run("eval", "--policies", folder, "--on", "2021-06-01", ROOT / "examples" / "filing.yaml")
    assert before.exit_code == 0 and "wuqing-five-platforms@2021-trial · filing" in before.output


def test_test_under_the_timeline_builds_each_version_once(tmp_path):
    # Before: each case rebuilt every version to find the one in force (~30 ms a case: 5 s for tests/cases).
    from wqpolicy.loader import Library

    library = Library.over_bundled([policy_copy(tmp_path)])
    calls = []
    build = library._build
    library._build = lambda *a: calls.append(a) or build(*a)
    for _ in range(5):
        library.pick("wuqing-five-platforms")
        library.versions("wuqing-five-platforms")
    assert sorted(calls) == [("wuqing-five-platforms", "2021-trial"), ("wuqing-five-platforms", "2022-hypothetical")]


# -- bad timelines ------------------------------------------------------------------------------------
def test_good_timeline_checks_clean():
    result = run("check", TIMELINE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("0 errors, 0 warnings")  # after the files line


@pytest.mark.parametrize(
    "folder, message",
    [
        (
            "overlap",
            "timeline-overlap@b starts 2021-07-01 while timeline-overlap@a is still in force (until 2021-12-31)",
        ),
        ("gap", "no version of timeline-gap is in force from 2022-01-01 to 2022-02-28"),
    ],
)
def test_bad_timeline_gives_one_version_error(folder, message):
    path = FIXTURES / "timeline-bad" / folder
    errors, _ = Library([path]).check()
    assert [(d.code, d.message) for d in errors] == [("WQ-VERSION", message)]
    result = run("check", "--format", "json", path)
    assert result.exit_code == 1
    found = json.loads(result.output)["errors"]
    assert [(d["code"], d["message"]) for d in found] == [("WQ-VERSION", message)]
    assert found[0]["file"].endswith(f"timeline-bad/{folder}/b.yaml")
    if folder == "overlap":  # the date to write, not a sum to do
        assert errors[0].hint == "set `effective_until: 2021-06-30` in a, the day before b starts"


def test_declared_gap_is_accepted(tmp_path):
    for name in ("a.yaml", "b.yaml", "guideline.md", "input.schema.json"):
        text = (FIXTURES / "timeline-bad" / "gap" / name).read_text(encoding="utf-8")
        if name == "b.yaml":
            text += "gap_before: true\n"
        (tmp_path / name).write_text(text, encoding="utf-8")
    errors, _ = Library([tmp_path]).check()
    assert errors == []


# -- the hypothetical revision --------------------------------------------------------------------------
CHANGED_PARAMETERS = {
    "min_rd_intensity",
    "supply_subsidy_cap",
    "supply_subsidy_ratio",
    "industries",
    "eligible_categories",
    "excluded_categories",
}


def test_revision_checks_with_the_bundled_base():
    result = run("check", REVISION.parent)
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_one_corpus_of_cases_tests_the_base_and_the_revision_with_expectations_per_version(tmp_path):
    cases = FIXTURES / "revision" / "cases"
    for policy in (BASE_REF, REVISION):
        result = run("test", cases, "--policy", policy)
        assert (result.exit_code, result.output.splitlines()[1:]) == (0, ["5 passed, 0 failed"])  # after the files
    # `absent`: the revision removes recognition.satisfaction; under the base, the rule is there and fails `absent`
    case = tmp_path / "case.yaml"
    text = (cases / "recognition-rd-intensity.yaml").read_text(encoding="utf-8")
    case.write_text(
        text.replace("recognition.satisfaction: pass", "recognition.satisfaction: absent"), encoding="utf-8"
    )
    result = run("test", case, "--policy", BASE_REF)
    assert result.exit_code == 1
    assert "       rule recognition.satisfaction: expected absent, got pass\n" in result.output


def test_revision_resolves_with_exactly_the_named_parameter_changes(base, revision):
    old, new = base.model.parameters, revision.model.parameters
    assert set(old) == set(new)
    changed = {n for n in old if old[n].value != new[n].value}
    assert changed == CHANGED_PARAMETERS
    assert (old["min_rd_intensity"].value, new["min_rd_intensity"].value) == (Decimal("0.03"), Decimal("0.04"))
    assert (old["supply_subsidy_cap"].value, new["supply_subsidy_cap"].value) == (5_000_000, 6_000_000)
    assert (old["supply_subsidy_ratio"].value, new["supply_subsidy_ratio"].value) == (Decimal("0.3"), Decimal("0.35"))
    assert list(new["industries"].value) == list(old["industries"].value) + ["low_altitude"]
    added = new["industries"].value["low_altitude"]
    assert {k: added[k] for k in ("zh", "en", "subsectors")} == {
        "zh": "低空经济",
        "en": "Low-altitude economy",
        "subsectors": ["无人机"],
    }
    # literal_value turns the quoted clause "2.2" inside a parameter value into a number (engine quirk)
    assert str(added["clause"]) == "2.2"
    assert "decoration" in old["eligible_categories"].value and "decoration" not in new["eligible_categories"].value
    assert new["excluded_categories"].value == old["excluded_categories"].value + ["decoration"]
    for name in CHANGED_PARAMETERS:  # only the value moved: kind, clause, label and note are the base's
        assert (new[name].kind, new[name].clause, new[name].label, new[name].note) == (
            old[name].kind,
            old[name].clause,
            old[name].label,
            old[name].note,
        )


def _rules(model):
    return {r.id: (r.clause, r.severity, r.condition.text) for d in model.decisions.values() for r in d.rules}


def test_revision_adds_one_rule_and_removes_one(base, revision):
    old, new = _rules(base.model), _rules(revision.model)
    assert set(new) - set(old) == {"recognition.partners_strong"}
    assert set(old) - set(new) == {"recognition.satisfaction"}
    assert new["recognition.partners_strong"] == ("3.2.8", "advise", "partner_cases >= 3")
    assert {k: v for k, v in new.items() if k in old} == {k: v for k, v in old.items() if k in new}


def test_revision_leaves_definitions_outputs_and_other_clauses_alone(base, revision):
    old, new = base.model, revision.model
    assert {n: d.expr.text for n, d in old.definitions.items() if d.expr} == {
        n: d.expr.text for n, d in new.definitions.items() if d.expr
    }
    for name, decision in old.decisions.items():
        assert {o: x.expr.text for o, x in decision.outputs.items()} == {
            o: x.expr.text for o, x in new.decisions[name].outputs.items()
        }
        assert decision.input_path == new.decisions[name].input_path
    assert {c for c in old.clause_map if old.clause_map[c] != new.clause_map[c]} == {"3.2.6"}
    assert set(old.clause_map) == set(new.clause_map)


def test_revision_origin_records_exactly_its_edits(revision):
    assert revision.model.origin == {
        ("parameters", "min_rd_intensity"): "changed",
        ("parameters", "supply_subsidy_cap"): "changed",
        ("parameters", "supply_subsidy_ratio"): "changed",
        ("parameters", "industries"): "changed",
        ("parameters", "eligible_categories"): "changed",
        ("parameters", "excluded_categories"): "changed",
        ("decisions", "recognition", "rules", "recognition.satisfaction"): "removed",
        ("decisions", "recognition", "rules", "recognition.partners_strong"): "added",
        ("clause_map", "3.2.6"): "changed",
    }


def test_revision_evaluates_without_python_changes():
    result = run("eval", "--policy", REVISION, "--format", "json", ROOT / "examples" / "recognition.yaml")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["policy"]["version"] == "2022-hypothetical"
    rules = {r["id"]: r["outcome"] for r in record["rules"]}
    assert "recognition.satisfaction" not in rules and rules["recognition.partners_strong"] == "pass"
    # mean R&D intensity 3.67%: enough for 3%, not for the revision's 4%
    assert rules["recognition.rd_intensity"] == "fail" and record["outcome"] == "ineligible"
    # decoration (1,500,000) no longer counts: 12,276,500 - 1,500,000 + the smaller 3% allowance for `other`
    assert record["outputs"]["eligible_investment"] == "10731500.00"


# -- show ---------------------------------------------------------------------------------------------------
def _marks(model):
    return {i.path: i.status for i in show.items(model)}


def test_show_marks_the_revision_relative_to_its_base(revision):
    marks = _marks(revision.model)
    changed = {p for p, s in marks.items() if s == "changed"}
    added = {p for p, s in marks.items() if s == "added"}
    assert changed == {("parameters", n) for n in CHANGED_PARAMETERS} | {("clause_map", "3.2.6")}
    assert added == {("decisions", "recognition", "rules", "recognition.partners_strong")}
    assert set(marks.values()) == {"inherited", "changed", "added"}
    assert marks[("parameters", "min_investment")] == "inherited"
    assert marks[("decisions", "recognition", "outputs", "supply_subsidy_total")] == "inherited"
    assert marks[("definitions", "eligible_investment")] == "inherited"
    assert show.removed(revision.model) == ["decisions.recognition.rules.recognition.satisfaction"]


def test_show_marks_a_version_without_base_as_own(base):
    assert set(_marks(base.model).values()) == {"own"}
    assert show.removed(base.model) == []


def test_show_marks_a_chain_relative_to_the_direct_base(timeline):
    v3 = timeline.build("timeline-demo", "v3")
    assert _marks(v3) == {
        ("parameters", "min_revenue"): "changed",
        ("decisions", "support", "rules", "support.revenue"): "inherited",
        ("clause_map", "1"): "inherited",
        ("clause_map", "2"): "inherited",
    }


def test_show_cli_text(revision):
    result = run("show", REVISION, env={"WQPOLICY_LANG": "both"})
    assert result.exit_code == 0, result.output
    files, *lines = result.output.splitlines()  # the first line names the files read: the revision, then its base
    assert files.startswith("政策文件 Policy files: tests/fixtures/revision/2022-hypothetical.yaml ")
    assert lines[0].startswith("wuqing-five-platforms@2022-hypothetical — 假设的修订")
    assert "extends 2021-trial" in lines[1]
    assert any(line.split()[:4] == ["changed", "min_rd_intensity", "3.2.3", "4%"] for line in lines)
    assert any(line.split()[:4] == ["changed", "supply_subsidy_cap", "6.1.1", "6,000,000"] for line in lines)
    assert any(line.split()[:3] == ["added", "recognition.partners_strong", "3.2.8"] for line in lines)
    assert any(line.split()[:2] == ["inherited", "recognition.partners"] for line in lines)
    assert "  removed   decisions.recognition.rules.recognition.satisfaction" in lines
    assert lines[2] == "标记 marks: own 本版 · inherited 继承 · changed 修改 · added 新增 · removed 删除"
    assert any(
        line.startswith("  changed   min_rd_intensity ") and line.endswith(" 4%  · 近三年平均研发投入强度下限")
        for line in lines
    )
    assert "参数 Parameters (32)" in lines and "删除 Removed (1)" in lines
    base_out = run("show", BASE_REF).output
    assert "\n  inherited " not in base_out and "\n  own       min_rd_intensity" in base_out


def test_show_cli_yaml_is_the_resolved_document_with_marks(revision):
    result = run("show", REVISION, "--format", "yaml")
    assert result.exit_code == 0, result.output
    shown = yaml.safe_load(result.output)
    # the inherited files are named relative to the revision's folder, as a copy saved beside it needs them
    assert shown["source"]["document"] == "../../../policies/wuqing-five-platforms/guideline.zh.md"
    assert (
        shown["decisions"]["recognition"]["input"]
        == "../../../policies/wuqing-five-platforms/inputs/application.schema.json"
    )
    shown["source"]["document"] = str((REVISION.parent / shown["source"]["document"]).resolve())
    for d in shown["decisions"].values():
        d["input"] = str((REVISION.parent / d["input"]).resolve())
    assert shown == revision.model.raw
    assert "  min_rd_intensity:  # changed\n    value: 4%\n" in result.output
    assert "      recognition.partners_strong:  # added\n" in result.output
    assert "      recognition.partners:  # inherited\n" in result.output
    assert "# removed: decisions.recognition.rules.recognition.satisfaction" in result.output


def test_show_cli_json(revision):
    result = run("show", "--format", "json", REVISION)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["policy"]["extends"] == "2021-trial"
    statuses = {i["path"]: i["status"] for i in data["items"]}
    assert statuses["parameters.supply_subsidy_ratio"] == "changed"
    assert statuses["decisions.recognition.rules.recognition.partners_strong"] == "added"
    assert statuses["decisions.filing.rules.filing.industry"] == "inherited"
    assert data["removed"] == ["decisions.recognition.rules.recognition.satisfaction"]
    labels = {i["path"]: i["label"] for i in data["items"]}
    assert labels["parameters.min_rd_intensity"]["zh"] == "近三年平均研发投入强度下限"
    assert labels["clause_map.3.2.6"] is None
    assert data["document"]["parameters"]["min_rd_intensity"]["value"] == "4%"


def test_show_cli_unknown_ref_is_an_error():
    result = run("show", "wuqing-five-platforms@1999")
    assert result.exit_code == 1
    assert "WQ-VERSION" in result.output


def test_a_long_line_of_revisions_is_resolved_once_each_without_recursion(tmp_path, monkeypatch):
    """Each revision used to resolve its whole chain again (n squared overlays: 400 revisions took over a minute),
    recursively; and `eval --on` built every version to choose one."""
    from wqpolicy import versions

    calls = []
    real = versions.apply
    monkeypatch.setattr(versions, "apply", lambda *a: calls.append(a[-1]) or real(*a))
    n = 150
    for i in range(1, n + 1):
        base = "2021-trial" if i == 1 else f"r{i - 1:03}"
        day = datetime.date(2022, 1, 1) + datetime.timedelta(days=i)
        until = f"effective_until: {day.isoformat()}\n" if i < n else ""
        (tmp_path / f"r{i:03}.yaml").write_text(
            f"id: wuqing-five-platforms\nversion: r{i:03}\nextends: {base}\neffective_from: {day.isoformat()}\n"
            f"{until}parameters:\n  min_partner_cases: {{value: {i}}}\n",
            encoding="utf-8",
        )
    library = Library.over_bundled([tmp_path])
    assert library.pick("wuqing-five-platforms", on=datetime.date(2030, 1, 1)) == ("wuqing-five-platforms", f"r{n}")
    assert len(calls) == n  # the newest built: every overlay once, none built twice
    assert library.build("wuqing-five-platforms", f"r{n}").parameters["min_partner_cases"].value == n
    library.build("wuqing-five-platforms", "r075")
    assert len(calls) == n


def test_show_lines_up_a_chinese_name_by_the_columns_it_takes(tmp_path):
    from wqpolicy.display import columns

    path = tmp_path / "rev.yaml"
    path.write_text(
        "id: wuqing-five-platforms\nversion: r1\nextends: 2021-trial\neffective_from: 2022-01-01\n"
        'definitions:\n  人均投入: {expr: staff.total, clause: "3.2.4"}\n',
        encoding="utf-8",
    )
    out = run("show", path).output.splitlines()
    (chinese,) = [line for line in out if "人均投入" in line]
    (ascii_,) = [line for line in out if line.startswith("  inherited eligible_declared ")]
    assert columns(chinese[: chinese.index(" 3.2.4 ")]) == columns(ascii_[: ascii_.index(" 6.3.1 ")])


def test_suggest_gives_the_entry_that_makes_a_case_pass_under_a_revision(tmp_path):
    """The officer's step after a revision: each failing case gets the `expect_by_version` entry it lacks, to
    check by hand; added as it is, the case passes under the revision (and still under the base)."""
    case = tmp_path / "case.yaml"
    shutil.copy(ROOT / "tests" / "cases" / "recognition" / "baseline_fully_eligible.yaml", case)
    r = run("test", case, "--policy", REVISION, "--suggest")
    assert r.exit_code == 1
    lines = r.output.splitlines()
    start = lines.index("       suggested (check it by hand before adding it to the case):") + 1
    block = [line[9:] for line in lines[start:] if line.startswith("         ")]
    assert block[:4] == [
        "expect_by_version:",
        "  2022-hypothetical:",
        "    outcome: ineligible",
        "    rules: {recognition.rd_intensity: fail, recognition.satisfaction: absent}",
    ]
    case.write_text(case.read_text(encoding="utf-8") + "\n".join(block) + "\n", encoding="utf-8")
    assert run("test", case, "--policy", REVISION).output.splitlines()[1:] == ["1 passed, 0 failed"]
    assert run("test", case, "--policy", BASE_REF).output.splitlines()[1:] == ["1 passed, 0 failed"]
