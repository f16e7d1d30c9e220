"""Policy files found under folders, by id and version: picking the version in force, resolving `extends`,
building a ``Policy``, checking every version and its timeline, and the lock file of reviewed bases."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .blame import blame_revision
from .clock import today
from .errors import Diagnostic, WQError, suggest
from .lockfile import LOCK_NAME, edited_items, gone_items, read_lock
from .model import PolicyVersion
from .outfile import write_file
from .overlay import edits_without_base
from .policy import PathLike, Policy, check_decisions
from .policy_schema import policy_schema_errors
from .policyfile import Builder, date_of
from .revision_checks import revision_warnings, transition_warnings
from .schemas import data_dir
from .source import Span
from .transitions import Period, periods, read_by_at
from .versions import (
    PolicyFile,
    base_changes,
    in_force,
    item_hashes,
    last_day,
    read_policy_file,
    resolve,
    timeline_problems,
)
from .yamlload import not_special

# Build errors that leave every parameter, definition and rule in the model, so its expressions can be checked:
# an expression that does not parse, a clause id, a clause map entry, a name given twice, a date out of order.
_MODEL_WHOLE = {"WQ-SYNTAX", "WQ-CLAUSE", "WQ-NAME", "WQ-DUPLICATE", "WQ-VERSION", "WQ-VALUE"}


class Library:
    """Every policy file found under some folders, by policy id and version.

    A folder is searched with its subfolders; a single file brings its own folder's files too (not their
    subfolders), where the bases it extends lie. The first file found for an id and version wins; ``exclude``
    names files to leave out. With no ``paths``, the bundled policies. ``load_policy`` is the usual way in; a
    Library is for listing versions and checking policy files.

    >>> library = Library()
    >>> [v.version for v in library.versions("wuqing-five-platforms")]
    ['2021-trial']
    >>> library.load(*library.pick("wuqing-five-platforms")).version
    '2021-trial'
    """

    def __init__(self, paths: Iterable[PathLike] | None = None, exclude: Iterable[PathLike] = ()) -> None:
        self.files: dict[str, dict[str, PolicyFile]] = {}
        self.problems: list[Diagnostic] = []
        self._loaded: dict[tuple, Policy] = {}
        self._built: dict[tuple, PolicyVersion | WQError] = {}  # build() once per version, failures too
        self._twice: dict[tuple, list[Diagnostic]] = {}  # versions found in two files: neither is used
        self._resolved: dict[str, dict] = {}  # policy id -> version -> Resolved (`extends` applied once each)
        self._seen: set = {Path(p).resolve() for p in exclude}
        if isinstance(paths, (str, os.PathLike)):  # one folder or file, not the characters of its name
            paths = [paths]
        if paths is not None:
            paths = list(paths) if isinstance(paths, Iterable) else None
            if paths is None or not all(isinstance(p, (str, os.PathLike)) for p in paths):
                raise TypeError("paths must be folders or policy files (str or Path), or a list of them")
        roots = [Path(p) for p in ([data_dir("policies")] if paths is None else paths)]
        for root in roots:
            self.add(root)
        for root in roots:
            if root.is_file():
                self.add(root.parent, recursive=False, beside=True)

    def add(self, root: Path, recursive: bool = True, beside: bool = False) -> None:
        """Add every policy file under ``root`` (or the one file ``root``); ``beside``: the files beside a policy
        file named on its own, which wins over a copy of its version there."""
        if root.is_dir():
            find = root.rglob if recursive else root.glob
            files = sorted(find("*.yaml")) + sorted(find("*.yml"))
        else:
            files = [root]
        self._built.clear()  # a new file may be the base of a version built before
        self._resolved.clear()
        for path in files:
            try:
                real = path.resolve()
            except (OSError, RuntimeError):  # RuntimeError before Python 3.13, OSError (ELOOP) from it on
                self.problems.append(
                    Diagnostic(
                        "WQ-FILE",
                        "cannot read: a symbolic link that leads round in a loop",
                        Span(str(path), 1, 1),
                        "remove it, or point it at a file",
                        zh="无法读取：这是一个循环指向自身的符号链接",
                        hint_zh="删除它，或让它指向一个文件",
                    )
                )
                continue
            if real in self._seen:
                continue
            self._seen.add(real)
            try:
                pf = read_policy_file(path)
            except WQError as e:
                self.problems += e.diagnostics
                continue
            if "id" not in pf.doc or "version" not in pf.doc:
                if path == root or "id" in pf.doc or "version" in pf.doc:  # named, or half a policy file
                    self.problems.append(not_a_policy_file(pf))
                continue  # not a policy file (a case, an example): folders may hold both
            versions = self.files.setdefault(pf.id, {})
            if pf.version in versions:
                twice = Diagnostic(
                    "WQ-DUPLICATE",
                    f"version `{pf.version}` of `{pf.id}` is also in {versions[pf.version].path}",
                    pf.marks.span(("version",)),
                    "which one to use is not clear: rename one version, or give one folder",
                    zh=f"`{pf.id}` 的版本 `{pf.version}` 在 {versions[pf.version].path} 中也有",
                    hint_zh="无法确定该用哪一个：给其中一个版本改名，或只给出一个文件夹",
                )
                self.problems.append(twice)
                if not beside:
                    self._twice.setdefault((pf.id, pf.version), []).append(twice)
                continue
            versions[pf.version] = pf

    @classmethod
    def over_bundled(
        cls, paths: Iterable[PathLike] | None, exclude: Iterable[PathLike] = (), home: Iterable[PathLike] | None = None
    ) -> Library:
        """The policies under ``paths``, then the bundled ones they lack (the bases of their revisions, say).
        A version in ``paths`` wins over an installed copy of the same version. ``home``: the folders that stand
        in for the bundled policies (the officer's own, found by workspace.find_workspace), when given."""
        library = cls(paths, exclude)
        library.add_missing(cls(list(home)) if home is not None else cls())
        return library

    def add_missing(self, other: Library) -> None:
        """Take from ``other`` the versions this library lacks (bases of its revisions, say); ours win."""
        self._built.clear()
        for policy_id, versions in other.files.items():
            for version, pf in versions.items():
                self.files.setdefault(policy_id, {}).setdefault(version, pf)

    def build(self, policy_id: str, version: str) -> PolicyVersion:
        """Resolve and build one version (no type checks, no compiling); built once, and a failure raised again."""
        key = (policy_id, version)
        if key in self._twice:  # which file to use would depend on the order the folders were given
            raise WQError(self._twice[key])
        if key not in self._built:
            try:
                self._built[key] = self._build(policy_id, version)
            except WQError as e:
                self._built[key] = e
            except RecursionError:
                self._built[key] = _too_deep(self.files[policy_id][version])
        found = self._built[key]
        if isinstance(found, WQError):
            raise WQError(found.diagnostics)
        return found

    def _build(self, policy_id: str, version: str) -> PolicyVersion:
        siblings = self.files[policy_id]
        pf = siblings[version]
        diagnostics = policy_schema_errors(pf.doc, pf.marks)
        if not pf.doc.get("extends"):
            diagnostics += edits_without_base(pf.doc, pf.marks)
        if diagnostics:
            raise WQError(diagnostics + pf.notes)
        resolved = resolve(pf, siblings, self._resolved.setdefault(policy_id, {}))
        for base in resolved.chain[1:]:  # a base found in two folders: which one a revision means is not clear
            if (policy_id, base) in self._twice:
                raise WQError(self._twice[(policy_id, base)])
        builder = Builder(resolved.doc, resolved.marks, str(pf.path), pf.path.parent, gone_items(pf, resolved.doc))
        model = builder.build()
        if len(resolved.chain) > 1:  # what the revision does to the values and texts it inherits
            base = self._resolved[policy_id][resolved.chain[1]]
            builder.diagnostics += revision_warnings(
                str(pf.path), pf.doc, resolved.doc, resolved.marks, base.doc, base.marks, model
            )
            builder.diagnostics += transition_warnings(
                str(pf.path), pf.doc, resolved.doc, resolved.marks, base.doc, model
            )
        model.origin = resolved.origin
        model.marks = resolved.marks
        model.files = tuple(str(siblings[v].path) for v in resolved.chain)
        starts = {v: date_of(f.doc.get("effective_from"), bad=None) for v, f in siblings.items()}
        model.ends_on, model.ended_by = last_day(version, model.effective_from, model.effective_until, starts)
        builder.diagnostics += resolved.problems
        builder.diagnostics = _blamed(pf, model, builder.diagnostics) + pf.notes
        errors = [d for d in builder.diagnostics if d.severity == "error"]
        if errors and all(d.code in _MODEL_WHOLE for d in errors):
            # the model is whole (an expression that did not parse is None), so check the rest too, all at once:
            # a deleted parameter is then reported where a rule still reads it, not only in the clause map
            raise WQError(sorted(set(builder.diagnostics + _blamed(pf, model, check_decisions(model)[2]))))
        if errors:
            raise WQError(builder.diagnostics)
        model.warnings = [d for d in builder.diagnostics if d.severity != "error"]
        return model

    def load(self, policy_id: str, version: str) -> Policy:
        """The version checked and compiled, as a Policy (once per library). Raises WQError when it does not
        check, KeyError when the library has no such version (``pick`` says which exist)."""
        key = (policy_id, version)
        if key not in self._loaded:
            model = self.build(policy_id, version)
            pf = self.files[policy_id][version]
            model.timeline = self.timeline(policy_id, model)
            try:
                policy = Policy(model, [])
            except WQError as e:
                raise WQError(_blamed(pf, model, e.diagnostics)) from None
            except RecursionError:
                raise _too_deep(pf) from None
            policy.warnings = list(model.warnings) + _blamed(pf, model, policy.warnings)  # the model's: blamed
            self._loaded[key] = policy
        return self._loaded[key]

    def timeline(self, policy_id: str, model: PolicyVersion) -> dict[str, tuple[Period, ...]]:
        """For each parameter an `at(parameter, date)` of ``model`` reads, its value by date across the versions of
        the policy this library knows (transitions.periods): made at load, so evaluation never asks the library. A
        version that does not build is in the timeline with its dates and no values: a date in its period is a
        fault, never a value of another version."""
        names = read_by_at(model)
        if not names:
            return {}
        versions: list = []
        for version, pf in self.files.get(policy_id, {}).items():
            if version == model.version:
                versions.append(model)
                continue
            try:
                versions.append(self.build(policy_id, version))
            except WQError:
                start, until = (date_of(pf.doc.get(k), bad=None) for k in ("effective_from", "effective_until"))
                versions.append(_Unbuilt(version, start, until))
        return {name: periods(versions, model.version, name) for name in names}

    def versions(self, policy_id: str) -> list[PolicyVersion]:
        """Every version of a policy that builds, oldest first (``broken`` says which do not, and why)."""
        out = []
        for version in self.files.get(policy_id, {}):
            try:
                out.append(self.build(policy_id, version))
            except WQError:
                continue
        return sorted(out, key=lambda v: (v.effective_from or datetime.date.min, v.version))

    def broken(self, policy_id: str) -> dict[str, list[Diagnostic]]:
        """The versions of a policy that do not build, each with its errors."""
        out = {}
        for version in sorted(self.files.get(policy_id, {})):
            try:
                self.build(policy_id, version)
            except WQError as e:
                out[version] = [d for d in e.diagnostics if d.severity == "error"] or e.diagnostics
        return out

    def pick(self, ref: str | None = None, on: datetime.date | None = None) -> tuple[str, str]:
        """(id, version) for ``ID@VERSION``, ``ID`` (in force on ``on``) or None (the only policy)."""
        on = on or today()
        policy_id, at, version = (ref or "").partition("@")
        if ref is not None and (not policy_id or (at and not version) or "@" in version):
            raise WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"`{ref}` is not a policy reference",
                        hint="write ID, ID@VERSION or the path of a policy file; `wqpolicy list` "
                        "shows the ids and versions",
                        zh=f"`{ref}` 不是政策的写法",
                        hint_zh="请写 政策编号、政策编号@版本，或政策文件的路径；`wqpolicy list` 列出编号和版本",
                    )
                ]
            )
        if not self.files and self.problems:
            raise WQError(self.problems)  # the policy files could not be read: say why
        if not policy_id:
            if len(self.files) != 1:
                raise WQError(
                    [
                        Diagnostic(
                            "WQ-VERSION",
                            "several policies are available; choose one with --policy " + " | ".join(sorted(self.files))
                            if self.files
                            else "no policy files found",
                            zh="有多个政策可用：请用 --policy 选择一个 " + " | ".join(sorted(self.files))
                            if self.files
                            else "找不到政策文件",
                        )
                    ]
                )
            policy_id = next(iter(self.files))
        if policy_id not in self.files:
            if self.problems:
                raise WQError(self.problems)
            known = ", ".join(sorted(self.files))
            hint, hint_zh = suggest(policy_id, self.files) or (f"known: {known}", f"已有的政策：{known}")
            if Path(policy_id).is_dir():  # `--policy .`: a folder of policy files is given with --policies
                hint = f"`{policy_id}` is a folder: give a folder of policy files with --policies {policy_id}; {hint}"
                hint_zh = f"`{policy_id}` 是文件夹：政策文件夹请用 --policies {policy_id} 指定；{hint_zh}"
            raise WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"no policy `{policy_id}`",
                        hint=hint,
                        zh=f"没有政策 `{policy_id}`",
                        hint_zh=hint_zh,
                    )
                ]
            )
        if version:
            if version not in self.files[policy_id]:
                raise WQError(
                    [
                        Diagnostic(
                            "WQ-VERSION",
                            f"policy `{policy_id}` has no version `{version}`",
                            hint="versions: " + ", ".join(sorted(self.files[policy_id])),
                            zh=f"政策 `{policy_id}` 没有版本 `{version}`",
                            hint_zh="已有的版本：" + ", ".join(sorted(self.files[policy_id])),
                        )
                    ]
                )
            return policy_id, version
        # Chosen by the dates as written (every version states its own `effective_from`), and only the one chosen
        # is built: a long line of revisions is not all built to decide one document. A version whose dates
        # cannot be read may be the one in force: its errors are raised, never an older version chosen silently.
        dated = []
        for version, pf in self.files[policy_id].items():
            start, until = (date_of(pf.doc.get(k), bad=False) for k in ("effective_from", "effective_until"))
            if start is None or start is False or until is False:
                self.build(policy_id, version)  # raises its errors (a missing or unreadable date among them)
            dated.append(_Dates(version, start, until))
        chosen = in_force(dated, on)
        if chosen is None:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"no version of `{policy_id}` is in force on {on.isoformat()}",
                        hint="see `wqpolicy list` for the timeline, or give --policy ID@VERSION",
                        zh=f"{on.isoformat()} 这一天 `{policy_id}` 没有有效的版本",
                        hint_zh="用 `wqpolicy list` 查看各版本的有效期，或用 --policy 政策编号@版本 指定版本",
                    )
                ]
            )
        self.build(policy_id, chosen.version)  # one that does not build is not passed over: its errors are raised
        return policy_id, chosen.version

    def check(self, only: Iterable[PathLike] | None = None) -> tuple[list[Diagnostic], list[Diagnostic]]:
        """(errors, warnings): schema, syntax, names, types, clauses, version timeline, changed bases.

        ``only``: check just the versions whose files lie under these paths (their bases may lie elsewhere);
        every diagnostic of a checked version is kept, wherever it points (an inherited item can be at fault).
        """
        roots = [Path(p).resolve() for p in only] if only else None
        problems = [d for d in self.problems if roots is None or d.span is None or _under(d.span.file, roots)]
        errors = [d for d in problems if d.severity == "error"]
        warnings = [d for d in problems if d.severity != "error"]
        for policy_id, versions in self.files.items():
            built = []
            for version, pf in versions.items():
                if roots is not None and not _under(pf.path, roots):
                    continue
                try:
                    policy = self.load(policy_id, version)
                    built.append(policy.model)
                    warnings += policy.warnings
                except WQError as e:
                    errors += [d for d in e.diagnostics if d.severity == "error"]
                    warnings += [d for d in e.diagnostics if d.severity != "error"]
            errors += [
                d
                for d in self._base_problems(policy_id)
                if roots is None or d.span is None or _under(d.span.file, roots)
            ]
            for version, pf in versions.items():
                if roots is None or _under(pf.path, roots):
                    errors += self._edited_since_published(policy_id, version)
            by_folder: dict = {}
            for model in built:
                by_folder.setdefault(str(Path(model.file).parent), []).append(model)
            for models in by_folder.values():
                errors += timeline_problems(models)
        return sorted(set(errors)), sorted(set(warnings))

    def _base_problems(self, policy_id: str) -> list[Diagnostic]:
        """Revisions whose base changed since the folder's lock file recorded it (see `wqpolicy lock`)."""
        out = []
        for _version, pf in self.files[policy_id].items():
            base = pf.doc.get("extends")
            if not isinstance(base, str) or base not in self.files[policy_id]:  # the schema reports a bad one
                continue
            try:
                locked = read_lock(pf.path.parent).get(f"{policy_id}@{base}")
            except WQError as e:  # a lock file that cannot be read guards nothing: say so, never pass over it
                out += e.diagnostics
                continue
            if locked is None:
                continue
            try:
                base_doc = resolve(self.files[policy_id][base], self.files[policy_id]).doc
            except WQError:
                continue
            out += base_changes(pf, base_doc, locked)
        return out

    def _edited_since_published(self, policy_id: str, version: str) -> list[Diagnostic]:
        """WQ-LOCKED errors: the items of a version recorded in its folder's lock file (published) that were
        changed, removed or added in its file since; each at its place (a removed one where its section is)."""
        pf = self.files[policy_id][version]
        try:
            locked = read_lock(pf.path.parent).get(f"{policy_id}@{version}")
        except WQError as e:  # a lock that cannot be read guards nothing: say so (once: check keeps one of each)
            return e.diagnostics
        if locked is None:
            return []
        try:
            resolved = resolve(pf, self.files[policy_id], self._resolved.setdefault(policy_id, {}))
        except WQError:
            return []
        return edited_items(pf, resolved.doc, locked)

    def write_lock(self, folder: Path) -> Path:
        """Record the item hashes of every version whose file is in ``folder`` (and of their bases); returns the
        lock file. Raises WQError when there is nothing to lock, a version does not build, or the file cannot be
        written."""
        import json

        entries, errors = {}, []
        here = folder.resolve()
        for policy_id, versions in self.files.items():
            for version, pf in versions.items():
                if pf.path.parent.resolve() == here or any(
                    v.doc.get("extends") == version and v.path.parent.resolve() == here for v in versions.values()
                ):
                    try:  # only a version that builds can be recorded as reviewed (and hashed item by item)
                        self.build(policy_id, version)
                        entries[f"{policy_id}@{version}"] = item_hashes(resolve(pf, versions).doc)
                    except WQError as e:
                        errors += e.diagnostics
        path = folder / LOCK_NAME
        if errors:
            raise WQError(errors)
        if not entries:
            raise WQError(
                [d for d in self.problems if d.span and Path(d.span.file).parent.resolve() == here]
                or [
                    Diagnostic(
                        "WQ-FILE",
                        "no policy versions in this folder: nothing to lock",
                        Span(str(folder), 1, 1),
                        hint="give the folder that holds the policy files",
                        zh="这个文件夹中没有政策版本：没有可锁定的内容",
                        hint_zh="请给出存放政策文件的文件夹",
                    )
                ]
            )
        not_special(
            path,
            "remove it; `wqpolicy lock` writes the lock file itself",
            hint_zh="删除它；`wqpolicy lock` 会自己写出锁定文件",
        )
        # whole or not at all: a full disk leaves the previous lock as it was
        return write_file(path, json.dumps(entries, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _blamed(pf: PolicyFile, model: PolicyVersion, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """A revision's ``diagnostics``, those in lines it inherits saying which of its edits broke them."""
    base = pf.doc.get("extends")
    if not base:
        return diagnostics
    return blame_revision(diagnostics, str(pf.path), pf.marks, model.marks, model.origin, pf.version, str(base), model)


@dataclass
class _Unbuilt:
    """A version that does not build, as a timeline sees it: its dates, and no parameters."""

    version: str
    effective_from: datetime.date | None
    effective_until: datetime.date | None
    parameters: dict = field(default_factory=dict)


@dataclass
class _Dates:
    version: str
    effective_from: datetime.date
    effective_until: datetime.date | None


def _too_deep(pf: PolicyFile) -> WQError:
    """What to say when checking or compiling a version runs out of Python's stack: the limits on expressions and
    on definitions built on definitions keep a policy far from it, so only their worst together gets here."""
    return WQError(
        [
            Diagnostic(
                "WQ-CYCLE",
                "the definitions and expressions of this version nest too deeply to check (an engine limit)",
                Span(str(pf.path), 1, 1),
                "build fewer definitions on one another, and nest fewer brackets in each",
                zh="这个版本的定义和表达式嵌套过深，无法检查（引擎的限制）",
                hint_zh="减少定义之间层层引用的层数，以及每个表达式中括号的嵌套",
            )
        ]
    )


def _under(file: PathLike, roots: Iterable[Path]) -> bool:
    here = _real(Path(file))
    return any(here == r or r in here.parents for r in roots)


def _real(path: Path) -> Path:
    """``path`` resolved; a symbolic link that leads round in a loop (reported where it is found) as it stands."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def not_a_policy_file(pf: PolicyFile) -> Diagnostic:
    lacks = " and ".join(f"`{k}:`" for k in ("id", "version") if k not in pf.doc)
    lacks_zh = "和".join(f"`{k}:`" for k in ("id", "version") if k not in pf.doc)
    return Diagnostic(
        "WQ-FILE",
        f"not a policy file: it has no {lacks}",
        Span(str(pf.path), 1, 1),
        "a policy file starts with `id:`, `version:` and `effective_from:`; a case or an input "
        "document cannot be used as --policy",
        zh=f"不是政策文件：缺少 {lacks_zh}",
        hint_zh="政策文件以 `id:`、`version:` 和 `effective_from:` 开头；测试用例或申报材料不能作为 --policy",
    )


def is_policy_file(ref: str) -> bool:
    """Whether a --policy argument names a file rather than ID[@VERSION]."""
    return ref.endswith((".yaml", ".yml")) or Path(ref).is_file()
