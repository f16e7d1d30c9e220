"""Files the tool writes (wqpolicy/outfile.py): whole or not at all — a temporary file beside the target, flushed,
synced and renamed — so that a failing write (a full disk) leaves the previous file as it was and no temporary
file behind."""

from __future__ import annotations

import os
import stat

import pytest

from wqpolicy.errors import WQError
from wqpolicy.outfile import write_file


def test_a_file_is_written_whole_and_no_temporary_file_is_left(tmp_path):
    path = tmp_path / "out.json"
    assert write_file(path, '{"a": "甲"}\n') == path
    assert path.read_text(encoding="utf-8") == '{"a": "甲"}\n'
    assert write_file(str(path), "{}\n") == path and path.read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_failing_write_leaves_the_previous_file_as_it_was(tmp_path, fill_the_disk):
    path = tmp_path / "out.json"
    path.write_bytes(b"previous\n")
    fill_the_disk()
    with pytest.raises(WQError) as e:
        write_file(path, "new\n")
    [d] = e.value.diagnostics
    assert (d.code, d.message, d.span.file, d.span.line) == (
        "WQ-FILE",
        "cannot write: No space left on device",
        str(path),
        1,
    )
    assert d.zh == "无法写入：No space left on device" and d.hint_zh
    assert path.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_folder_that_does_not_exist_is_a_file_error(tmp_path):
    with pytest.raises(WQError) as e:
        write_file(tmp_path / "no" / "out.json", "x")
    assert e.value.diagnostics[0].message == "cannot write: No such file or directory"


def test_a_replaced_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    old = tmp_path / "old.json"
    old.write_text("x", encoding="utf-8")
    old.chmod(0o640)
    write_file(old, "y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o027)
    try:
        new = write_file(tmp_path / "new.json", "z")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o640


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "target.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_file(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
