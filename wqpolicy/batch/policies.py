"""The policy versions a batch is decided under, loaded once per process: one version named with ``--policy``, or
the version in force on the date that chooses it for each application (version_choice.py), each loaded once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
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
        self.default = load_policy(spec.ref, on=self.today, paths=list(spec.paths) or None)
        self._loaded[(self.default.id, self.default.version)] = self.default

    def for_document(self, document: dict, decision: str) -> tuple[Policy, DateChoice]:
        """The version ``document`` is decided under, and the date that chose it."""
        if self.spec.fixed:
            return self.default, DateChoice(self.today, "--policy")
        choice = version_date(document, decision, self.spec.on, today(), self.default)
        if choice.on == self.today:
            return self.default, choice
        library = self._library or self._new_library()
        key = library.pick(self.spec.ref, choice.on)
        if key not in self._loaded:
            self._loaded[key] = library.load(*key)
        return self._loaded[key], choice

    def _new_library(self) -> Library:
        paths = list(self.spec.paths)
        self._library = Library.over_bundled(paths) if paths else Library()
        return self._library


_SETS: dict[Any, PolicySet] = {}


def policy_set(spec: PolicySpec) -> PolicySet:
    """The PolicySet of ``spec`` in this process, made once (a worker process made by fork inherits it)."""
    found = _SETS.get(spec)
    if found is None:
        found = _SETS[spec] = PolicySet(spec)
    return found
