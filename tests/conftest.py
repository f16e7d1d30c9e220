"""What the tests share: ``ROOT``; ``run`` (the command line in this process, through click's runner, stdout and
stderr apart), ``run_process`` and ``run_timed`` (a real process); ``policy_copy`` (the bundled policy and the
hypothetical revision in a folder of their own); the bundled policy loaded once per session (``bundled_policy``);
``golden`` files; and a memo of the YAML reader for policy and case files.

Test modules import the helpers by name (``from conftest import ROOT, run``): pytest puts this folder on the
import path, and the module they get is the one pytest loaded.
"""

from __future__ import annotations

import errno
import inspect
import io
import os
import pickle
import shutil
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wqpolicy.cli import main
from wqpolicy.loader import load_policy
from wqpolicy.policy import Policy

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BUNDLED_REF = "wuqing-five-platforms@2021-trial"
POLICY_FILE = ROOT / "policies" / "wuqing-five-platforms" / "2021-trial.yaml"
REVISION = ROOT / "tests" / "fixtures" / "revision" / "2022-hypothetical.yaml"
GOLDEN = ROOT / "tests" / "golden"
DATED = ROOT / "tests" / "fixtures" / "dated"
DATED_REVISION = DATED / "2023-revision.yaml"

# The tests never depend on the day they run: "today" is 2024-06-03 for the tool (clock.py reads
# SOURCE_DATE_EPOCH), in this process and in every process it starts.
os.environ["SOURCE_DATE_EPOCH"] = "1717372800"

UPDATE_GOLDEN = "WQPOLICY_UPDATE_GOLDEN"

# click 8.1 mixes stderr into stdout unless told not to; 8.2 keeps them apart and has no such option
_RUNNER_OPTIONS = {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}


def runner() -> CliRunner:
    """click's test runner, keeping standard output and standard error apart on every click version."""
    return CliRunner(**_RUNNER_OPTIONS)


