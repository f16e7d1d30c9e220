"""The README's layout section is the layering the code has: every module of the package is listed, and each
imports (at the top or inside a function) only modules listed above it — data flows one way, and so do imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "wqpolicy"


def listed() -> list[str]:
    """The README's layout list, in order: module files (`values.py`) and folders (`cli/`), relative to wqpolicy/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout") :]
    block = section[section.index("```\n") + 4 :]
    block = block[: block.index("```")]
    return [m.group(1) for m in re.finditer(r"^wqpolicy/(\S+)", block, flags=re.M)]


def entry(module: Path, order: list[str]) -> str:
    """The README entry a module falls under: its own file, else the folder it is in."""
    rel = module.relative_to(PACKAGE).as_posix()
    if rel in order:
        return rel
    folder = rel.split("/")[0] + "/"
    return folder if "/" in rel and folder in order else rel


def imported(module: Path) -> set[Path]:
    """The modules of the package that ``module`` imports, anywhere in it."""
    out = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.parent
                for _ in range(node.level - 1):
                    base = base.parent
            elif node.module and node.module.split(".")[0] == "wqpolicy":
                base, node_module = PACKAGE.parent, node.module
                out |= _targets(base, node_module, node.names)
                continue
            else:
                continue
            out |= _targets(base, node.module, node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "wqpolicy":
                    out |= _targets(PACKAGE.parent, alias.name, [])
    return {p for p in out if p.is_file() and PACKAGE in p.parents}


def _targets(base: Path, dotted: str | None, names) -> set[Path]:
    where = base.joinpath(*dotted.split(".")) if dotted else base
    if where.with_suffix(".py").is_file():
        return {where.with_suffix(".py")}
    found = {where / f"{a.name}.py" for a in names} | {where / a.name / "__init__.py" for a in names}
    return {p for p in found if p.is_file()} or {where / "__init__.py"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.relative_to(PACKAGE).parts)


def test_every_module_of_the_package_is_in_the_readme_layout():
    order = listed()
    assert len(order) == len(set(order)), "a module is listed twice"
    unlisted = [m.relative_to(PACKAGE).as_posix() for m in modules() if entry(m, order) not in order]
    assert unlisted == [], "add these to README's layout section, in their place"
    gone = [name for name in order if not (PACKAGE / name).exists()]
    assert gone == [], "README lists modules that are not there"


def test_each_module_imports_only_modules_listed_above_it():
    order = listed()
    upward = []
    for module in modules():
        here = entry(module, order)
        for target in imported(module):
            there = entry(target, order)
            if here not in order or there not in order:  # the test above names what is not listed
                continue
            if there != here and order.index(there) > order.index(here):
                upward.append(f"{module.relative_to(PACKAGE)} imports {target.relative_to(PACKAGE)}")
    assert upward == [], "an import against the data flow: move the module, or the code"
