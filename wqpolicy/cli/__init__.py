"""The command line: the click group ``main`` and what its commands share; each command lives in a module of this
package of its own (``check.py``, ``evaluate.py`` for `eval`, ``listing.py`` for `list`, …), found and added here,
so adding a command is adding one module. Commands are thin over the library: they call it, print what it gives
and exit with its code. Exit codes: 0 ok, 1 findings, 2 usage (click's own)."""

from __future__ import annotations

import datetime
import errno
import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..diagnostic_text import render_diagnostics
from ..errors import LANGS, Diagnostic, WQError
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..outfile import write_file
from ..policy import Policy
from ..schemas import data_dir
from ..workspace import Workspace, files_line, find_workspace
from ..yamlload import MAX_BYTES, decode_text
from ._help import Context
from ._output import GuardedOutput, OutputFault, PlainErrors, stdout_closed

F = TypeVar("F", bound=Callable[..., Any])


class _Shown:
    """A usage error of our own wording, shown in the chosen language: click's `Error:` and `Try '… --help'`
    lines are English alone."""

    def show(self, file: Any = None) -> None:
        assert isinstance(self, click.UsageError)
        file = file if file is not None else sys.stderr
        if self.ctx is not None:
            command = self.ctx.command_path
            hint = said(f"用 '{command} --help' 查看帮助。", f"Try '{command} --help' for help.")
            click.echo(f"{self.ctx.get_usage()}\n{hint}\n", file=file)
        error = {"zh": "错误：", "en": "Error: "}.get(lang(), "错误 Error: ")
        click.echo(f"{error}{self.format_message()}", file=file)


class UsageProblem(_Shown, click.UsageError):
    """A malformed command line, said in the chosen language (``said``): exit 2."""


class BadValue(_Shown, click.BadParameter):
    """A value of an option or argument that is refused, said in the chosen language (click words "Invalid value
    for …" in English alone)."""

    def __init__(
        self,
        zh: str,
        en: str,
        ctx: click.Context | None = None,
        param: click.Parameter | None = None,
        param_hint: str | None = None,
    ):
        super().__init__(en, ctx=ctx, param=param, param_hint=param_hint)
        self.zh = zh

    def format_message(self) -> str:
        hint = self.param_hint or (self.param.get_error_hint(self.ctx) if self.param is not None else None)
        if hint is None:
            return said(f"取值有误：{self.zh}", f"Invalid value: {self.message}", "\n       ")
        hint = " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
        return said(f"{hint} 的取值有误：{self.zh}", f"Invalid value for {hint}: {self.message}", "\n       ")


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
                raise BadValue(f"“{text}”不是存在的日期", f"{text!r} is not a date: {e}", ctx, param) from None
        raise BadValue(
            f"“{text}”不是日期：请按 YYYY-MM-DD 书写（例如 2021-06-01）",
            f"{text!r} is not a date written YYYY-MM-DD (e.g. 2021-06-01)",
            ctx,
            param,
        )


DATE = _Date()


class _Percent(click.ParamType):
    """A percentage from 0 to 100, read exactly (`99.95` is 99.95, never the float nearest it): anything else is a
    usage error that says so."""

    name = "percent"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # 8.1: no ctx
        return "PERCENT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().removesuffix("%")
        try:
            number = Decimal(text) if len(text) <= 40 and re.fullmatch(r"\d{1,3}(\.\d+)?", text) else None
        except InvalidOperation:
            number = None
        if number is not None and number <= 100:
            return number
        raise BadValue(
            f"“{value}”不是 0 到 100 之间的百分数（例如 90 或 99.5）",
            f"{str(value)!r} is not a percentage from 0 to 100 (e.g. 90 or 99.5)",
            ctx,
            param,
        )


PERCENT = _Percent()

# Where the language chosen with `--lang` (or WQPOLICY_LANG) is kept for the commands of one run: the context's
# meta, which every sub-context shares.
LANG_KEY = "wqpolicy.lang"


class _Lang(click.ParamType):
    """`--lang zh|en|both`: a value that is none of them is a usage error, said in both languages (no language
    has been chosen yet)."""

    name = "lang"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # 8.1: no ctx
        return "zh|en|both"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip().lower()
        if text in LANGS:
            return text
        raise BadValue(
            f"“{value}”不是可选的语言：请写 zh（只用中文）、en（只用英文）或 both（中英对照）",
            f"{str(value)!r} is not a language: write zh (Chinese only), en (English only) or both",
            ctx,
            param,
        )


# The language of the run under way, once `--lang` is read: a usage error is shown after its context has ended.
_chosen: list[str] = []


def lang() -> str:
    """The language chosen for this run: `--lang`, else WQPOLICY_LANG, else both (Chinese, English beside it)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and LANG_KEY in ctx.meta:
        return str(ctx.meta[LANG_KEY])
    if _chosen:
        return _chosen[-1]
    chosen = os.environ.get("WQPOLICY_LANG", "").strip().lower()  # before `--lang` is read, or outside the group
    return chosen if chosen in LANGS else "both"


def said(zh: str, en: str, between: str = " / ") -> str:
    """A sentence the command line words itself (a usage error, a line of its own), in the chosen language:
    Chinese, English, or both, ``between`` them (Chinese / English)."""
    chosen = lang()
    return zh if chosen == "zh" else en if chosen == "en" else f"{zh}{between}{en}"


def stdin_text(notes: list[Diagnostic] | None = None) -> str:
    """Standard input as text, with the same limits and encodings as a file (a warning in ``notes`` when it is
    read as GB18030)."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(MAX_BYTES + 1) if stream is not None else sys.stdin.read(MAX_BYTES + 1).encode("utf-8")
    return decode_text(data, "<stdin>", notes)


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
        help="把结果写入 FILE（整份写入：写入失败时 FILE 保持原样）；`-` 或不给：标准输出。 / Write the output to "
        "FILE (written whole: a failure leaves FILE as it was); `-` or none: standard output.",
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
    """Print diagnostics with their source lines, in the chosen language, on standard error unless ``err`` is
    False."""
    click.echo(render_diagnostics(diagnostics, lang()), nl=False, err=err)


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
        help="也在 DIR 中查找政策（可重复）；从当前文件夹向上找到的政策文件夹（找不到时为随软件附带的副本）仍然可用。"
        " / Also look for policies in DIR (repeatable); the policy folder found from here upward (else the bundled "
        "copy) stays.",
    )(f)


