"""The command line: thin click commands over the Python API. Exit codes: 0 ok, 1 findings, 2 usage."""
from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

import click

from .cases import load_cases, run_case, suggestion
from .errors import Diagnostic, WQError, did_you_mean, legend
from .inputs import load_input
from .loader import Library, is_policy_file, load_policy
from .report import json_report, jsonl_report, text_report
from .schemas import data_dir
from .source import Span
from .words import ERROR
from .yamlload import MAX_BYTES, decode_text, read_text


class _Date(click.ParamType):
    """A calendar date written YYYY-MM-DD (ISO 8601): `2021-02-30` and `tomorrow` are usage errors that say so."""

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:  # click 8.1 passes no ctx, 8.2 does
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        text = str(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError as e:  # 2021-02-30: the right shape, but no such day
                self.fail(f"{text!r} is not a date: {e}", param, ctx)
        self.fail(f"{text!r} is not a date written YYYY-MM-DD (e.g. 2021-06-01)", param, ctx)


DATE = _Date()


def _stdin_text() -> str:
    """Standard input as text, with the same limits and UTF-8 check as a file."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(MAX_BYTES + 1) if stream is not None else sys.stdin.read(MAX_BYTES + 1).encode("utf-8")
    return decode_text(data, "<stdin>")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _render(diagnostics, err=True) -> None:
    texts: dict = {}
    for d in diagnostics:
        text = None
        if d.span is not None:
            if d.span.file not in texts:
                try:  # the source line under the message; read_text refuses huge and special files
                    texts[d.span.file] = read_text(d.span.file) if Path(d.span.file).is_file() else None
                except (WQError, OSError, ValueError):  # a name too long for the system, or with a NUL in it
                    texts[d.span.file] = None
            text = texts[d.span.file]
        click.echo(d.render(text), err=err)


def _fail(e: WQError):
    _render(e.diagnostics)
    raise click.exceptions.Exit(1)


def _policies_option(f):
    return click.option("--policies", "policy_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
                        metavar="DIR", help="Also look for policies in DIR (repeatable); the bundled ones stay.")(f)


def _paths(policy_dirs) -> list[Path]:
    return [Path(p) for p in policy_dirs]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="wqpolicy")
def main():
    """wqpolicy: versioned YAML policies, an exact evaluator that explains itself.

    Exit codes: 0 done (no errors, no failing cases), 1 errors or failing cases, 2 a malformed command line.
    Each command's --help has examples, to be run from the repository root.

    \b
    Examples:
      wqpolicy check                              # check the bundled policies
      wqpolicy eval examples/recognition.yaml     # decide one application
      wqpolicy test tests/cases                   # run the case files
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: {\"errors\": [...], \"warnings\": [...]}, each with code, severity, message, "
              "file, line, col and hint where known.")
def check(paths, fmt):
    """Check policy files: YAML, schema, expressions, names, types, cycles, clauses, versions.

    With no PATH, checks the bundled policies. Every problem is reported as file:line:col.
    Exit 0 when there are no errors (warnings allowed), 1 when there are.

    \b
    Examples:
      wqpolicy check policies/
      wqpolicy check policies/wuqing-five-platforms/2021-trial.yaml
    """
    roots = [Path(p) for p in paths] or [data_dir("policies")]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATH")
    library = Library.over_bundled(roots)  # bases named by `extends` may be bundled ones
    errors, warnings = library.check(only=roots)
    held = {r: [pf for v in library.files.values() for pf in v.values()
                if pf.path.resolve() == r.resolve() or r.resolve() in pf.path.resolve().parents] for r in roots}
    errors += [Diagnostic("WQ-FILE", "no policy files here (a policy file starts with `id:` and `version:`)",
                          Span(str(r), 1, 1), "give the folder of the policy files, or a policy file")
               for r, found in held.items() if not found and not any(_under_path(d, r) for d in errors)]
    if fmt == "json":
        click.echo(json.dumps({"errors": [d.to_json() for d in errors],
                               "warnings": [d.to_json() for d in warnings]}, ensure_ascii=False, indent=2))
    else:
        _render(errors + warnings, err=False)
        if errors or warnings:
            click.echo("代码说明 What the codes mean:\n" + "\n".join(legend(errors + warnings)))
        count = len({pf.path for found in held.values() for pf in found})
        click.echo(f"{len(errors)} 个错误，{len(warnings)} 个警告，检查了 {count} 个政策版本 · "
                   f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')} "
                   f"({_count(count, 'policy version')} checked)")
    if errors:
        raise click.exceptions.Exit(1)


@main.command(name="eval")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--policy", "policy_ref", metavar="ID[@VERSION]|FILE",
              help="Policy to use (default: the bundled policy in force on --on).")
