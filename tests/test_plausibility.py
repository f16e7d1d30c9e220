"""Plausibility (issue 14, item 4): each parameter has a kind and bounds (a ratio 0–100 %, money and counts not
below 0, or `min`/`max` as declared); a percentage written as a plain number is an error that says to write `70%`; a
revision's tenfold change, a new industry without subsectors, a clause id the guideline lacks and an inherited text
that still states a figure the revision changed are warnings naming both places; texts state values through
templates, which must render."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from wqpolicy.check_report import check_paths
from wqpolicy.display import fill
from wqpolicy.loader import load_policy
from wqpolicy.plausibility import bounds, figure_pattern, quoted, tenfold, value_findings

BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
HEAD = "id: wuqing-five-platforms\nversion: 2027-draft\nextends: 2021-trial\neffective_from: 2027-01-01\n"


def revision(tmp_path: Path, body: str, base: Path = BUNDLED) -> Path:
    """A revision beside a copy of ``base`` (its published version locked, as shipped)."""
    folder = tmp_path / "policy"
    shutil.copytree(base, folder)
    path = folder / "2027-draft.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def found(path: Path) -> list[tuple]:
    report = check_paths([path])
    return [(d.severity, d.code, d.subject, d.span.line) for d in report.errors + report.warnings]


def test_a_ratio_written_as_a_plain_number_is_an_error_that_says_to_write_it_with_a_percent_sign(tmp_path):
    """Before: `supply_subsidy_ratio: {value: 70}` was 7000 % and check was silent (only diff showed it)."""
    path = revision(tmp_path, "parameters:\n  supply_subsidy_ratio: {value: 70}\n")
    [d] = check_paths([path]).errors
    assert (d.code, d.subject, d.span.line, d.span.col) == ("WQ-VALUE", "supply_subsidy_ratio", 6, 33)
    assert d.hint.startswith("write `70%`") and d.hint_zh.startswith("请写 `70%`") and "7000%" in d.message


@pytest.mark.parametrize(
    "raw, value, kind, expected",
    [
        (70, Decimal(70), "ratio", "plain"),
        ("0.7", Decimal("0.7"), "ratio", None),  # a fraction of one: 70 %
        (1, Decimal(1), "ratio", None),  # 100 %
        ("150%", Decimal("1.5"), "ratio", "bounds"),
        ("-1%", Decimal("-0.01"), "ratio", "bounds"),
        ("-5", Decimal(-5), "money", "bounds"),
        ("-1", Decimal(-1), "integer", "bounds"),
        ("-1", Decimal(-1), "number", None),  # a plain number: no bounds of its kind
    ],
)
def test_values_against_the_bounds_of_their_kind(raw, value, kind, expected):
    low, high = bounds(kind, None)
    findings = value_findings(raw, value, kind, low, high)
    if expected is None:
        assert findings == []
    else:
        [f] = findings
        assert ("write" in f.hint) == (expected == "plain")


def test_declared_bounds_replace_those_of_the_kind_and_a_measure_is_not_below_zero(tmp_path):
    assert bounds("number", "m2") == (0, None)
    path = revision(
        tmp_path,
        "parameters:\n  min_partner_cases: {value: 12, min: 1, max: 10}\n"
        "  min_service_area_m2: {value: -5}\n  min_functions: {value: 3, max: abc}\n",
    )
    assert found(path) == [
        ("error", "WQ-VALUE", "min_partner_cases", 6),
        ("error", "WQ-VALUE", "min_service_area_m2", 7),
        ("error", "WQ-TYPE", "min_functions", 8),
    ]


def test_the_bundled_bounds_are_declared_and_hold():
    policy = load_policy("wuqing-five-platforms@2021-trial")
    reports = policy.model.parameters["required_quarterly_reports"]
    assert (reports.minimum, reports.maximum) == (0, 4)
    ratio = policy.model.parameters["supply_subsidy_ratio"]
    assert (ratio.minimum, ratio.maximum) == (0, 1)


def test_a_tenfold_change_is_a_warning_naming_the_old_and_the_new_value(tmp_path):
    path = revision(tmp_path, "parameters:\n  min_investment: {value: 10000万元}\n")
    [d] = check_paths([path]).warnings
    assert (d.code, d.subject, d.span.line) == ("WQ-VALUE", "min_investment", 6)
    assert "1000万元" in d.message and "10000万元" in d.message and "1000万元" in d.zh and "10000万元" in d.zh
    assert d.related[0].span.file.endswith("2021-trial.yaml")  # the other place: the value in the base
    assert tenfold(Decimal(100), Decimal(11)) is False and tenfold(Decimal(100), Decimal(10)) is True


def test_a_new_industry_without_subsectors_is_a_warning_naming_a_sibling_that_has_them(tmp_path):
    """Before: it passed check, and every applicant of that industry got "unknown, missing: —"."""
    path = revision(
        tmp_path,
        "parameters:\n  industries:\n    add:\n      low_altitude: {zh: 低空经济, en: Low-altitude economy, "
        'clause: "2.2"}\n',
    )
    warnings = check_paths([path]).warnings
    [d] = [w for w in warnings if "subsectors" in w.message and w.subject == "industries"][:1]
    assert (d.code, d.span.file, d.span.line) == ("WQ-VALUE", str(path), 8)
    assert d.zh and d.hint_zh and d.related[0].span.file.endswith("2021-trial.yaml")


def test_an_entrys_clause_that_the_guideline_lacks_is_a_warning_naming_the_guideline(tmp_path):
    path = revision(
        tmp_path,
        "parameters:\n  industries:\n    add:\n      low_altitude: {zh: 低空经济, en: Low-altitude economy, "
        'clause: "2.2.7", subsectors: [无人机]}\n',
    )
    [d] = [w for w in check_paths([path]).warnings if w.code == "WQ-CLAUSE"]
    assert (d.severity, d.span.file, d.span.line) == ("warning", str(path), 8)
    assert d.related[0].span.file.endswith("guideline.zh.md") and d.zh


def test_an_inherited_text_that_states_an_old_figure_is_a_warning_naming_both_places(tmp_path):
    """Before: texts saying "1000万", "3%", "六大产业" carried over unchanged into a revision that changed the figure,
    and check said nothing."""
    base = tmp_path / "base"
    shutil.copytree(BUNDLED, base, ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    trial = base / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8")
    trial.write_text(text.replace("includes {min_investment}\n", "includes 1000万\n", 1), encoding="utf-8")
    path = revision(tmp_path / "r", "parameters:\n  min_investment: {value: 800万元}\n", base=base)
    [d] = check_paths([path]).warnings
    assert (d.code, d.subject, d.span.file, d.span.line) == ("WQ-VALUE", "min_investment", str(path), 6)
    assert "`1000万`" in d.message and "parameters.min_investment.note" in d.message
    [where] = d.related
    assert where.span.file.endswith("2021-trial.yaml") and where.span.line == line_of(trial, "includes 1000万")


def test_six_industries_after_a_seventh_is_added_is_a_warning_on_the_texts_of_the_items_that_read_them(tmp_path):
    path = revision(
        tmp_path,
        "parameters:\n  industries:\n    add:\n      low_altitude: {zh: 低空经济, en: Low-altitude economy, "
        'clause: "2.2", subsectors: [无人机]}\n',
    )
    [d] = check_paths([path]).warnings
    assert d.subject == "industries" and "六大" in d.zh
    places = {(Path(r.span.file).name, r.span.line) for r in d.related}
    assert ("2021-trial.yaml", 43) in places  # the industries' own label; the rules that read them too
    assert any(line > 300 for _, line in places)
    assert "procedure_stages" not in d.message  # 认定程序六个环节 is six stages, not the six industries


def test_the_bundled_texts_say_values_through_templates_so_a_revision_carries_them(tmp_path):
    """With the bundled notes and labels templated, a revision that changes the figures they state gets no
    warning: each text shows the value in force."""
    body = "parameters:\n" + "".join(
        f"  {name}: {{value: {value}}}\n"
        for name, value in [
            ("min_investment", "800万元"),
            ("min_rd_intensity", "4%"),
            ("other_cost_cap_ratio", "5%"),
            ("demand_subsidy_cap_per_year", "150万元"),
            ("min_services_provided", "6"),
            ("min_partner_cases", "3"),
            ("min_functions", "3"),
        ]
    )
    assert found(revision(tmp_path, body)) == []


def test_every_template_in_the_bundled_policy_renders_with_the_values_in_force():
    policy = load_policy("wuqing-five-platforms@2021-trial").model
    values = {n: p.value for n, p in policy.parameters.items()}
    kinds = {n: p.kind for n, p in policy.parameters.items()}
    notes = [p.note for p in policy.parameters.values()] + [d.note for d in policy.definitions.values()]
    templated = [n for n in notes if n and "{" in n]
    assert len(templated) >= 7
    for note in templated:
        assert "{" not in fill(note, values, kinds), note
    assert policy.parameters["min_investment"].note.count("{min_investment}") == 1


def test_a_template_that_names_no_parameter_is_an_error_at_its_place(tmp_path):
    base = tmp_path / "base"
    shutil.copytree(BUNDLED, base, ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    trial = base / "2021-trial.yaml"
    text = trial.read_text(encoding="utf-8")
    trial.write_text(text.replace("includes {min_investment}\n", "includes {min_investmnet}\n", 1), encoding="utf-8")
    [d] = check_paths([trial]).errors
    assert (d.code, d.span.line, d.hint) == (
        "WQ-NAME",
        line_of(trial, "{min_investmnet}"),
        "did you mean `min_investment`?",
    )
    assert d.zh and d.hint_zh


def test_figures_are_found_as_texts_state_them_and_not_inside_other_numbers():
    money = figure_pattern(Decimal(10_000_000), "money")
    assert [bool(quoted(t, money)) for t in ("不低于1000万元", "10,000,000 yuan", "100000000", "{min_investment}")] == [
        True,
        True,
        False,
        False,
    ]
    ratio = figure_pattern(Decimal("0.03"), "ratio")
    assert [bool(quoted(t, ratio)) for t in ("exactly 3% passes", "13%", "3.2.3")] == [True, False, False]
    count = figure_pattern(dict.fromkeys("abcdef"), None)
    assert [bool(quoted(t, count)) for t in ("六大产业", "the six industries", "sixteen", "6个")] == [
        True,
        True,
        False,
        True,
    ]
