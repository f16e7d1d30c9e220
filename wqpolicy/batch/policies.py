"""The policy versions a batch is decided under, loaded once per process: one version named with ``--policy``, or
the version in force on the date that chooses it for each application (version_choice.py), each loaded once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import today
from ..library import Library, is_policy_file
from ..loader import load_policy
from ..policy import Policy
from .version_choice import DateChoice, version_date


@dataclass(frozen=True)
class PolicySpec:
    """How to find the versions (picklable, for worker processes): ``ref`` as `--policy` gives it (a file,
    ID@VERSION, ID or None), ``paths`` (`--policies`), ``on`` (`--on`)."""

    ref: str | None
    paths: tuple[str, ...] = ()
    on: datetime.date | None = None
    home: tuple[str, ...] | None = None  # the folders that stand in for the bundled policies (the officer's own)

    @property
    def fixed(self) -> bool:
        """Whether one version is named (a file, or ID@VERSION): every application is decided under it."""
        return self.ref is not None and (is_policy_file(self.ref) or "@" in self.ref)


class PolicySet:
    """The versions of one PolicySpec, each loaded (checked and compiled) once. ``default`` is the version in
    force on ``on`` (or today), or the one named: what the batch's sheets and columns are laid out from."""

    def __init__(self, spec: PolicySpec):
        self.spec = spec
        self.today = spec.on or today()
        self._library: Library | None = None
        self._loaded: dict[tuple[str, str], Policy] = {}
        self._on_day: dict[datetime.date, Policy] = {}
        home = list(spec.home) if spec.home is not None else None
        self.default = load_policy(spec.ref, on=self.today, paths=list(spec.paths) or None, home=home)
        self._loaded[(self.default.id, self.default.version)] = self.default

    def for_document(self, document: dict, decision: str) -> tuple[Policy, DateChoice]:
        """The version ``document`` is decided under, and the date that chose it."""
        if self.spec.fixed:
            return self.default, DateChoice(self.today, "--policy")
        choice = version_date(document, decision, self.spec.on, today(), self.default, self.in_force)
        return self.in_force(choice.on), choice

    def in_force(self, day: datetime.date) -> Policy:
        """The version in force on ``day`` (the default one on the day it is for), each loaded once. Raises WQError
        when none is."""
        if day == self.today:
            return self.default
        found = self._on_day.get(day)  # a batch holds many applications of the same date
        if found is None:
            library = self._library or self._new_library()
            key = library.pick(self.spec.ref, day)
            if key not in self._loaded:
                self._loaded[key] = library.load(*key)
            found = self._on_day[day] = self._loaded[key]
        return found

    def files_of(self, ref: str) -> tuple[str, ...]:
        """The policy files of the version ``ref`` (ID@VERSION) and of the versions it extends."""
        for p in (self.default, *self._loaded.values()):
            if p.model.ref == ref:
                return p.model.files
        policy_id, _, version = ref.partition("@")
        library = self._library or self._new_library()
        found: list[str] = []
        seen: set[str] = set()
        while version and version not in seen:  # the chain of `extends`, as read from the files
            seen.add(version)
            pf = library.files.get(policy_id, {}).get(version)
            if pf is None:
                break
            found.append(str(pf.path))
            base = pf.doc.get("extends")
            version = str(base) if base else ""
        return tuple(found)

    def _new_library(self) -> Library:
        home = list(self.spec.home) if self.spec.home is not None else None
        self._library = Library.over_bundled(list(self.spec.paths), home=home)
        return self._library


_SETS: dict[Any, PolicySet] = {}


def policy_set(spec: PolicySpec) -> PolicySet:
    """The PolicySet of ``spec`` in this process, made once (a worker process made by fork inherits it). It is
    found again only for the same files as they are now: the spec's folders are named relative to the current
    folder, so the key holds where they are and what their YAML files are (path, size, time)."""
    key = (spec, _stamp(spec))
    found = _SETS.get(key)
    if found is None:
        found = _SETS[key] = PolicySet(spec)
    return found


def _stamp(spec: PolicySpec) -> tuple:
    """Where the spec's files are and what they are now, to key a PolicySet by."""
    out: list[object] = [Path.cwd()]
    for name in (*spec.paths, *(spec.home or ()), *([spec.ref] if spec.ref and is_policy_file(spec.ref) else [])):
        root = Path(name).resolve()
        found = [root] if root.is_file() else sorted(root.rglob("*.y*ml")) if root.is_dir() else []
        for f in found:
            try:
                st = f.stat()
            except OSError:
                continue
            out.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(out)
