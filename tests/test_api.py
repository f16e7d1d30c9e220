"""The Python API as the bureau's developers call it: `import wqpolicy`, its public names documented with
examples that run (doctest), load_policy's ways of naming a version and a date, and one exception type."""

from __future__ import annotations

import datetime
import doctest
import inspect
import json
import pydoc
import shutil

import pytest
import yaml

import wqpolicy
from conftest import EXAMPLES, ROOT
from wqpolicy import expression, library, loader, parser, policy, record
from wqpolicy.inputs import load_input

POLICY_FILE = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"


@pytest.mark.parametrize(
    "module", [wqpolicy, loader, policy, library, record, parser, expression], ids=lambda m: m.__name__
)
def test_the_docstring_examples_run(module):
    found = doctest.testmod(module, extraglobs={"load_policy": wqpolicy.load_policy}, report=True)
    assert found.attempted > 0 and found.failed == 0


def test_all_lists_exactly_the_public_names_and_each_exists():
    assert sorted(wqpolicy.__all__) == sorted(
        n for n in vars(wqpolicy) if not n.startswith("_") and not inspect.ismodule(getattr(wqpolicy, n))
    )
    assert len(set(wqpolicy.__all__)) == len(wqpolicy.__all__)


@pytest.mark.parametrize("name", wqpolicy.__all__)
def test_every_public_name_has_a_docstring_with_an_example(name):
    obj = getattr(wqpolicy, name)
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    # Diagnostic, WQError and UNKNOWN are shown at work in the package's own docstring (help(wqpolicy))
    assert ">>>" in doc or f"wqpolicy.{name}" in wqpolicy.__doc__ or f".{name.lower()}" in wqpolicy.__doc__, name


PUBLIC_METHODS = [
    wqpolicy.load_policy,
    wqpolicy.Policy.evaluate,
    wqpolicy.Policy.validate,
    wqpolicy.Library.__init__,
    wqpolicy.Library.load,
    wqpolicy.Library.pick,
    wqpolicy.Library.versions,
    wqpolicy.Library.check,
    wqpolicy.DecisionRecord.rule,
    wqpolicy.DecisionRecord.output,
    wqpolicy.DecisionRecord.to_json,
    wqpolicy.DecisionRecord.rule_outcomes,
    wqpolicy.RuleResult.to_json,
]


@pytest.mark.parametrize("function", PUBLIC_METHODS, ids=lambda f: f.__qualname__)
def test_public_functions_have_type_hints_and_a_docstring(function):
    signature = inspect.signature(function)
    missing = [
        p.name for p in signature.parameters.values() if p.name != "self" and p.annotation is inspect.Parameter.empty
    ]
    assert not missing, f"{function.__qualname__}: parameters without a type hint: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty or function.__name__ == "__init__"
    assert inspect.getdoc(function)


def test_help_of_the_package_shows_the_api():
    text = pydoc.render_doc(wqpolicy, renderer=pydoc.plaintext)
    for name in ("load_policy", "evaluate", "to_json", "WQError", "diagnostics"):
        assert name in text


@pytest.mark.parametrize(
    "ref",
    [
        None,
        "wuqing-five-platforms",
        "wuqing-five-platforms@2021-trial",
        str(POLICY_FILE),
        POLICY_FILE,
        "policies/wuqing-five-platforms/2021-trial.yaml",
    ],
)
def test_load_policy_takes_nothing_an_id_an_id_at_version_or_a_file(ref, monkeypatch):
    monkeypatch.chdir(ROOT)
    policy = wqpolicy.load_policy(ref)
    assert (policy.id, policy.version) == ("wuqing-five-platforms", "2021-trial")
    assert isinstance(policy, wqpolicy.Policy)


