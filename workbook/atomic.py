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
import secrets
from collections.abc import Iterator
from pathlib import Path

from workbook.errors import TechTradeError

TEMPORARY_SUFFIX = ".part"
#: Random names tried before giving up; one clash is already unlikely (the name holds the process id).
_NAME_ATTEMPTS = 100
#: Windows opens files in text mode unless told otherwise; elsewhere the flag does not exist.
_O_BINARY = getattr(os, "O_BINARY", 0)


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
    tmp: Path | None = None
    # The cleanup is armed before the file exists: a signal (SIGTERM, Ctrl-C) raised at any
    # moment after its name is chosen removes it. The name is this process's own, so nothing
    # else can have made it.
    try:
        for _ in range(_NAME_ATTEMPTS):
            tmp = folder / f"{temporary_prefix(target)}{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
            try:
                # The mode a plain open() gives (0o666 less the umask), set by the system as it
                # creates the file: no window in which it exists with other permissions.
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666))
                break
            except FileExistsError:
                tmp = None
            except OSError as error:
                tmp = None
                raise TechTradeError(f"{target}: cannot write a file in {folder} ({error.strerror or error})") from None
        if tmp is None:
            raise TechTradeError(f"{target}: cannot find a free temporary name in {folder}")
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as error:
            raise TechTradeError(f"{target}: cannot replace it ({error.strerror or error})") from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
