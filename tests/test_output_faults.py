"""Output that cannot be written — a full device, standard output closed, a reader that closed its pipe — ends with
one line on standard error, in Chinese and English, and exit 1: never a traceback, never a silent exit 0. Real
processes: the faults are the operating system's."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, run
from wqpolicy.cli._output import GuardedOutput, OutputFault

FULL = "无法写出结果：设备已满 / cannot write the output: no space left on device\n"
CLOSED = "无法写出结果：标准输出已关闭 / cannot write the output: standard output is closed\n"
BROKEN = "无法写出结果：读取方已关闭管道 / cannot write the output: the reader closed the pipe (broken pipe)\n"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def wqpolicy(*args: object, stdout) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wqpolicy", *map(str, args)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=60,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["eval", EXAMPLES / "recognition.yaml"], ["--help"]], ids=["eval", "help"])
def test_a_full_device_is_one_line_and_exit_1(args):
    # Before: an OSError traceback (eval), or "Exception ignored … No space left on device" and exit 120.
    with open("/dev/full", "w") as full:
        done = wqpolicy(*args, stdout=full)
    assert (done.returncode, done.stderr) == (1, FULL)


def test_eval_with_standard_output_closed_says_so_and_exits_1():
    # Before: exit 0 — Python has no sys.stdout then, and click dropped every line without a word.
    script = 'exec "$0" -m wqpolicy eval examples/filing.yaml >&-'
    done = subprocess.run(
        ["sh", "-c", script, sys.executable], stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV, timeout=60
    )
    assert (done.returncode, done.stderr) == (1, CLOSED)


def test_a_reader_that_closed_its_pipe_is_one_line_and_exit_1():
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written (`| head -c 10` once it has its ten bytes)
    try:
        done = wqpolicy("eval", "--format", "json", EXAMPLES / "recognition.yaml", stdout=write)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, BROKEN)


def test_a_long_output_whose_reader_leaves_half_way_is_not_reported_as_written():
    # A text stream hands a long text to its buffer in one call, which may take part of it and report no error
    # when the reader goes away: the rest was lost and the exit was 0.
    process = subprocess.Popen(
        [sys.executable, "-m", "wqpolicy", "show", "wuqing-five-platforms@2021-trial", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=ENV,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)  # more than a pipe holds is being written: the writer waits for this reader
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    assert (process.wait(timeout=60), stderr) == (1, BROKEN)


@pytest.mark.parametrize(
    "number, words",
    [
        (errno.ENOSPC, "设备已满 / cannot write the output: no space left on device"),
        (errno.EPIPE, "读取方已关闭管道 / cannot write the output: the reader closed the pipe (broken pipe)"),
        (errno.EBADF, "标准输出已关闭 / cannot write the output: standard output is closed"),
        (errno.EIO, "输入输出错误 / cannot write the output: input/output error"),
        (errno.EROFS, "系统错误 / cannot write the output: read-only file system"),
    ],
)
def test_each_fault_is_named_in_chinese_and_english(number, words):
    assert OutputFault(number, os.strerror(number)).message == "无法写出结果：" + words


class _Failing:
    """A stream whose every write fails as a full disk does."""

    encoding, errors = "utf-8", "strict"

    def write(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self):
        pass

    def fileno(self):
        raise OSError(errno.EBADF, "no descriptor")


def test_a_write_that_fails_becomes_an_output_fault_that_click_shows_and_exits_1_on():
    guarded = GuardedOutput(_Failing())  # type: ignore[arg-type]
    with pytest.raises(OutputFault) as e:
        guarded.write("x")
    assert (e.value.exit_code, e.value.errno, e.value.fd) == (1, errno.ENOSPC, None)


def test_output_that_can_be_written_is_written_unchanged_through_the_guard():
    r = run("expr", "1 + 1")
    files = "Policy files: policies/wuqing-five-platforms/2021-trial.yaml\n"
    assert (r.exit_code, r.stdout, r.stderr) == (0, files + "2    (number)\n", "")