@pytest.mark.parametrize("on", [datetime.date(2021, 6, 1), datetime.datetime(2021, 6, 1, 15, 30), "2021-06-01"])
def test_load_policy_takes_a_date_a_datetime_or_an_iso_string(on):
    assert wqpolicy.load_policy(on=on).version == "2021-trial"
    assert wqpolicy.load_policy("wuqing-five-platforms", on=on).version == "2021-trial"


@pytest.mark.parametrize("on", ["tomorrow", "2021-02-30", "2021-6-1", 20210601])
def test_a_date_that_is_not_one_is_a_wqerror(on):
    with pytest.raises(wqpolicy.WQError) as e:
        wqpolicy.load_policy(on=on)
    assert e.value.diagnostics[0].code == "WQ-VERSION" and "is not a date" in e.value.diagnostics[0].message


@pytest.mark.parametrize(
    "ref, on, code",
    [
        ("nosuch", None, "WQ-VERSION"),
        ("wuqing-five-platforms@nosuch", None, "WQ-VERSION"),
        ("wuqing-five-platforms@", None, "WQ-VERSION"),
        (None, datetime.date(2020, 1, 1), "WQ-VERSION"),
        ("nosuch.yaml", None, "WQ-FILE"),
        (str(EXAMPLES / "filing.yaml"), None, "WQ-FILE"),
    ],
)
def test_every_failure_to_load_is_a_wqerror_with_a_code(ref, on, code):
    with pytest.raises(wqpolicy.WQError) as e:
        wqpolicy.load_policy(ref, on=on)
    assert [d.code for d in e.value.diagnostics] == [code]


def test_a_broken_policy_raises_one_wqerror_with_every_problem_at_its_file_line_and_col(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = POLICY_FILE.read_text(encoding="utf-8").replace(
        "rd_intensity >= min_rd_intensity", "rd_intensty >= min_rd_intensity", 1
    )
    assert "rd_intensty" in text
    broken.write_text(text, encoding="utf-8")
    shutil.copy(POLICY_FILE.parent / "guideline.zh.md", tmp_path)
    with pytest.raises(wqpolicy.WQError) as e:
        wqpolicy.load_policy(broken)
    d = e.value.diagnostics[0]
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "rd_intensty" in row)
    assert (d.code, d.span.file, d.span.line) == ("WQ-NAME", str(broken), line)
    assert text.splitlines()[line - 1][d.span.col - 1 :].startswith("rd_intensty")
    assert "did you mean `rd_intensity`?" in d.render()


def test_evaluate_gives_a_record_whose_to_json_validates_and_input_errors_are_wqerrors():
    policy = wqpolicy.load_policy()
    doc = yaml.safe_load((EXAMPLES / "recognition.yaml").read_text(encoding="utf-8"))
    result = policy.evaluate(None, doc)
    assert isinstance(result, wqpolicy.DecisionRecord)
    assert (result.outcome, result.output("supply_subsidy_total")) == ("eligible", "3682950.00")
    assert isinstance(result.rule("recognition.rd_intensity"), wqpolicy.RuleResult)
    json.dumps(result.to_json(), ensure_ascii=False)
    for decision, document in [
        ("nosuch", doc),
        (None, {}),
        ("filing", []),
        (None, {"decision": 5}),
        ("recognition", {**doc, "staff": {"total": "120"}}),
    ]:
        with pytest.raises(wqpolicy.WQError) as e:
            policy.evaluate(decision, document)
        assert e.value.diagnostics and all(d.code == "WQ-INPUT" for d in e.value.diagnostics)


def test_a_document_from_yaml_safe_load_or_json_load_evaluates_as_the_cli_reads_it():
    """yaml.safe_load gives dates as datetime.date and json.load numbers as floats: both are taken as written."""
    policy = wqpolicy.load_policy()
    for name in ("annual_assessment", "demand_subsidy", "recognition"):
        path = EXAMPLES / f"{name}.yaml"
        from_yaml = yaml.safe_load(path.read_text(encoding="utf-8"))
        from_json = json.loads(json.dumps(from_yaml, default=str))
        doc, marks = load_input(path)  # the CLI's reading: exact decimals, dates as text
        want = policy.evaluate(None, doc, marks=marks).to_json()
        assert policy.evaluate(None, from_yaml).to_json() == want
        assert policy.evaluate(None, from_json).to_json() == want


