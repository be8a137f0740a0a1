"""Where a command writes, checked before it does any work.

A file named for output must end as what is written there (a workbook ``.xlsx``, an
extension ``.oxt``), and its folder must exist; a folder named for output (an existing
one, or a name ending in ``/``) takes the default file name inside it. A folder to
write data files into must not be a file. Writing commands that default to ``./data``
refuse to write into the data bundled with the tool or into a folder git tracks, unless
``--data`` names it: an import meant for a scratch folder never replaces the tool's data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import TechTradeError

#: The folder writing commands write data files into when --data is not given.
DEFAULT_DATA_TO_WRITE = Path("data")


@dataclass(frozen=True)
class OutputFile:
    """A command's output file as the user named it: a file, or a folder that takes the default name."""

    folder: Path
    name: str | None = None

    def path(self, default_name: str) -> Path:
        """The file to write; made, with its folder, only when called (after the command's checks)."""
        make_folder(self.folder, "--out")
        return self.folder / (self.name or default_name)


def output_file(named: str | Path | None, suffix: str, what: str) -> OutputFile:
    """``named`` (``--out``) checked before any work: a folder, or a file ending in ``suffix``
    (``what`` is written there, said in the message) whose folder exists."""
    if named is None:
        return OutputFile(Path())
    text = str(named)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir():
        _refuse_a_file_as_folder(path, "--out")
        return OutputFile(path)
    if path.suffix.lower() != suffix:
        right = path.with_suffix(suffix) if path.suffix else path.with_name(path.name + suffix)
        raise TechTradeError(f"{text}: {what} is written as a {suffix} file; name it {right} "
                             f"(or name a folder, which takes the default name)")
    parent = path.parent
    if not parent.is_dir():
        raise TechTradeError(f"{text}: there is no folder {parent} to write it in")
    return OutputFile(parent, path.name)


def folder_to_write(folder: Path, option: str) -> Path:
    """``folder`` (given with ``option``) checked before any work: a folder, or a name free for one."""
    _refuse_a_file_as_folder(Path(folder), option)
    return Path(folder)


def make_folder(folder: Path, option: str) -> None:
    """Make ``folder`` (and its parents) if absent; one line naming it when that cannot be done."""
    _refuse_a_file_as_folder(folder, option)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TechTradeError(f"{folder}: cannot make the folder ({error.strerror or error})") from None


def _refuse_a_file_as_folder(folder: Path, option: str) -> None:
    for each in (folder, *folder.parents):
        if each.exists() and not each.is_dir():
            which = "" if each == folder else f"{each} "
            raise TechTradeError(f"{folder}: {which}is a file, not a folder; {option} names a folder to write into")


def data_to_write(named: Path | None, bundled: Path) -> Path:
    """The data folder an import writes: ``--data``, checked, else ``./data``, unless that is the data
    bundled with the tool or a folder git tracks, which are written only when --data names them."""
    if named is not None:
        return folder_to_write(named, "--data")
    folder = folder_to_write(DEFAULT_DATA_TO_WRITE, "--data")
    if folder.is_dir() and (_same_folder(folder, bundled) or _tracked_by_git(folder)):
        whose = "the data bundled with the tool" if _same_folder(folder, bundled) else "tracked by git"
        raise TechTradeError(f"{folder}: is {whose}, so it is written only on purpose: give --data {folder} "
                             "to replace its files, or --data DIR for another folder")
    return folder


def unread_data_here(bundled: Path) -> Path | None:
    """``./data``, when it holds data files and is not the bundled data ``build`` reads without --data."""
    folder = DEFAULT_DATA_TO_WRITE
    if (folder / "settings.csv").is_file() or (folder / "census_exports.csv").is_file():
        if not _same_folder(folder, bundled):
            return folder
    return None


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or os.path.samefile(one, other)
    except OSError:
        return False


def _tracked_by_git(folder: Path) -> bool:
    """Whether git tracks a file in ``folder`` (False where git is not installed or it is no repository)."""
    git = shutil.which("git")
    if git is None:
        return False
    try:
        listed = subprocess.run([git, "-C", str(folder), "ls-files", "--", "."], capture_output=True, text=True,
                                timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return listed.returncode == 0 and bool(listed.stdout.strip())
