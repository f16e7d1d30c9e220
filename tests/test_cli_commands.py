"""The command line's layout (wqpolicy/cli/): the group and what commands share in ``__init__``, each command in a
module of its own, found by the group — so a new command is one new module — and `python -m wqpolicy` the same
program."""

from __future__ import annotations

import pkgutil

import click

from conftest import run, run_process, runner
from wqpolicy import cli
from wqpolicy.cli import main, out_file_option, write_output


def test_each_command_is_defined_in_a_module_of_its_own_and_every_module_adds_one():
    modules = sorted(m.name for m in pkgutil.iter_modules(cli.__path__) if not m.name.startswith("_"))
    defined_in = sorted(command.callback.__module__ for command in main.commands.values())
    assert defined_in == [f"wqpolicy.cli.{name}" for name in modules]
    assert {"check", "diff", "eval", "expr", "list", "lock", "show", "test"} <= set(main.commands)


def test_python_dash_m_runs_the_same_program():
    done = run_process("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "python -m " + run("--version").stdout, "")


@click.command()
@out_file_option
def _shout(out_path):
    write_output("甲乙\n", out_path)


def test_a_command_with_out_file_writes_the_file_whole_or_reports_it_cannot(tmp_path, fill_the_disk):
    target = tmp_path / "out.txt"
    assert runner().invoke(_shout, []).stdout == "甲乙\n"
    assert runner().invoke(_shout, ["--out", "-"]).stdout == "甲乙\n"
    r = runner().invoke(_shout, ["--out", str(target)])
    assert (r.exit_code, r.stdout, target.read_text(encoding="utf-8")) == (0, "", "甲乙\n")
    target.write_text("previous", encoding="utf-8")
    fill_the_disk()
    r = runner().invoke(_shout, ["--out", str(target)])
    assert r.exit_code == 1 and f"{target}:1:1: error[WQ-FILE]: 无法写入" in r.stderr  # Chinese, English beside it
    assert "\n    cannot write: No space left on device" in r.stderr
    assert target.read_text(encoding="utf-8") == "previous"
