"""Wheels of the packages installed in the running environment, packed again from their files, so that
a test can ``pip install`` the package into a new virtual environment without the network.

Each installed distribution's RECORD lists the files its wheel put in site-packages; zipped back with
its ``.dist-info`` (and a RECORD of their hashes) they are that wheel again, as pip reads it. Scripts
installed outside site-packages are left out: pip writes them anew from ``entry_points.txt``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: What an installer leaves in a .dist-info that no wheel holds: it writes them itself.
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


def requirements_closure(*names: str) -> list[metadata.Distribution]:
    """The installed distributions ``names`` and everything they require (on this platform, no extras)."""
    found: dict[str, metadata.Distribution] = {}
    waiting = list(names)
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in found:
            continue
        distribution = metadata.distribution(name)
        found[name] = distribution
        for text in distribution.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)
    return list(found.values())


def pack_wheel(distribution: metadata.Distribution, folder: Path) -> Path:
    """``distribution`` as the wheel it was installed from, written into ``folder``."""
    info = next(file for file in distribution.files or [] if file.parent.name.endswith(".dist-info"))
    dist_info = info.parent.name
    wheel_text = Path(str(distribution.locate_file(info.parent / "WHEEL"))).read_text(encoding="utf-8")
    tags = [tag.split("-") for tag in re.findall(r"^Tag: (\S+)$", wheel_text, flags=re.MULTILINE)]
    if not tags:
        raise ValueError(f"{dist_info}: its WHEEL names no tag")
    # The file name's compressed tag set (py2.py3-none-any), each part's values in the order given.
    tag = "-".join(".".join(dict.fromkeys(parts)) for parts in zip(*tags))
    name = canonicalize_name(distribution.metadata["Name"]).replace("-", "_")
    path = folder / f"{name}-{distribution.version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as wheel:
        for file in distribution.files or []:
            inside = file.as_posix()
            if inside.startswith("..") or "__pycache__" in file.parts or (
                    file.parent.name == dist_info and file.name in _INSTALLER_FILES):
                continue
            source = Path(str(distribution.locate_file(file)))
            if not source.is_file():
                continue
            data = source.read_bytes()
            wheel.writestr(inside, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{inside},sha256={digest},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        wheel.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return path


def wheelhouse(folder: Path, project: str, *more: str) -> Path:
    """A folder of wheels of what the installed ``project`` requires (not the project itself, which is
    built from its source) and of ``more``, for ``pip install --no-index --find-links``."""
    folder.mkdir(parents=True, exist_ok=True)
    required = [requirement.name for requirement in map(Requirement, metadata.distribution(project).requires or [])
                if requirement.marker is None or requirement.marker.evaluate({"extra": ""})]
    for distribution in requirements_closure(*required, *more):
        pack_wheel(distribution, folder)
    return folder
