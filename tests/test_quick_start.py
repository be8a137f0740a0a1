"""README's quick start, run as written on Debian's own Python (``/usr/bin/python3`` first on PATH, which
refuses ``pip install`` outside a virtual environment: PEP 668), in a fresh copy of the repository.

Tests reach no network: pip is given no index, only a folder of wheels packed again from the packages
installed in the environment running the tests (``tests/wheelhouse.py``), and no configuration file, so
it installs exactly what README's command asks for, from those wheels alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from helpers import REPO, running_in_ci
from wheelhouse import wheelhouse

DEBIAN_PYTHON = Path("/usr/bin/python3")


def _readme_first_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", quick_start, flags=re.DOTALL)
    assert block is not None, "README's quick start has no sh block"
    return block.group(1).strip()


def _fresh_copy(target: Path) -> Path:
    """The repository's files as a clone has them (tracked, and new ones not ignored), nothing built."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _can_make_a_virtual_environment() -> str | None:
    if not DEBIAN_PYTHON.is_file():
        return f"{DEBIAN_PYTHON} is not installed"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import ensurepip, venv"], capture_output=True)
    if probe.returncode != 0:
        return f"{DEBIAN_PYTHON} cannot make virtual environments (apt-get install python3-venv; .ci/run does)"
    return None


def test_readme_quick_start_writes_the_workbook_with_debians_python(tmp_path: Path):
    missing = _can_make_a_virtual_environment()
    if missing is not None:
        if running_in_ci():
            pytest.fail(missing)
        pytest.skip(missing)
    command = _readme_first_command()
    assert command.startswith("python3 "), "README's first command runs the python3 found on PATH"
    copy = _fresh_copy(tmp_path / "tech-trade-snapshot")
    wheels = wheelhouse(tmp_path / "wheels", "tech-trade-snapshot", "setuptools")
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("PIP_") and name not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    environment.update(
        PATH=os.pathsep.join([str(DEBIAN_PYTHON.parent), environment.get("PATH", "")]),
        # No index and no configuration file: the wheels above are all pip may install.
        PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_CACHE_DIR="1")
    result = subprocess.run(["bash", "-c", command], cwd=copy, env=environment, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    workbook = copy / "tech-trade-snapshot-2021.xlsx"
    assert result.stdout.endswith("wrote tech-trade-snapshot-2021.xlsx\n")
    with zipfile.ZipFile(workbook) as archive:
        assert "xl/workbook.xml" in archive.namelist()
    # Built by Debian's Python, in the virtual environment the command made.
    assert Path(os.path.realpath(copy / ".venv" / "bin" / "python3")) == DEBIAN_PYTHON.resolve()