@click.option("--on", type=DATE, help="Evaluation date: picks the version in force (default: today).")
@click.option("--decision", help="Decision name (default: the document's `decision:` field).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text for people; json: an object (one input) or an array; jsonl: one object per line.")
@_policies_option
def eval_(inputs, policy_ref, on, decision, fmt, policy_dirs):
    """Evaluate input documents (YAML or JSON; `-` reads standard input) under one policy.

    JSON output follows schemas/decision.schema.json: one object for one input, an array for several;
    jsonl gives one object per line. An input that cannot be read, parsed or validated is reported on standard
    error as file:line:col and left out; the other inputs are still evaluated and printed. Exit 0 when every
    input was evaluated, 1 when an input or the policy has errors (or --policy / --decision names nothing) or an
    evaluation faulted (outcome `error`, its faults also on standard error), 2 when the command line is malformed
    (an unknown --format, a --on that is not a YYYY-MM-DD date).

    \b
    Examples:
      wqpolicy eval examples/recognition.yaml
      wqpolicy eval --on 2021-06-01 --format json examples/*.yaml
      wqpolicy eval --decision filing --format jsonl - < examples/recognition.yaml
    """
    try:
        policy = load_policy(policy_ref, on=on, paths=_paths(policy_dirs))
    except WQError as e:
        _fail(e)
    if decision is not None and decision not in policy.decisions:  # one error about the option, not one per input
        _fail(WQError([Diagnostic("WQ-INPUT", f"--decision: policy {policy.model.ref} has no decision `{decision}`",
                                  hint=did_you_mean(decision, policy.decisions)
                                  or "decisions: " + ", ".join(policy.decisions))]))
    records, failed = [], []
    for name in inputs:
        try:
            if name == "-":
                doc, marks = load_input("<stdin>", _stdin_text())
            else:
                doc, marks = load_input(name)
            records.append(policy.evaluate(decision, doc, marks=marks, input_name=name if name != "-" else "<stdin>"))
        except WQError as e:
            failed.append(e)
    for e in failed:
        _render(e.diagnostics)
    faulted = [r for r in records if r.outcome == ERROR]  # fails closed: a fault is never an exit 0
    for r in faulted:
        _render(sorted(set(r.faults)))  # a fault several outputs share, once
    if fmt == "json":
        if records or len(inputs) > 1:  # one input that failed has no record: nothing on stdout, not `[]`
            click.echo(json_report(records, one=len(inputs) == 1), nl=False)
    elif fmt == "jsonl":
        click.echo(jsonl_report(records), nl=False)
    else:
        click.echo("\n".join(text_report(r) for r in records), nl=False)
    if failed or faulted:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--policy", "policy_ref", metavar="ID[@VERSION]|FILE",
              help="Run every case under this version (default: each case's own `version`, else the one in force).")
@click.option("--on", type=DATE, help="Date that picks the version in force (default: each case's `on`, else today).")
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that pass.")
@click.option("--suggest", is_flag=True, help="Under each failing case, the `expect_by_version` entry that would "
              "make it pass under that version, as evaluated: to check by hand, then add to the case file.")
@_policies_option
def test(paths, policy_ref, on, verbose, suggest, policy_dirs):
    """Run YAML case files and compare outcomes, rule outcomes and outputs with their expectations.

    PATHS are case files or folders of them (default: tests/cases). Prints a line per failing case (expected
    vs actual) and ends with `N passed, N failed`. Exit 1 when any case fails or cannot be read.

    \b
    Examples:
      wqpolicy test tests/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml tests/fixtures/revision/cases
      wqpolicy test --policy tests/fixtures/revision/2022-hypothetical.yaml --suggest tests/cases    # exit 1
    """
    if not paths and not Path("tests/cases").is_dir():
        raise click.UsageError("no PATHS given and no tests/cases folder here: give the case files or their folder")
    cases, problems = load_cases(paths or ["tests/cases"])
    _render(problems)
    library = fixed = None
    if policy_ref is not None:
        try:
            fixed = load_policy(policy_ref, on=on, paths=_paths(policy_dirs))
        except WQError as e:
            _fail(e)
    else:
        library = Library.over_bundled(_paths(policy_dirs))
    passed = failed = 0
    for case in cases:
        try:
            policy = fixed or _case_policy(library, case, on)
        except WQError as e:
            failed += 1
            click.echo(f"FAIL 未通过 {_case_problem(case, e.diagnostics[0], on)}")
            continue
        _render(_misspelt_versions(case, library.files.get(policy.id, {}) if library else {policy.version: None}))
        result = run_case(case, policy)
        if result.passed:
            passed += 1
            if verbose:
                click.echo(f"ok   {case.path} [{result.ref}]")
            continue
        failed += 1
        click.echo(f"FAIL 未通过 {case.path} [{result.ref}] — {case.description}")
        for what, want, got in result.mismatches:
            click.echo(f"       {what}: 应为 expected {_as_written(want)}, 实际 got {_as_written(got)}")
        if suggest:
            click.echo("       建议 suggested (check it by hand before adding it to the case):")
            click.echo("".join(f"         {line}\n" for line in suggestion(result, policy.version).splitlines()),
                       nl=False)
    failed += len({d.span.file if d.span else "" for d in problems})
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)


