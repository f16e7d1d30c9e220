"""The real decision service for the service tests: `python -m wqpolicy serve` in a process of its own on a free
loopback port, waited for until it answers, stopped at the end (or killed, for the crash test)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from conftest import ROOT

START_GUARD = 60.0  # seconds; a guard against a server that never comes up (it takes about one)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    output: Path

    def client(self, **options) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **options)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)

    def kill(self) -> None:
        """kill -9 of the server and its workers, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def server_log(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")


def start(folder: Path, *args: str, wait_ready: bool = True) -> Server:
    """`wqpolicy serve ARGS…` with its log in ``folder``; returns once /healthz answers (and /readyz says ready)."""
    port = free_port()
    log_path = folder / "decisions.sqlite"
    output = folder / "server.out"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "wqpolicy", "serve", "--port", str(port), "--log", str(log_path), *args],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped or killed with its workers
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path, output)
    deadline = time.monotonic() + START_GUARD
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {server.server_log()}")
        try:
            r = httpx.get(server.url + ("/readyz" if wait_ready else "/healthz"), timeout=2)
            if r.status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise AssertionError(f"the server did not come up: {server.server_log()}")
        time.sleep(0.1)
