"""Applications from a folder of input documents (YAML or JSON, one application a file, in its subfolders too, in
the order of their paths): each file's name without its suffix (its path under the folder) is its id; the file is
read where it is evaluated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .items import Item, Problem

SUFFIXES = (".yaml", ".yml", ".json")


def read_folder(folder: Path, start: int) -> Iterator[Item]:
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(s.startswith(".") for s in p.relative_to(folder).parts)
    )
    if not files:
        yield Item(
            start,
            None,
            str(folder),
            problems=(
                Problem(
                    str(folder),
                    "文件夹中没有申请文件（.yaml、.yml、.json）",
                    "no application files (.yaml, .yml, .json) in the folder",
                    "WQ-FILE",
                ),
            ),
        )
    for index, path in enumerate(files, start=start):
        yield Item(index, path.relative_to(folder).with_suffix("").as_posix(), str(folder), path=str(path))
