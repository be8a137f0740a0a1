"""Writes are atomic: a build stopped mid-write by a signal leaves the earlier workbook as it was
and, once the next build has run, no temporary file behind. The temporary file is named
``.TARGET.PID.RANDOM.part``; a build stopped by SIGTERM or Ctrl-C removes its own on the way
out; one killed outright (SIGKILL) cannot, and the next write to the same target removes it."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import DATA, REPO, run_cli
from workbook import atomic as atomic_module
from workbook.atomic import atomic_write_path, remove_stale_temporaries, temporary_prefix
from workbook.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, TechTradeError

#: How long to wait for a build to start writing.
START_TIMEOUT = 120


def temporaries(folder: Path, target: str) -> list[Path]:
    return sorted(folder.glob(f".{target}.*.part"))


def start_build(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workbook", "build", "--data", str(DATA), "--out", str(out)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_the_temporary_file(process: subprocess.Popen, out: Path) -> Path:
    """The build's temporary file, as soon as it exists: the build is then writing."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = temporaries(out.parent, out.name)
        if found:
            return found[0]
        if process.poll() is not None:
            pytest.fail(f"the build ended before it was seen writing: {process.communicate()}")
        time.sleep(0.005)
    process.kill()
    pytest.fail("the build never started writing")


@pytest.fixture
def earlier_workbook(tmp_path: Path, default_workbook: Path) -> Path:
    """A copy of the session's default build: the same data, so a build over it writes the same bytes."""
    return Path(shutil.copy(default_workbook, tmp_path / "snapshot.xlsx"))


@pytest.mark.parametrize("stop, status", [(signal.SIGTERM, EXIT_TERMINATED), (signal.SIGINT, EXIT_INTERRUPTED)])
def test_a_build_stopped_mid_write_keeps_the_earlier_workbook_and_cleans_up(earlier_workbook: Path, stop, status):
    before = earlier_workbook.read_bytes()
    process = start_build(earlier_workbook)
    temporary = wait_for_the_temporary_file(process, earlier_workbook)
    assert temporary.name.startswith(temporary_prefix(earlier_workbook, process.pid))
    process.send_signal(stop)
    out, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "left as it was" in err
    assert earlier_workbook.read_bytes() == before
    assert temporaries(earlier_workbook.parent, earlier_workbook.name) == []


def test_a_build_killed_outright_keeps_the_earlier_workbook_and_the_next_build_cleans_up(earlier_workbook: Path):
    before = earlier_workbook.read_bytes()
    process = start_build(earlier_workbook)
    temporary = wait_for_the_temporary_file(process, earlier_workbook)
    process.kill()
    process.communicate(timeout=60)
    assert earlier_workbook.read_bytes() == before
    assert temporary.exists(), "SIGKILL gives no chance to clean up"

    result = run_cli("build", "--data", DATA, "--out", earlier_workbook)
    assert result.returncode == 0, result.stderr
    assert temporaries(earlier_workbook.parent, earlier_workbook.name) == []
    assert earlier_workbook.read_bytes() == before, "the same data gives the same bytes"


def test_only_the_temporaries_of_processes_that_have_ended_are_removed(tmp_path: Path):
    target = tmp_path / "snapshot.xlsx"
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{temporary_prefix(target, int(ended.stdout))}abc123.part"
    alive = tmp_path / f"{temporary_prefix(target)}def456.part"
    other_target = tmp_path / f"{temporary_prefix(tmp_path / 'other.xlsx', int(ended.stdout))}ghi789.part"
    for path in (dead, alive, other_target):
        path.write_bytes(b"half a workbook")
    assert remove_stale_temporaries(target) == [dead]
    assert not dead.exists() and alive.exists() and other_target.exists()


def test_an_error_inside_the_write_removes_the_temporary_file(tmp_path: Path):
    target = tmp_path / "snapshot.xlsx"
    target.write_bytes(b"earlier")
    with pytest.raises(RuntimeError), atomic_write_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the write failed")
    assert target.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [target]


def test_a_folder_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path: Path):
    with (pytest.raises(TechTradeError, match="cannot write a file in"),
          atomic_write_path(tmp_path / "missing" / "snapshot.xlsx")):
        pass
    result = run_cli("build", "--data", DATA, "--out", tmp_path / "missing" / "snapshot.xlsx")
    assert result.returncode == 2
    assert result.stderr.startswith("tech-trade: error: ") and result.stderr.count("\n") == 1


@pytest.mark.skipif(os.name != "posix", reason="stale temporaries are recognised by process id on POSIX")
def test_the_temporary_file_is_named_after_the_target_and_the_process(tmp_path: Path):
    target = tmp_path / "snapshot.xlsx"
    with atomic_write_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(f".snapshot.xlsx.{os.getpid()}.") and tmp.name.endswith(".part")
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"


def test_a_sigterm_at_any_moment_of_starting_a_write_leaves_no_temporary_file(tmp_path: Path):
    """SIGTERM delivered before each step of ``atomic_write_path`` up to the write itself, one run
    per step: whenever it lands, the command's handler stops it and no ``.part`` file is left."""
    target = tmp_path / "snapshot.xlsx"
    target.write_bytes(b"earlier")
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        for step in itertools.count():
            stopped = _start_a_write_with_sigterm_at(step, target)
            assert target.read_bytes() == b"earlier"
            assert temporaries(tmp_path, target.name) == [], f"SIGTERM at step {step} left a temporary file"
            if not stopped:
                break  # the write began before the signal's turn came: every step was covered
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert step > 5


class _Terminated(BaseException):
    pass


def _raise_terminated(signum, frame) -> None:
    # What the command's own handler does (workbook.commands.cli): raise, so that cleanups run.
    raise _Terminated()


class _WriteBegun(Exception):
    """Leaves the write without replacing the target: the test is about how a write starts."""


def _start_a_write_with_sigterm_at(step: int, target: Path) -> bool:
    """Enter ``atomic_write_path(target)``, sending SIGTERM before its ``step``-th bytecode (counted
    in workbook/atomic.py only); True where the signal stopped it before the caller could write."""
    count = itertools.count()

    def trace(frame, event, arg):
        if frame.f_code.co_filename != atomic_module.__file__:
            return None
        frame.f_trace_opcodes = True
        if event == "opcode" and next(count) == step:
            os.kill(os.getpid(), signal.SIGTERM)
        return trace

    sys.settrace(trace)
    try:
        with atomic_write_path(target):
            sys.settrace(None)
            raise _WriteBegun()
    except _Terminated:
        return True
    except _WriteBegun:
        return False
    finally:
        sys.settrace(None)
