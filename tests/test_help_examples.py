"""Every example in every `--help` runs as written from the repository root and exits as the help says.

An example is a line under `Example:` / `Examples:` that starts with `wqpolicy` (a trailing `\\` continues it on
the next line). It is expected to exit 0 unless its comment says `# exit N`. Shell syntax is taken as a shell
would: `*` globs, `< FILE` feeds standard input. Each runs through click's CliRunner in a copy of the
repository's data (so that `wqpolicy lock` writes its lock file there, not into the checkout).
"""

from __future__ import annotations

import glob
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run
from wqpolicy.cli import main

DATA = ["examples", "policies", "schemas", "tests/cases", "tests/fixtures"]
COMMANDS = [()] + [(name,) for name in sorted(main.commands)]


def help_text(command: tuple) -> str:
    r = run(*command, "--help")
    assert r.exit_code == 0, r.output
    return r.stdout


def examples(text: str) -> list[str]:
    """The example command lines of one help text, continuation lines joined."""
    out, inside, pending = [], False, ""
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"(示例 )?Examples?:", stripped):
            inside = True
            continue
        if not inside:
            continue
        if not stripped or not line.startswith(" "):  # the blank line or heading that ends the block
            inside = False
            continue
        if pending:
            stripped = pending + " " + stripped
            pending = ""
        if stripped.endswith("\\"):
            pending = stripped[:-1].rstrip()
            continue
        out.append(stripped)
    return out


def expected_exit(example: str) -> int:
    found = re.search(r"#\s*exit (\d)", example)
    return int(found.group(1)) if found else 0


def argv(example: str, cwd: Path) -> tuple[list[str], str | None]:
    """The arguments after `wqpolicy`, globs expanded in ``cwd``, and the text `< FILE` feeds to standard input."""
    words = shlex.split(example, comments=True)
    assert words[0] == "wqpolicy", example
    args, stdin = [], None
    words = iter(words[1:])
    for word in words:
        if word == "<":
            stdin = (cwd / next(words)).read_text(encoding="utf-8")
        elif any(c in word for c in "*?["):
            found = sorted(glob.glob(word, root_dir=cwd))
            assert found, f"{word} matches nothing in the repository"
            args += found
        else:
            args.append(word)
    return args, stdin


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("repository")
    for rel in DATA:
        shutil.copytree(ROOT / rel, root / rel)
    return root


def test_the_examples_are_found():
    assert examples(help_text(("eval",)))[:1] == ["wqpolicy eval examples/recognition.yaml"]
    diff = examples(help_text(("diff",)))
    assert len(diff) == 3 and diff[1].endswith("# exit 1: the revision changes cases")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "wqpolicy")
def test_every_help_has_examples_of_its_own_command(command):
    found = examples(help_text(command))
    assert found, f"`wqpolicy {' '.join(command)} --help` has no example"
    assert all(e.startswith("wqpolicy") for e in found), f"write examples as `wqpolicy …` (`< FILE` for input): {found}"
    if command:
        assert all(e.startswith(f"wqpolicy {command[0]} ") or e == f"wqpolicy {command[0]}" for e in found), found


CASES = [(command, example) for command in COMMANDS for example in examples(help_text(command))]


@pytest.mark.parametrize("command, example", CASES, ids=[e for _, e in CASES])
def test_each_help_example_runs_as_written_from_the_repository_root(command, example, repository, monkeypatch):
    monkeypatch.chdir(repository)
    args, stdin = argv(example, repository)
    r = run(*args, input=stdin)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == expected_exit(example), f"{example}\n{r.stdout}\n{r.stderr}"
    assert r.stdout.strip(), "an example that prints nothing shows nothing"
    if "--format json" in example:
        json.loads(r.stdout)
    if "--format jsonl" in example:
        assert all(json.loads(line) for line in r.stdout.splitlines())
    if expected_exit(example) == 0:
        assert "error[" not in r.stderr, r.stderr


def test_the_lock_example_writes_its_lock_file_in_the_folder_it_names(repository, monkeypatch):
    shipped = (ROOT / "policies" / "wuqing-five-platforms" / "wqpolicy.lock.json").read_bytes()
    (repository / "policies" / "wuqing-five-platforms" / "wqpolicy.lock.json").unlink(missing_ok=True)
    monkeypatch.chdir(repository)
    r = run("lock", "policies/wuqing-five-platforms")
    assert r.exit_code == 0, r.output
    assert (repository / "policies" / "wuqing-five-platforms" / "wqpolicy.lock.json").read_bytes() == shipped
    assert (ROOT / "policies" / "wuqing-five-platforms" / "wqpolicy.lock.json").read_bytes() == shipped


@pytest.mark.parametrize("command", ["check", "eval", "test", "list", "expr", "lock"])
def test_every_command_has_help_with_an_example(command):
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "Example" in r.stdout and "wqpolicy " + command in r.stdout
