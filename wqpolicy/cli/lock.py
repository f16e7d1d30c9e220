"""`wqpolicy lock`: the versions of a folder recorded as reviewed, in its lock file."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import WQError
from ..library import Library
from . import fail, home, main, out, said, say_files


@main.command(short_help="记录已审核的版本 Record versions as reviewed.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def lock(folder: str) -> None:
    """把 FOLDER 中的政策版本（及其基础版本）记录为已审核，写入 FOLDER/wqpolicy.lock.json。

    此后，若某个基础版本中的内容被改动，`wqpolicy check` 会逐项报告，并说明修订是沿用了它（含义随之改变）还是覆盖了
    它。修订审核完成后再运行一次。FOLDER 中没有政策版本或有无法加载的版本时，不写入任何内容，退出码为 1。

    Record the policy versions in FOLDER (and their bases) as reviewed, in FOLDER/wqpolicy.lock.json. Afterwards
    `wqpolicy check` reports every item of a base that changes under a revision, and whether the revision inherits
    it (its meaning changed) or overrides it. Run it again once the revision is reviewed. Exit 1, writing nothing,
    when FOLDER holds no policy version or a version that does not load.

    \b
    示例 Example:
      wqpolicy lock policies/wuqing-five-platforms
    """
    library = Library.over_bundled([Path(folder)], home=home())
    try:
        path = library.write_lock(Path(folder))
    except WQError as e:
        fail(e)
    say_files(str(pf.path) for v in library.files.values() for pf in v.values() if pf.path.parent == Path(folder))
    out(said(f"已写入 {path}", f"wrote {path}") + "\n")