def run(*args: object, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """`wqpolicy ARGS…` in this process: ``.exit_code``, ``.stdout`` and ``.stderr`` apart (``.output``: both, as
    a terminal shows them), ``.exception``. Arguments may be paths; they are passed as text. Messages are in
    English alone (WQPOLICY_LANG=en) unless ``env`` or ``--lang`` says otherwise: tests of what a command does
    match its English words; the tests of wording (golden files, tests/test_languages.py) ask for the default,
    Chinese with English beside it."""
    env = {"WQPOLICY_LANG": "en", **(env or {})}
    return runner().invoke(main, [str(a) for a in args], input=input, env=env, prog_name="wqpolicy")


def run_process(
    *args: object, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 60, **options: Any
) -> subprocess.CompletedProcess:
    """`python -m wqpolicy ARGS…` in a real process, from ``cwd`` (text, stdout and stderr captured); ``env``
    replaces the environment (PYTHONPATH set to this tree unless given; messages in English alone, as ``run``'s,
    unless it names WQPOLICY_LANG). ``options`` go to subprocess.run."""
    given = env
    env = dict(os.environ if env is None else env)
    env.setdefault("PYTHONPATH", str(ROOT))
    if given is None or "WQPOLICY_LANG" not in given:  # English alone, as ``run`` (whatever the shell says)
        env["WQPOLICY_LANG"] = "en"
    options.setdefault("capture_output", "stdout" not in options)
    return subprocess.run(
        [sys.executable, "-m", "wqpolicy", *map(str, args)], cwd=cwd, env=env, timeout=timeout, text=True, **options
    )


def run_timed(*args: object, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    """``run_process`` with the seconds it took (to guard against a hang: a pipe blocks only in a real process)."""
    start = time.monotonic()
    result = run_process(*args, timeout=timeout)
    return result, time.monotonic() - start


def golden(name: str, text: str) -> None:
    """Assert that ``text`` is the golden file tests/golden/``name``, byte for byte. With WQPOLICY_UPDATE_GOLDEN=1
    in the environment, write it instead: then review the file's diff (`git diff tests/golden`) before committing,
    so that every change of wording is seen."""
    path = GOLDEN / name
    if os.environ.get(UPDATE_GOLDEN):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run once with {UPDATE_GOLDEN}=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"differs from {path} (regenerate: {UPDATE_GOLDEN}=1)"


def policy_copy(tmp_path: Path, with_revision: bool = True) -> Path:
    """The bundled policy (closed at 2021-12-31) and the hypothetical revision, in a folder of their own (an
    unpublished copy: without the bundled lock file, which would refuse the edit of the published version)."""
    folder = tmp_path / "policy"
    shutil.copytree(POLICY_FILE.parent, folder, ignore=shutil.ignore_patterns("wqpolicy.lock.json"))
    trial = folder / "2021-trial.yaml"
    trial.write_text(
        trial.read_text(encoding="utf-8").replace(
            "effective_from: 2021-01-01\n", "effective_from: 2021-01-01\neffective_until: 2021-12-31\n", 1
        ),
        encoding="utf-8",
    )
    if with_revision:
        shutil.copy(REVISION, folder / REVISION.name)
    return folder


def dated_claim(year: int) -> str:
    """The text of a demand-side claim for ``year`` (tests/fixtures/dated: its year chooses the version)."""
    return string.Template((DATED / "claim.yaml.in").read_text(encoding="utf-8")).substitute(year=year)


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder: the published 2021 trial and a revision in force from 2023 (the demand-side ratio 80 % ->
    50 %) under policies/, and claims for 2022 and 2023 (claim-2022.yaml, claim-2023.yaml); commands run from
    there."""
    folder = tmp_path / "policies" / "wuqing-five-platforms"
    shutil.copytree(POLICY_FILE.parent, folder)
    shutil.copy(DATED_REVISION, folder / DATED_REVISION.name)
    for year in (2022, 2023):
        (tmp_path / f"claim-{year}.yaml").write_text(dated_claim(year), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def bundled_policy() -> Policy:
    """The bundled 2021 trial policy, loaded once for the session. Only for tests that read it and evaluate with
    it; a test that changes a policy object (or must load one itself) calls load_policy."""
    return load_policy(BUNDLED_REF)


@pytest.fixture
def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it, and every file opened for writing from then on fails to take its bytes, as on a full disk (after
    `open` has truncated it, as a real `w` open does)."""
    real_open = io.open

    class Full:
        def __init__(self, f):
            self._f = f

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._f.close()

        def __getattr__(self, name):
            return getattr(self._f, name)

    def full_open(file, mode="r", *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return Full(f) if set(mode) & set("wax+") else f

    return lambda: monkeypatch.setattr(io, "open", full_open)


# -- the YAML reader, remembered --------------------------------------------------------------------------------
# Nearly every command a test runs reads the bundled policy file again (over a thousand times a run). Reading is
# a function of the text alone, so the result for a text already read is taken from a pickled copy: equal and
# fresh each time (nothing is shared between tests). WQPOLICY_TEST_NO_MEMO=1 turns this off.
_READERS = ("wqpolicy.versions", "wqpolicy.cases")


def _remembered(read: Callable[..., Any], memo: dict) -> Callable[..., Any]:
    def load_yaml(text: str, *args: Any, **kwargs: Any) -> Any:
        key = (text, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            result = read(text, *args, **kwargs)  # an error is raised each time, never remembered
            memo[key] = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            return result
        return pickle.loads(memo[key])

    load_yaml.__wrapped__ = read  # type: ignore[attr-defined]
    return load_yaml


@pytest.fixture(scope="session", autouse=True)
def remembered_yaml() -> Iterator[dict]:
    memo: dict = {}
    if os.environ.get("WQPOLICY_TEST_NO_MEMO"):
        yield memo
        return
    import importlib

    with pytest.MonkeyPatch.context() as patch:
        for name in _READERS:
            module = importlib.import_module(name)
            if hasattr(module, "load_yaml"):  # a reader that moved elsewhere is simply read each time
                patch.setattr(module, "load_yaml", _remembered(module.load_yaml, memo))
        yield memo


# -- a real browser, for the documents people print -----------------------------------------------------------
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots kept for a person to look at (git-ignored; CI keeps them)
BROWSER_REQUIRED = "WQPOLICY_BROWSER_TESTS"
# Debian's chromium as Playwright drives it here: its own browser download is never used (it cannot be fetched)
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session, through Playwright. Skipped when chromium or playwright is missing,
    unless WQPOLICY_BROWSER_TESTS=required (as .ci/run sets): then a missing browser fails the tests."""
    required = os.environ.get(BROWSER_REQUIRED) == "required"

    def unavailable(why: str) -> None:
        if required:
            pytest.fail(f"{BROWSER_REQUIRED}=required, but {why}")
        pytest.skip(why)

    executable = shutil.which("chromium")
    if executable is None:
        unavailable("no `chromium` on PATH (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as driver:
        found = driver.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            yield found
        finally:
            found.close()
