"""Atomic file writes: a file is either the old one or the whole new one, never half of it.

The new file is written to a temporary file beside the target, named
``.TARGET.PID.RANDOM.part``, and renamed onto the target only when complete. An
error or a signal the tool handles (Ctrl-C, SIGTERM) removes it on the way out. A
process killed outright (SIGKILL, a power cut) cannot, so the next write to the same
target removes the temporaries whose process no longer runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from workbook.errors import TechTradeError

TEMPORARY_SUFFIX = ".part"


def temporary_prefix(target: Path, pid: int | None = None) -> str:
    """The start of the name of a temporary file for ``target`` written by process ``pid``."""
    return f".{Path(target).name}.{os.getpid() if pid is None else pid}."


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` left by processes that no longer run; return them.

    Only on POSIX systems, where a process can be asked whether it runs without harm.
    """
    target = Path(target)
    if os.name != "posix":
        return []
    removed = []
    pattern = glob.escape(str(target.parent / f".{target.name}.")) + "*" + TEMPORARY_SUFFIX
    for leftover in map(Path, glob.glob(pattern)):
        pid = leftover.name.removeprefix(f".{target.name}.").split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()
                removed.append(leftover)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


@contextlib.contextmanager
def atomic_write_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it onto ``target``.

    The temporary file lives in the same folder so the final rename is atomic on one
    file system; on any error (or interruption) it is removed and ``target`` is untouched.
    A folder that cannot be written is a :class:`TechTradeError` naming it.
    """
    target = Path(target)
    folder = target.parent
    remove_stale_temporaries(target)
    try:
        handle, name = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=TEMPORARY_SUFFIX, dir=folder)
    except OSError as error:
        raise TechTradeError(f"{target}: cannot write a file in {folder} ({error.strerror or error})") from None
    os.close(handle)
    tmp = Path(name)
    # mkstemp makes the file private (0600); give it the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as error:
            raise TechTradeError(f"{target}: cannot replace it ({error.strerror or error})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