def paths(policy_dirs: Sequence[str]) -> list[Path]:
    return [Path(p) for p in policy_dirs]


def workspace() -> Workspace:
    """The officer's policy folders, found from the current folder upward (see workspace.py), else the bundled
    copy; a `wqpolicy.toml` that cannot be read is an error (exit 1)."""
    try:
        return find_workspace()
    except WQError as e:
        fail(e)


def home() -> list[Path]:
    """The folders that stand in for the bundled policies: the officer's own where there is one."""
    return list(workspace().folders)


def load_ref(ref: str, files: Sequence[str] = ()) -> Policy:
    """A policy file (with the files beside it and the officer's policies — else the bundled ones — as bases), or
    ID[@VERSION] among the officer's (else the bundled) policies and the files beside ``files`` (``files``
    themselves left out)."""
    if is_policy_file(ref):
        return load_policy(ref, home=home())
    library = Library.over_bundled(list(files), exclude=files, home=home())
    return library.load(*library.pick(ref))


def files_text(files: Iterable[str], bundled: bool | None = None) -> str:
    """The first line of a command's text output: the policy files it read (`政策文件 Policy files: …`), marked
    as the bundled copy when they are (``bundled`` None: when no policy folder was found and they all lie in it),
    in the chosen language."""
    files = list(files)
    if bundled is None:
        copy = data_dir("policies").resolve()
        bundled = workspace().bundled and all(copy in Path(f).resolve().parents for f in files)
    return files_line(files, bundled, lang())


def say_files(files: Iterable[str], bundled: bool | None = None) -> None:
    """``files_text`` on standard output."""
    out(files_text(files, bundled))


_HELP = "显示本帮助并退出。 / Show this message and exit."


class _Bilingual:
    """Help in Chinese with the English beside it: click's own headings (Usage, Options, Commands) and the help
    option's line, which click words in English alone; laid out by the columns each character takes (_help)."""

    context_class: type[click.Context] = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _HELP
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(
            ctx.command_path, " ".join(pieces), prefix={"zh": "用法：", "en": "Usage: "}.get(lang(), "用法 Usage: ")
        )

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            record
            for param in self.get_params(ctx)  # type: ignore[attr-defined]
            if not isinstance(param, click.Argument) and (record := param.get_help_record(ctx)) is not None
        ]
        if rows:
            with formatter.section(said("选项", "Options", " ")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        assert isinstance(self, click.Group)
        rows = [
            (name, command.get_short_help_str(formatter.width - 6 - max(map(len, self.commands))))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section(said("命令", "Commands", " ")):
                formatter.write_dl(rows)


class Command(_Bilingual, click.Command):
    """A command whose help is in Chinese with the English beside it (every command of the group is one)."""


class _Main(_Bilingual, click.Group):
    """The group, with standard output guarded: a write that fails ends in one line and exit 1 (see _output);
    its commands and its help bilingual."""

    command_class = Command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if stdout_closed():
            OutputFault(errno.EBADF).show()
            sys.exit(1)
        stream, errors = sys.stdout, sys.stderr
        sys.stdout = GuardedOutput(stream)  # type: ignore[assignment]
        if errors is not None:
            sys.stderr = PlainErrors(errors)  # type: ignore[assignment]
        _chosen.clear()
        try:
            return super().main(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = stream, errors
            _chosen.clear()


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="wqpolicy", help="显示版本并退出。 / Show the version and exit.")
@click.option(
    "--lang",
    type=_Lang(),
    envvar="WQPOLICY_LANG",
    default="both",
    show_default=True,
    help="提示和报告的语言：zh 中文，en 英文，both 中英对照（也可用环境变量 WQPOLICY_LANG 设定）。 / The language of "
    "messages and reports: zh Chinese, en English, both (also from the WQPOLICY_LANG environment variable).",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """wqpolicy：版本化的 YAML 政策文件，精确计算、逐条说明理由的评估器。
    wqpolicy: versioned YAML policies, an exact evaluator that explains itself.

    退出码：0 完成（没有错误、没有未通过的用例），1 有错误或未通过的用例，2 命令行写法有误。
    各命令的 --help 都有示例，在代码仓库的根目录下运行。

    Exit codes: 0 done (no errors, no failing cases), 1 errors or failing cases, 2 a malformed command line.
    Each command's --help has examples, to be run from the repository root.

    \b
    示例 Examples:
      wqpolicy check                              # 检查这里的政策文件夹 check the policy folder here (policies/)
      wqpolicy eval examples/recognition.yaml     # 评估一份申请 decide one application
      wqpolicy test tests/cases                   # 运行测试用例 run the case files
      wqpolicy --lang zh check                    # 只用中文 Chinese only
      wqpolicy diff wuqing-five-platforms@2021-trial tests/fixtures/revision/2022-hypothetical.yaml
    """
    ctx.meta[LANG_KEY] = lang
    _chosen.append(lang)


def _add_commands() -> None:
    """Import every command module of this package (each adds its command to ``main``); `_private` ones are
    helpers."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_add_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
