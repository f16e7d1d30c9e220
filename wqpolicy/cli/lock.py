"""`wqpolicy lock`: the versions of a folder recorded as reviewed, in its lock file."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import WQError
from ..library import Library
from . import fail, main, out


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def lock(folder: str) -> None:
    """Record the policy versions in FOLDER (and their bases) as reviewed, in FOLDER/wqpolicy.lock.json.

    Afterwards `wqpolicy check` reports every item of a base that changes under a revision, and whether the
    revision inherits it (its meaning changed) or overrides it. Run it again once the revision is reviewed.
    Exit 1, writing nothing, when FOLDER holds no policy version or a version that does not load.

    \b
    Example:
      wqpolicy lock policies/wuqing-five-platforms
    """
    library = Library.over_bundled([Path(folder)])
    try:
        path = library.write_lock(Path(folder))
    except WQError as e:
        fail(e)
    out(f"wrote {path}\n")
