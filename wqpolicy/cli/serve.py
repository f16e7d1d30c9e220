"""`wqpolicy serve`: the decision service on uvicorn (wqpolicy/service), for the application portal and the staff
page; needs the extra ``wqpolicy[serve]``."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import click

from . import main

EXTRA_HINT = 'pip install "wqpolicy[serve]"'


def default_policy_dirs() -> tuple[str, ...]:
    """The policy folders served when --policies is not given: none, that is the bundled policies. (Where the
    command line learns to find the officer's own policy folder from the current directory, it is found here.)"""
    return ()


def _missing_extra(package: str) -> click.ClickException:
    return click.ClickException(
        f"wqpolicy serve 需要安装 {package}，请运行：{EXTRA_HINT}\n"
        f"wqpolicy serve needs {package}, which is not installed: {EXTRA_HINT}"
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--policies",
    "policy_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="Serve the policies in DIR (repeatable; the bundled ones stay as bases), watching them for edits; "
    "default: the bundled policies.",
)
@click.option(
    "--log",
    "log_path",
    default="wqpolicy-decisions.sqlite",
    show_default=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="The decision log (SQLite, created when missing).",
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="Reading receipts and the log needs `Authorization: Bearer` with the token in FILE (evaluating does not).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Allow a browser page from ORIGIN (e.g. https://portal.example) to call the API (repeatable; none: no CORS).",
)
@click.option(
    "--max-body",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1024),
    metavar="BYTES",
    help="Largest application accepted (413 above it).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Load and check the policies and open the log, say what would be served, and exit (0 ready, 1 not).",
)
@click.option(
    "--reload-interval",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="How often the policy files are looked at for edits (0: never).",
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
    """Serve decisions over HTTP (the API under /v1, the staff page at /, the OpenAPI document at /openapi.json
    and /docs). Every decision is stored in the decision log with a receipt. Edits of the policy files are taken up
    once they check clean; a broken edit is refused (see /readyz) and the last good policies serve on.

    \b
    To serve (until Ctrl-C):
      wqpolicy serve --policies policies --log decisions.sqlite --workers 2

    \b
    Examples:
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
