"""Files as they are at a git ref, read with git itself (`git rev-parse`, `git ls-tree`, `git show`), never by
reading `.git`: copied, with the layout they have in the repository, into a folder the caller owns. Every problem
— no git, not a repository, an unknown ref — is a WQ-GIT diagnostic in Chinese and English."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import Diagnostic, WQError
from ..yamlload import MAX_BYTES

# Engine settings: how long one git command may take, and how many files a ref's folders may bring.
GIT_SECONDS = 60
MAX_FILES = 10_000
# What a policy folder's files are read as: policy and case files, input schemas, the guideline's text.
_POLICY_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".md", ".txt"})


def git_error(message: str, zh: str, hint: str | None = None, hint_zh: str | None = None) -> WQError:
    return WQError([Diagnostic("WQ-GIT", message, hint=hint, zh=zh, hint_zh=hint_zh)])


def _git(args: list[str | bytes], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}  # never ask for a password; plain messages
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_SECONDS, check=False, env=env)
    except FileNotFoundError:
        raise git_error(
            "git is not installed, or not on PATH",
            "找不到 git 命令（未安装，或不在 PATH 中）",
            "install git (https://git-scm.com), or run wqpolicy where git is on PATH",
            "请安装 git，或在能找到 git 的环境中运行",
        ) from None
    except subprocess.TimeoutExpired:
        shown = " ".join(a if isinstance(a, str) else os.fsdecode(a) for a in args)
        raise git_error(
            f"`git {shown}` took more than {GIT_SECONDS} seconds", f"`git {shown}` 超过 {GIT_SECONDS} 秒仍未完成"
        ) from None


def repository_root(where: Path) -> Path:
    """The top folder of the git working tree ``where`` lies in. Raises WQError (WQ-GIT) outside one."""
    r = _git(["rev-parse", "--show-toplevel"], where)
    if r.returncode != 0:
        raise git_error(
            f"{where.resolve()} is not inside a git repository",
            f"{where.resolve()} 不在 git 仓库中",
            "run it from your policy repository's working tree (`git clone` it first), or compare two files "
            "with `wqpolicy diff OLD NEW`",
            "请在政策仓库的工作目录中运行（先 git clone），或用 `wqpolicy diff OLD NEW` 对比两个文件",
        )
    return Path(os.fsdecode(r.stdout.rstrip(b"\n")))


_HEX = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def commit_of(ref: str, root: Path) -> str:
    """The commit ``ref`` (a branch, tag, commit or expression such as HEAD~1) names. Raises WQError (WQ-GIT)
    for a ref that names none."""
    unknown = git_error(
        f"`{ref}` is not a git ref of this repository (a branch, tag or commit)",
        f"`{ref}` 不是本仓库的 git 引用（分支、标签或提交）",
        "`git branch -a` and `git tag` list them; in CI, fetch the target branch first "
        "(`git fetch origin main`, a checkout with fetch-depth: 0)",
        "用 `git branch -a`、`git tag` 查看；在 CI 中请先获取目标分支（git fetch origin main，或 fetch-depth: 0）",
    )
    if not ref or ref.startswith("-") or "\0" in ref:
        raise unknown
    r = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    commit = r.stdout.decode("ascii", "replace").strip()
    if r.returncode != 0 or not _HEX.fullmatch(commit):
        raise unknown
    return commit


@dataclass(frozen=True)
class RefCopy:
    """Files of ``ref`` (commit ``commit``) written under ``folder``, each at its path in the repository."""

    ref: str
    commit: str
    folder: Path
    files: tuple[str, ...]


def copy_at(ref: str, root: Path, prefixes: list[str], folder: Path) -> RefCopy:
    """Write the files under each of ``prefixes`` (folders or files, relative to the repository ``root``, `/`
    separated; "" for all) as they are at ``ref`` into ``folder``. Symbolic links and submodules are left out
    (never followed); a policy, schema or text file too large to read is an error, a large file of another kind
    is left out."""
    commit = commit_of(ref, root)
    wanted = [p for p in prefixes if p] if all(prefixes) else []
    r = _git(["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *wanted], root)
    if r.returncode != 0:
        raise git_error(
            f"git ls-tree {ref} failed: {r.stderr.decode('utf-8', 'replace').strip()}",
            f"git ls-tree {ref} 失败：{r.stderr.decode('utf-8', 'replace').strip()}",
        )
    entries = [e for e in r.stdout.split(b"\0") if e]
    if len(entries) > MAX_FILES:
        raise git_error(
            f"{ref} holds {len(entries)} files under {', '.join(wanted) or 'the repository'}; at most {MAX_FILES} "
            "are read",
            f"{ref} 在 {', '.join(wanted) or '仓库'} 下有 {len(entries)} 个文件，最多读取 {MAX_FILES} 个",
            "name the policy folder (e.g. policies/)",
            "请指明政策文件夹（如 policies/）",
        )
    written = []
    for entry in entries:
        head, _, raw_path = entry.partition(b"\t")
        mode, kind, _obj, size = head.split(None, 3)
        if kind != b"blob" or mode == b"120000":  # a submodule, a symbolic link: nothing of ours to read
            continue
        path = os.fsdecode(raw_path)
        parts = PurePosixPath(path).parts
        if not parts or any(p in ("", ".", "..") for p in parts) or PurePosixPath(path).is_absolute():
            continue
        if size.strip().isdigit() and int(size) > MAX_BYTES:
            if PurePosixPath(path).suffix.lower() not in _POLICY_SUFFIXES:
                continue  # a large file of another kind (a scanned PDF beside the guideline): no policy reads it
            raise git_error(
                f"{ref}:{path} is {int(size)} bytes, more than a policy file may hold ({MAX_BYTES})",
                f"{ref}:{path} 有 {int(size)} 字节，超过政策文件的上限（{MAX_BYTES}）",
            )
        shown = _git(["show", commit.encode() + b":" + raw_path], root)
        if shown.returncode != 0:
            raise git_error(
                f"git show {ref}:{path} failed: {shown.stderr.decode('utf-8', 'replace').strip()}",
                f"git show {ref}:{path} 失败：{shown.stderr.decode('utf-8', 'replace').strip()}",
            )
        target = folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        written.append(path)
    return RefCopy(ref, commit, folder, tuple(written))


def in_repository(path: Path, root: Path) -> str:
    """``path`` (in the working tree) relative to the repository ``root``, `/` separated ("" for the root).
    Raises WQError (WQ-GIT) for a path outside the repository."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        raise git_error(
            f"{path} is outside the git repository at {root}",
            f"{path} 不在 git 仓库 {root} 之内",
        ) from None
    text = rel.as_posix()
    return "" if text == "." else text
