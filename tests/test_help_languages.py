"""Every command's `--help`, and each subcommand's, is Chinese first: its short help and its description start in
Chinese, every option is explained in Chinese before the English, and its examples are headed `示例 Examples:`."""

from __future__ import annotations

import re

import click
import pytest

from conftest import run
from wqpolicy.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize("path,command", COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, tuple) else "")
def test_every_help_is_chinese_first_with_its_examples_headed_in_both_languages(path, command):
    assert command.short_help and HAN.match(command.short_help), f"wqpolicy {' '.join(path)}: short help"
    first = (command.help or "").strip().split("\n\n")[0]
    assert HAN.search(first), f"wqpolicy {' '.join(path)}: the description's first paragraph is Chinese"
    text = run(*path, "--help", env={"WQPOLICY_LANG": "both"}).stdout
    if not isinstance(command, click.Group) or path == ("log",):
        assert "示例 Example" in text, f"wqpolicy {' '.join(path)}: examples headed 示例 Examples:"
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            chinese = param.help.split(" / ")[0]
            assert HAN.search(chinese), f"wqpolicy {' '.join(path)} {param.opts[0]}: the option's help in Chinese first"
