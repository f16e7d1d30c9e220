"""The command line's layout (wqpolicy/cli/): the group and what commands share in ``__init__``, each command in a
module of its own, found by the group — so a new command is one new module — and `python -m wqpolicy` the same
program."""
from __future__ import annotations

import pkgutil

from conftest import run, run_process
from wqpolicy import cli
from wqpolicy.cli import main


def test_each_command_is_defined_in_a_module_of_its_own_and_every_module_adds_one():
    modules = sorted(m.name for m in pkgutil.iter_modules(cli.__path__) if not m.name.startswith("_"))
    defined_in = sorted(command.callback.__module__ for command in main.commands.values())
    assert defined_in == [f"wqpolicy.cli.{name}" for name in modules]
    assert sorted(main.commands) == ["check", "diff", "eval", "expr", "list", "lock", "show", "test"]


def test_python_dash_m_runs_the_same_program():
    done = run_process("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "python -m " + run("--version").stdout, "")
