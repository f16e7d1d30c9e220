"""`wqpolicy serve`: the decision service on uvicorn (wqpolicy/service), for the application portal and the staff
page; needs the extra ``wqpolicy[serve]``."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from . import main, workspace

EXTRA_HINT = 'pip install "wqpolicy[serve]"'


def default_policy_dirs() -> tuple[str, ...]:
    """The policy folders served when --policies is not given: the officer's policy folder found from the current
    folder upward (workspace.py), or none — the bundled policies — outside any."""
    found = workspace()
    return () if found.bundled else tuple(str(p) for p in found.folders)


def _missing_extra(package: str) -> click.ClickException:
    return click.ClickException(
        f"wqpolicy serve 需要安装 {package}，请运行：{EXTRA_HINT}\n"
        f"wqpolicy serve needs {package}, which is not installed: {EXTRA_HINT}"
    )


@main.command(short_help="提供决定服务 Serve decisions over HTTP.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="监听的地址（默认只监听本机）。 / Address to listen on (loopback by default).",
)
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="监听的端口。 / Port to listen on."
)
@click.option(
    "--policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="提供 DIR 中的政策（可重复；随附政策仍作为基础版本），并监视其修改；默认：从当前文件夹向上找到的政策文件夹，"
    "找不到时为随附政策。 / Serve the policies in DIR (repeatable; the bundled ones stay as bases), watching them for "
    "edits; default: the policy folder found from here upward, else the bundled policies.",
)
@click.option(
    "--log",
    "log_path",
    default="wqpolicy-decisions.sqlite",
    show_default=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="决定日志（SQLite 文件，不存在时新建）。 / The decision log (SQLite, created when missing).",
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="工作进程数。 / Worker processes."
)
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="读取回执和日志须带 `Authorization: Bearer` 及 FILE 中的令牌（评估不需要）。 / Reading receipts and the "
    "log needs `Authorization: Bearer` with the token in FILE (evaluating does not).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="允许来自 ORIGIN（如 https://portal.example）的网页调用接口（可重复；不给出时不允许跨域）。 / Allow a browser "
    "page from ORIGIN (e.g. https://portal.example) to call the API (repeatable; none: no CORS).",
)
@click.option(
    "--max-body",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1024),
    metavar="BYTES",
    help="接受的申报材料的最大字节数（超过时返回 413）。 / Largest application accepted (413 above it).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="加载并检查政策、打开日志，说明将提供什么服务后退出（就绪为 0，否则为 1）。 / Load and check the policies "
    "and open the log, say what would be served, and exit (0 ready, 1 not).",
)
@click.option(
    "--reload-interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="每隔多少秒查看一次政策文件是否修改（0：不查看）。 / How often the policy files are looked at for edits "
    "(0: never).",
)
def serve(
    host: str,
    port: int,
    policy_dirs: tuple[str, ...],
    log_path: str,
    workers: int,
    token_file: str | None,
    cors_origins: tuple[str, ...],
    max_body: int,
    reload_interval: float,
    check_only: bool,
) -> None:
    """通过 HTTP 提供决定服务（接口在 /v1 下，业务人员页面在 /，接口文档在 /openapi.json 和 /docs）。

    每项决定都连同回执编号存入决定日志。每份申请按其自己的日期当天有效的版本评估（与 `wqpolicy eval` 相同），记录写明
    选定版本的日期。政策文件修改后，检查通过即启用；未通过检查的修改不会启用（见 /readyz），仍按上一版提供服务。需要
    `pip install "wqpolicy[serve]"`。

    Serve decisions over HTTP (the API under /v1, the staff page at /, the OpenAPI document at /openapi.json and
    /docs). Every decision is stored in the decision log with a receipt; each application is decided under the
    version in force on its own date, as `wqpolicy eval` decides it. Edits of the policy files are taken up once
    they check clean; a broken edit is refused (see /readyz) and the last good policies serve on.

    \b
    提供服务（直到按 Ctrl-C）To serve (until Ctrl-C):
      wqpolicy serve --policies policies --log decisions.sqlite --workers 2

    \b
    示例 Examples:
      wqpolicy serve --check
      wqpolicy serve --policies policies --log decisions.sqlite --port 9000 --check
    """
    try:
        import uvicorn

        from ..service.settings import ENV, Settings, read_token
    except ImportError as e:
        raise _missing_extra(e.name or "fastapi") from None
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
    except ImportError as e:
        raise _missing_extra(e.name or "fastapi") from None
    if token_file:
        try:
            read_token(token_file)
        except ValueError as e:
            raise click.ClickException(str(e)) from None
    from ..decisionlog import DecisionLog, LogError

    try:
        DecisionLog(log_path).close()  # a file that is not a decision log: said now, not in each worker
    except LogError as e:
        raise click.ClickException(f"{e.zh}\n{e.en}") from None
    if check_only:
        _check(policy_dirs or default_policy_dirs(), log_path, host, port)
        return
    metrics_dir = tempfile.mkdtemp(prefix="wqpolicy-metrics-") if workers > 1 else None
    settings = Settings(
        policy_dirs=tuple(str(Path(p).resolve()) for p in (policy_dirs or default_policy_dirs())),
        log_path=str(Path(log_path).resolve()),
        token_file=str(Path(token_file).resolve()) if token_file else None,
        cors_origins=cors_origins,
        max_body_bytes=max_body,
        reload_interval=reload_interval,
        metrics_dir=metrics_dir,
    )
    os.environ[ENV] = settings.to_env()
    click.echo(
        f"wqpolicy serve: http://{host}:{port}/ （业务人员页面 staff page）· /docs · 决定日志 log {settings.log_path}",
        err=True,
    )
    try:
        uvicorn.run(
            "wqpolicy.service.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
            server_header=False,
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _check(policy_dirs: tuple[str, ...], log_path: str, host: str, port: int) -> None:
    """What `serve` would serve, or the errors that keep it from being ready (exit 1)."""
    from ..errors import WQError
    from ..service.policyset import load_set
    from . import render

    try:
        found = load_set([Path(p) for p in policy_dirs], 1)
    except WQError as e:
        render(e.diagnostics)
        click.echo(
            "政策未通过检查，服务将不会就绪 / the policies do not check: the service would not be ready", err=True
        )
        raise click.exceptions.Exit(1) from None
    refs = ", ".join(f"{i}@{v}" for i, v in sorted(found.policies))
    click.echo(f"可以提供服务 ready to serve: {refs}")
    click.echo(f"决定日志 decision log: {Path(log_path).resolve()}")
    click.echo(f"地址 address: http://{host}:{port}/")
