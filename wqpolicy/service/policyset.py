"""The policies a service answers with: a ``PolicySet`` (every version loaded, checked and compiled, never changed
after), and the ``PolicyStore`` that holds the current set, watches the policy folders from a thread of its own,
loads an edited set off the request path and swaps it in only when it checks clean. A request takes the current
set once and is answered wholly by it."""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostic_text import render_diagnostics
from ..errors import Diagnostic, WQError
from ..library import Library
from ..policy import Policy
from ..record import FROM_ON, FROM_POLICY, VersionDate
from ..schemas import data_dir
from ..version_choice import by_own_date
from ..versions import in_force
from .problems import Problem, not_found

log = logging.getLogger("wqpolicy.service")

WATCHED = ("*.yaml", "*.yml", "*.json", "*.md")  # what a policy folder's content is made of
MAX_WATCHED_FILES = 10_000  # a folder with more is not a policy folder (a service setting)


@dataclass(frozen=True)
class PolicySet:
    """Every version of every policy under the folders, loaded and checked clean: ``policies`` by (id, version),
    ``generation`` counts the sets a store has loaded (1 for the first), ``warnings`` what the check found that
    is not an error."""

    generation: int
    loaded_at: str
    policies: dict[tuple[str, str], Policy]
    warnings: tuple[Diagnostic, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def ids(self) -> list[str]:
        return sorted({i for i, _ in self.policies})

    def versions(self, policy_id: str) -> list[Policy]:
        """The versions of ``policy_id``, oldest first."""
        found = [p for (i, _), p in self.policies.items() if i == policy_id]
        return sorted(found, key=lambda p: (p.model.effective_from or datetime.date.min, p.version))

    def get(self, policy_id: str, version: str) -> Policy:
        """The version, or a 404 Problem that lists what there is."""
        if policy_id not in self.ids:
            raise not_found("policy", "政策", policy_id, self.ids, "unknown-policy")
        found = self.policies.get((policy_id, version))
        if found is None:
            raise not_found(
                "version", "政策版本", f"{policy_id}@{version}", [p.version for p in self.versions(policy_id)],
                "unknown-version",
            )  # fmt: skip
        return found

    def find(self, policy_id: str, version: str) -> Policy:
        """The version, or KeyError (for receipts.verify_entry)."""
        return self.policies[(policy_id, version)]

    def select(self, ref: str | None, on: datetime.date) -> Policy:
        """The version ``ref`` names: ``ID@VERSION``, ``ID`` (the version in force ``on``) or None (the only policy,
        in force ``on``). A 404 Problem, with the choices, when there is none."""
        policy_id, at, version = (ref or "").partition("@")
        if ref is not None and (not policy_id or (at and not version)):
            raise Problem(
                422,
                "invalid-policy-reference",
                "Invalid policy reference",
                "政策引用格式无效",
                f"`{ref}` is not a policy reference: write ID or ID@VERSION",
                f"“{ref}”不是政策引用：请写 政策编号 或 政策编号@版本",
                choices=self.ids,
            )
        if not policy_id:
            if len(self.ids) != 1:
                raise not_found("policy", "政策", "", self.ids, "unknown-policy")
            policy_id = self.ids[0]
        if version:
            return self.get(policy_id, version)
        if policy_id not in self.ids:
            raise not_found("policy", "政策", policy_id, self.ids, "unknown-policy")
        versions = self.versions(policy_id)
        chosen = in_force([p.model for p in versions], on)
        if chosen is None:
            spans = [f"{p.version} ({p.model.effective_from} – {p.model.effective_until or '…'})" for p in versions]
            raise Problem(
                404,
                "no-version-in-force",
                "No version in force",
                "该日期没有生效的政策版本",
                f"no version of `{policy_id}` is in force on {on.isoformat()}; versions: {', '.join(spans)}",
                f"{on.isoformat()} 没有生效的“{policy_id}”版本；现有版本：{'、'.join(spans)}",
                choices=[p.version for p in versions],
            )
        return self.get(policy_id, chosen.version)

    def choose(
        self, ref: str | None, on: datetime.date | None, decision: str, document: dict, today: datetime.date
    ) -> tuple[Policy, VersionDate]:
        """(the version that decides ``document``, the date that chose it and where from), as `wqpolicy eval`
        chooses: the version ``ref`` names (``ID@VERSION``); else the one in force ``on`` when a date is given;
        else the one in force on the application's own date (its decision's `version_date`, read by the version in
        force ``today``), or ``today`` when the application has none. A Problem (404) when there is none."""
        if ref is not None and "@" in ref:
            return self.select(ref, today), VersionDate(None, FROM_POLICY)
        if on is not None:
            return self.select(ref, on), VersionDate(on, FROM_ON)
        return by_own_date(
            self.select(ref, today), decision, document, today, lambda p: p, lambda day, _found: self.select(ref, day)
        )


def load_set(paths: list[Path], generation: int) -> PolicySet:
    """Load and check every policy version under ``paths`` (none: the bundled policies) as one set. Raises WQError
    with every error when any version does not check, or there is none."""
    library = Library.over_bundled(paths) if paths else Library()
    errors, warnings = library.check()
    if errors:
        raise WQError(errors)
    policies = {}
    for policy_id, versions in library.files.items():
        for version in versions:
            policies[(policy_id, version)] = library.load(policy_id, version)
    if not policies:
        raise WQError([Diagnostic("WQ-FILE", "no policy files found", zh="找不到政策文件")])
    files = tuple(sorted(str(pf.path) for vs in library.files.values() for pf in vs.values()))
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return PolicySet(generation, now, policies, tuple(warnings), files)


@dataclass(frozen=True)
class Failure:
    """A load that did not check clean: when, and its diagnostics (the set before it keeps serving)."""

    at: str
    diagnostics: tuple[Diagnostic, ...]


def fingerprint(paths: list[Path]) -> str:
    """A hash of the name, size and modification time of every policy-folder file under ``paths``: it changes
    when a file is edited, added or removed."""
    roots = paths or [data_dir("policies")]
    seen: list[str] = []
    for root in roots:
        found: list[Path] = []
        if root.is_file():
            found = [p for pattern in WATCHED for p in root.parent.glob(pattern)]
        elif root.is_dir():
            found = [p for pattern in WATCHED for p in root.rglob(pattern)]
        for p in sorted(found)[:MAX_WATCHED_FILES]:
            try:
                st = p.stat()
            except OSError:
                continue  # removed while we looked: the next look sees it gone
            seen.append(f"{p}\0{st.st_size}\0{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(seen).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class PolicyStore:
    """The current PolicySet of a service and what its loads found. ``load()`` loads now (at start-up); ``watch()``
    starts the thread that looks at the files every ``interval`` seconds and loads again after an edit that has
    stayed unchanged for one look (a file still being written is not read half-way)."""

    paths: list[Path]
    interval: float = 0.5
    on_tick: Callable[[], None] | None = None  # called on each look (the metrics file is written then)
    current: PolicySet | None = None
    failure: Failure | None = None
    reloads: int = 0
    reload_failures: int = 0
    _generation: int = 0
    _seen: str = ""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self.current is not None

    def load(self) -> bool:
        """Load the folders' policies now; swap them in when they check clean (True), else keep the set there is
        and record the failure (False). The files' fingerprint is taken before and after: an edit during the
        load makes it count for nothing, and the next look loads again."""
        before = fingerprint(self.paths)
        self._seen = before
        try:
            candidate = load_set(self.paths, self._generation + 1)
        except WQError as e:
            if fingerprint(self.paths) != before:
                self._seen = ""  # changed while loading: look again
                return False
            self._fail(list(e.diagnostics))
            return False
        except (RecursionError, MemoryError, OSError) as e:  # never let the watcher die: the old set serves on
            self._fail([Diagnostic("WQ-FILE", f"the policies could not be loaded: {e!r}", zh="政策无法加载")])
            return False
        if fingerprint(self.paths) != before:
            self._seen = ""
            return False
        first = self.current is None
        self._generation += 1
        self.current = candidate  # one reference assignment: a request holds the old set or the new, whole
        self.failure = None
        if not first:
            self.reloads += 1
        refs = ", ".join(f"{i}@{v}" for i, v in sorted(candidate.policies))
        log.info(
            "政策已加载（第 %d 版）/ policies loaded (set %d): %s", candidate.generation, candidate.generation, refs
        )
        return True

    def _fail(self, diagnostics: list[Diagnostic]) -> None:
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        self.failure = Failure(now, tuple(diagnostics))
        if self.current is not None:
            self.reload_failures += 1
            keep = f"仍使用第 {self.current.generation} 版 / still serving set {self.current.generation}"
        else:
            keep = "尚无可用的政策，服务未就绪 / no policies to serve: not ready"
        log.error(
            "政策修改未通过检查，未启用（%s）/ the edited policies do not check and were not taken up (%s)\n%s",
            keep,
            keep,
            render_diagnostics(diagnostics).rstrip("\n"),
        )

    def watch(self) -> None:
        """Start looking at the files in a daemon thread (nothing when ``interval`` is 0)."""
        if self.interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="wqpolicy-policy-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        last = self._seen
        while not self._stop.wait(self.interval):
            try:
                if self.on_tick is not None:
                    self.on_tick()
                now = fingerprint(self.paths)
                if now != self._seen and now == last:  # changed, and the same as one look ago: load it
                    self.load()
                last = now
            except Exception:  # noqa: BLE001 - the watcher must outlive any fault; the old set serves on
                log.exception("政策监视出错 / the policy watcher failed on one look")
                time.sleep(self.interval)
