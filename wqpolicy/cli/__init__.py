"""The command line: the click group ``main`` and what its commands share; each command lives in a module of this
package of its own (``check.py``, ``evaluate.py`` for `eval`, ``listing.py`` for `list`, …), found and added here,
so adding a command is adding one module. Commands are thin over the library: they call it, print what it gives
and exit with its code. Exit codes: 0 ok, 1 findings, 2 usage (click's own)."""

from __future__ import annotations

import datetime
import errno
import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..diagnostic_text import render_diagnostics
from ..errors import Diagnostic, WQError
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..outfile import write_file
from ..policy import Policy
from ..yamlload import MAX_BYTES, decode_text
from ._output import GuardedOutput, OutputFault, stdout_closed

F = TypeVar("F", bound=Callable[..., Any])


class _Date(click.ParamType):
    """A calendar date written YYYY-MM-DD (ISO 8601): `2021-02-30` and `tomorrow` are usage errors that say so."""

    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # 8.1: no ctx
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
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


def stdin_text() -> str:
    """Standard input as text, with the same limits and UTF-8 check as a file."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(MAX_BYTES + 1) if stream is not None else sys.stdin.read(MAX_BYTES + 1).encode("utf-8")
    return decode_text(data, "<stdin>")


def out(text: str) -> None:
    """Print ``text`` on standard output as it is (no newline added)."""
    click.echo(text, nl=False)


def out_file_option(f: F) -> F:
    """`--out FILE`: write the command's output to FILE (whole or not at all) instead of standard output."""
    return click.option(
        "--out",
        "out_path",
        metavar="FILE",
        type=click.Path(dir_okay=False, allow_dash=True),
        help="Write the output to FILE (written whole: a failure leaves FILE as it was); `-` or none: standard output.",
    )(f)


def write_output(text: str, out_path: str | None = None) -> None:
    """``text`` to standard output, or to ``out_path`` (the `--out FILE` of a command) through
    ``outfile.write_file``: a temporary file beside it, synced and renamed, so a full disk leaves the previous
    file intact. A file that cannot be written is an error (exit 1)."""
    if out_path is None or out_path == "-":
        out(text)
        return
    try:
        write_file(out_path, text)
    except WQError as e:
        fail(e)


def render(diagnostics: Iterable[Diagnostic], err: bool = True) -> None:
    """Print diagnostics with their source lines, on standard error unless ``err`` is False."""
    click.echo(render_diagnostics(diagnostics), nl=False, err=err)


def fail(e: WQError) -> NoReturn:
    """Print the error's diagnostics on standard error and exit 1."""
    render(e.diagnostics)
    raise click.exceptions.Exit(1)


def policies_option(f: F) -> F:
    """`--policies DIR` (repeatable): folders to search for policies besides the bundled ones."""
    return click.option(
        "--policies",
        "policy_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False),
        metavar="DIR",
        help="Also look for policies in DIR (repeatable); the bundled ones stay.",
    )(f)


def paths(policy_dirs: Sequence[str]) -> list[Path]:
    return [Path(p) for p in policy_dirs]


def load_ref(ref: str, files: Sequence[str] = ()) -> Policy:
    """A policy file (with the files beside it and the bundled policies as bases), or ID[@VERSION] among the
    bundled policies and the files beside ``files`` (``files`` themselves left out)."""
    if is_policy_file(ref):
        return load_policy(ref)
    library = Library.over_bundled(list(files), exclude=files)
    return library.load(*library.pick(ref))


class _Main(click.Group):
    """The group, with standard output guarded: a write that fails ends in one line and exit 1 (see _output)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if stdout_closed():
            OutputFault(errno.EBADF).show()
            sys.exit(1)
        stream = sys.stdout
        sys.stdout = GuardedOutput(stream)  # type: ignore[assignment]
        try:
            return super().main(*args, **kwargs)
        finally:
            sys.stdout = stream


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="wqpolicy")
def main() -> None:
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


def _add_commands() -> None:
    """Import every command module of this package (each adds its command to ``main``); `_private` ones are
    helpers."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_add_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
