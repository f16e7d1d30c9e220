"""Blame goes to the file that caused it: an error that a revision introduces is reported at the revision's own
line, with the line it inherits from its base as a related note; paths are shown as the user gave them. Before, a
duplicate rule id or a type error that a revision's parameter caused was reported at the base's line (in the
installed package's copy), where the officer cannot mend it."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from wqpolicy.cli import main
from wqpolicy.loader import Library

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "policies" / "wuqing-five-platforms"
HEAD = "id: wuqing-five-platforms\nversion: 2022-rev\nextends: 2021-trial\neffective_from: 2022-01-01\n"
DUPLICATE = """\
decisions:
  filing:
    rules:
      recognition.investment:
        clause: "3.2.3"
        label: {zh: 投资额, en: Investment}
        condition: "true"
        message: {zh: 不足, en: Too low}
"""


def base_line(text: str) -> int:
    return next(
        n
        for n, line in enumerate((BUNDLED / "2021-trial.yaml").read_text(encoding="utf-8").splitlines(), 1)
        if text in line
    )


def check(tmp_path: Path, body: str):
    path = tmp_path / "2022-rev.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    errors, _ = Library.over_bundled([path]).check([path])
    return path, errors


def test_a_rule_id_a_revision_repeats_is_reported_at_the_revision_line(tmp_path):
    """`filing` comes before `recognition`, so the revision's rule was met first and the base's line blamed."""
    path, errors = check(tmp_path, DUPLICATE)
    [d] = errors
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("WQ-DUPLICATE", str(path), 8, 7)
    assert (d.subject, d.decision) == ("recognition.investment", "filing")
    assert d.message == "rule id `recognition.investment` is also defined in decision `recognition`"
    [note] = d.related
    assert (Path(note.span.file).name, note.span.line) == ("2021-trial.yaml", base_line("recognition.investment:"))


def test_a_type_error_a_changed_parameter_causes_is_reported_at_the_revision_parameter(tmp_path):
    path, errors = check(tmp_path, "parameters:\n  min_rd_intensity: {value: high, type: string}\n")
    [d] = errors
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("WQ-TYPE", str(path), 6, 3)
    assert (d.subject, d.decision) == ("recognition.rd_intensity", "recognition")
    [note] = d.related
    assert (Path(note.span.file).name, note.span.line) == (
        "2021-trial.yaml",
        base_line("condition: rd_intensity >= min_rd_intensity"),
    )
    assert d.hint.startswith("2022-rev changes parameter `min_rd_intensity` here")


def test_a_type_error_through_a_definition_is_traced_to_the_parameter_it_reads(tmp_path):
    """`eligible_investment` is a definition over `other_cost_cap_ratio`; the rule reads the definition."""
    path, errors = check(tmp_path, "parameters:\n  other_cost_cap_ratio: {value: some, type: string}\n")
    assert errors and {(d.span.file, d.span.line, d.span.col) for d in errors} == {(str(path), 6, 3)}
    assert all(Path(r.span.file).name == "2021-trial.yaml" for d in errors for r in d.related)


def test_paths_are_shown_as_the_user_gave_them(tmp_path, monkeypatch):
    shutil.copytree(BUNDLED, tmp_path / "policy", ignore=shutil.ignore_patterns("wqpolicy.lock.json"))  # a draft
    (tmp_path / "policy" / "2021-trial.yaml").write_text(
        (BUNDLED / "2021-trial.yaml")
        .read_text(encoding="utf-8")
        .replace("effective_from: 2021-01-01\n", "effective_from: 2021-01-01\neffective_until: 2021-12-31\n", 1),
        encoding="utf-8",
    )
    (tmp_path / "policy" / "2022-rev.yaml").write_text(HEAD + DUPLICATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "policy/2022-rev.yaml"], env={"WQPOLICY_LANG": "en"})
    assert result.exit_code == 1
    assert result.output.splitlines()[1].startswith("policy/2022-rev.yaml:8:7: error[WQ-DUPLICATE]")
    assert (
        f"\n  policy/2021-trial.yaml:{base_line('recognition.investment:') + 1}:7: note: the other is here"
        in result.output
    )
    assert str(tmp_path) not in result.output and "site-packages" not in result.output


def test_an_error_no_edit_explains_stays_at_the_inherited_line_and_says_so(tmp_path):
    from wqpolicy.blame import blame_revision
    from wqpolicy.errors import Diagnostic
    from wqpolicy.source import Span
    from wqpolicy.yamlload import Marks

    d = Diagnostic("WQ-NAME", "unknown name `x`", Span("base.yaml", 3, 4), subject="r", decision="d")
    [out] = blame_revision([d], "rev.yaml", Marks(), Marks(), {}, "2022", "2021")
    assert (out.span, out.related) == (d.span, ())
    assert out.hint == "this line is inherited from 2021 by 2022"