def _as_written(value) -> str:
    """An expected or actual value as a case file would write it: true, null, [1, 2], {"a": 1} (not Python's
    True, None, {'a': 1}); numbers and text as they are."""
    if isinstance(value, (bool, list, dict)) or value is None:
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _case_problem(case, d, on) -> str:
    """Why a case has no policy to run under, placed at what chose the version (the case's `version:`, `on:` or
    `policy:`), or where the policy itself is at fault."""
    span = d.span
    if span is None:
        key = "version" if case.version else "on" if case.on and not on else "policy"
        span = case.spans.get(key)
    text = d.message + (f" ({d.hint})" if d.hint else "")
    if span is not None and span.file == str(case.path):
        return f"{span}: {text}"
    return f"{case.path}: {span}: {text}" if span is not None else f"{case.path}: {text}"


def _under_path(d: Diagnostic, root: Path) -> bool:
    """Whether ``d`` is about a file at or under ``root`` (one that could not be read, say)."""
    if d.span is None:
        return False
    file = Path(d.span.file).absolute()
    return file == root.absolute() or root.absolute() in file.parents


def _misspelt_versions(case, versions) -> list[Diagnostic]:
    """Warnings for `expect_by_version` keys that name no known version but nearly name one: such expectations
    would never be compared. (A key for a version not loaded in this run is normal: one corpus serves several.)"""
    out = []
    for key in case.expect_by_version:
        close = did_you_mean(str(key), versions) if key not in versions else None
        if close:
            out.append(Diagnostic("WQ-CASE", f"expect_by_version: `{key}` is not a version of this policy, so its "
                                  "expectations are never compared", case.spans.get(("expect_by_version", key)),
                                  hint=close, severity="warning"))
    return out


def _case_policy(library: Library, case, on):
    ref = case.policy or (next(iter(library.files)) if len(library.files) == 1 else None)
    if case.version:
        return library.load(*library.pick(f"{ref}@{case.version}" if ref else None))
    return library.load(*library.pick(ref, on or case.on))


@main.command()
@click.argument("expression")
@click.argument("input_file", required=False, type=click.Path(allow_dash=True))
@click.option("--policy", "policy_ref", metavar="ID[@VERSION]|FILE", help="Policy (default: the one in force).")
@click.option("--on", type=DATE, help="Date that picks the version in force (default: today).")
@click.option("--decision", help="Decision whose scope to use (default: the input's `decision:`, else the first).")
@_policies_option
def expr(expression, input_file, policy_ref, on, decision, policy_dirs):
    """Evaluate one EXPRESSION with a policy's parameters and definitions, and an input's fields if given.

    For trying a rule before writing it, or asking what a definition comes to for one application.

    \b
    Examples:
      wqpolicy expr "supply_subsidy_cap / supply_subsidy_ratio"
      wqpolicy expr "eligible_investment" examples/recognition.yaml
      wqpolicy expr "rd_intensity >= min_rd_intensity" examples/recognition.yaml
    """
    from .expression import evaluate_in_decision
    from .display import display
    try:
        policy = load_policy(policy_ref, on=on, paths=_paths(policy_dirs))
        doc = marks = None
        file = "<stdin>" if input_file == "-" else input_file
        if input_file:
            doc, marks = load_input(file, _stdin_text()) if input_file == "-" else load_input(file)
        name = decision or (doc.get("decision") if isinstance(doc, dict) else None) or next(iter(policy.decisions))
        policy.decision(name, file)
        value, kind = evaluate_in_decision(policy, name, expression, doc, marks, file)
    except WQError as e:
        _fail(e)
    click.echo(f"{display(value)}    ({kind})")


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def lock(folder):
    """Record the policy versions in FOLDER (and their bases) as reviewed, in FOLDER/wqpolicy.lock.json.

    Afterwards `wqpolicy check` reports every item of a base that changes under a revision, and whether the
    revision inherits it (its meaning changed) or overrides it. Run it again once the revision is reviewed.
    Exit 1, writing nothing, when FOLDER holds no policy version or a version that does not load.

    \b
    Example:
      wqpolicy lock policies/wuqing-five-platforms
    """
    library = Library.over_bundled([Path(folder)])
    try:
        path = library.write_lock(Path(folder))
    except WQError as e:
        _fail(e)
    click.echo(f"wrote {path}")