def test_a_datetime_where_a_date_belongs_is_an_input_error_not_a_crash():
    doc = yaml.safe_load((EXAMPLES / "demand_subsidy.yaml").read_text(encoding="utf-8"))
    doc["as_of"] = datetime.datetime(2024, 3, 1, 9, 0)
    with pytest.raises(wqpolicy.WQError) as e:
        wqpolicy.load_policy().evaluate(None, doc)
    assert [d.code for d in e.value.diagnostics] == ["WQ-INPUT"]
    assert e.value.diagnostics[0].message.startswith("as_of:")


def test_validate_takes_the_decision_apart_from_the_document_as_evaluate_does():
    policy = wqpolicy.load_policy()
    assert policy.validate("filing", {"platform": {"industry": "biomedicine"}}) == []
    problems = policy.validate("filing", {"platform": {"industry": 5}})
    assert [d.code for d in problems] == ["WQ-INPUT"]


def _holding_itself() -> dict:
    doc = {"decision": "recognition", "platform": {}}
    doc["platform"]["platform"] = doc["platform"]
    return doc


def _deep() -> dict:
    doc = top = {"decision": "recognition"}
    for _ in range(5000):
        doc["x"] = {}
        doc = doc["x"]
    return top


@pytest.mark.parametrize(
    "document, message",
    [
        ({1: 2}, "(document): the key 1 is not text"),  # what yaml.safe_load gives for `1: 2`
        ({"platform": {None: 2}}, "platform: the key None is not text"),
        ({"platform": {"functions": {"rd_design"}}}, "platform.functions: a set is no JSON value"),
        ({"partner_cases": 1j}, "partner_cases: a complex is no JSON value"),
        (_holding_itself(), "platform.platform.platform."),
        (_deep(), "x.x.x.x."),
    ],
)
def test_a_document_that_is_no_json_document_is_an_input_error_not_a_traceback(document, message):
    """Before: TypeError from inside jsonschema, RecursionError from a document that holds itself or nests 5,000
    deep."""
    p = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    for call in (lambda: p.evaluate("recognition", document), lambda: p.validate("recognition", document)):
        try:
            found = call()
        except wqpolicy.WQError as e:
            found = e.diagnostics
        assert [d.code for d in found] == ["WQ-INPUT"] and found[0].message.startswith(message), found


def test_arguments_of_the_wrong_kind_say_what_is_wanted():
    p = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    with pytest.raises(wqpolicy.WQError, match=r"decision: \['x'\] is not the name of a decision"):
        p.validate(["x"], {})
    with pytest.raises(TypeError, match="ref must be an ID@VERSION, an ID or a policy file's path"):
        wqpolicy.load_policy(5)
    with pytest.raises(TypeError, match="paths must be folders or policy files"):
        wqpolicy.load_policy(paths=5)
    with pytest.raises(TypeError, match="marks must be the marks load_input gives, not dict"):
        p.evaluate("filing", {"partner_cases": -1}, marks={})


def test_a_policy_says_what_it_is_when_printed():
    assert repr(wqpolicy.load_policy("wuqing-five-platforms@2021-trial")) == (
        "<Policy wuqing-five-platforms@2021-trial: filing, recognition, annual_assessment, demand_subsidy>"
    )


def test_a_document_that_is_an_ordered_dict_or_any_mapping_type_is_evaluated():
    from collections import OrderedDict

    p = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    doc = OrderedDict(decision="filing", platform=OrderedDict(industry="biomedicine"))
    assert p.evaluate(None, doc).rule("filing.industry").outcome == "pass"