@main.command(name="list")
@_policies_option
def list_(policy_dirs):
    """List the bundled policies: versions with their effective dates, and decisions.

    A version that does not load is listed as such, its errors are printed, and the exit is 1.

    \b
    Example:
      wqpolicy list
    """
    library = Library.over_bundled(_paths(policy_dirs))
    problems = []
    for policy_id in sorted(library.files):
        click.echo(policy_id)
        for v in library.versions(policy_id):
            until = v.effective_until.isoformat() if v.effective_until else "…"
            base = f"  (extends {v.extends})" if v.extends else ""
            click.echo(f"  {v.version:<20} {v.effective_from} → {until}{base}")
            title = f"{v.title.zh} / {v.title.en}" if v.title else ""
            if title:
                click.echo(f"    {title}")
            for name, d in v.decisions.items():
                label = f"{d.label.zh} / {d.label.en}" if d.label else ""
                click.echo(f"    - {name:<18} {len(d.rules):>2} rules, {len(d.outputs)} outputs  {label}")
        for version, errors in library.broken(policy_id).items():  # never left out silently
            path = library.files[policy_id][version].path
            click.echo(f"  {version:<20} does not load: {_count(len(errors), 'error')} (see `wqpolicy check {path}`)")
            problems += errors
    _render(sorted(set(problems)))
    if problems:
        raise click.exceptions.Exit(1)


@main.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--cases", "case_paths", multiple=True, type=click.Path(exists=True), metavar="PATH",
              help="Case files or folders to evaluate under both versions (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown is ready to paste into a pull request.")
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when any case's outcome, rules or outputs change.")
def diff(old, new, case_paths, fmt, fail_on_change):
    """Compare two policy versions: the policy change in words, and every case it moves.

    OLD and NEW are ID@VERSION refs or policy files, two versions of one policy. With --cases, each case is
    evaluated under both (its expectations are not consulted) and each case whose outcome, rule outcomes or
    outputs change is listed, with money differences. Exit 0; 1 when a version does not load or a case file
    cannot be read, and with --fail-on-change (which needs --cases) when a case changes.

    \b
    Examples:
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml \\
          --cases tests/cases --format markdown --fail-on-change    # exit 1: the revision changes cases
    """
    from .diff import Diff, policy_changes
    from .diff_report import RENDERERS
    from .impact import case_impact
    if fail_on_change and not case_paths:  # no cases, nothing could change: a guard that guards nothing
        raise click.UsageError("--fail-on-change needs --cases: the cases whose change it fails on")
    files = [r for r in (old, new) if is_policy_file(r)]
    try:  # an ID@VERSION may be beside a file named here, but never that file itself (an edited copy, say)
        before, after = _load_ref(old, files), _load_ref(new, files)
    except WQError as e:
        _fail(e)
    if before.id != after.id:
        _fail(WQError([Diagnostic("WQ-VERSION", f"OLD is a version of `{before.id}` and NEW of `{after.id}`: diff "
                                  "compares two versions of one policy")]))
    impact, problems = None, []
    if case_paths:
        cases, problems = load_cases(case_paths)
        _render(problems)
        impact = case_impact(before, after, cases)
    result = Diff(before.model, after.model, policy_changes(before.model, after.model), impact)
    click.echo(RENDERERS[fmt](result), nl=False)
    if problems or (fail_on_change and impact is not None and impact.changed):
        raise click.exceptions.Exit(1)  # a case that cannot be read is left out of the impact: never a silent 0


@main.command()
@click.argument("ref", metavar="ID@VERSION|FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "yaml", "json"]), default="text", show_default=True)
def show(ref, fmt):
    """Print a policy version resolved (`extends` applied), each item marked own, inherited, changed or added
    (and what the revision removed, listed as removed).

    \b
    Examples:
      wqpolicy show wuqing-five-platforms@2021-trial
      wqpolicy show tests/fixtures/revision/2022-hypothetical.yaml --format yaml
    """
    from . import show as shower
    try:
        policy = _load_ref(ref)
    except WQError as e:
        _fail(e)
    render = {"text": shower.render_text, "yaml": shower.render_yaml, "json": shower.render_json}[fmt]
    click.echo(render(policy.model), nl=False)


def _load_ref(ref: str, files=()):
    """A policy file (with the files beside it and the bundled policies as bases), or ID[@VERSION] among the
    bundled policies and the files beside ``files`` (``files`` themselves left out)."""
    if is_policy_file(ref):
        return load_policy(ref)
    library = Library.over_bundled(list(files), exclude=files)
    return library.load(*library.pick(ref))


if __name__ == "__main__":  # pragma: no cover
    main()
