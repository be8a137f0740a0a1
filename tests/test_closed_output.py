"""Every command ends quietly when whoever reads its output stops reading (``tech-trade … | head -1``):
no traceback, and exit status 141, what a shell shows for a program stopped by a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DATA, REPO
from hostile_files import small_workbook
from workbook.errors import EXIT_OUTPUT_CLOSED


def run_with_output_closed(*args: object) -> tuple[int, str]:
    """Run ``python -m workbook ARGS`` with standard output a pipe nobody reads: the reader has gone.

    The reading end is closed before the command starts, so its first write fails, as it does
    when ``head`` has exited.
    """
    reading, writing = os.pipe()
    os.close(reading)
    try:
        result = subprocess.run([sys.executable, "-m", "workbook", *map(str, args)], stdout=writing,
                                stderr=subprocess.PIPE, text=True, cwd=REPO, timeout=600)
    finally:
        os.close(writing)
    return result.returncode, result.stderr


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("closed-output")
    paths = folder / "2020.xlsx", folder / "2019.xlsx"
    for path, year in zip(paths, (2020, 2019)):
        result = subprocess.run([sys.executable, "-m", "workbook", "build", "--data", str(DATA), "--year", str(year),
                                 "--out", str(path)], capture_output=True, text=True, cwd=REPO, timeout=600)
        assert result.returncode == 0, result.stderr
    return paths


def test_a_build_whose_output_is_closed_still_writes_its_workbook_and_ends_quietly(tmp_path: Path):
    out = tmp_path / "snapshot.xlsx"
    assert run_with_output_closed("build", "--data", DATA, "--out", out) == (EXIT_OUTPUT_CLOSED, "")
    assert out.is_file()


def test_a_diff_whose_output_is_closed_ends_quietly(two_builds: tuple[Path, Path]):
    # The years differ, so diff has lines to print (the snapshot year is an input).
    assert run_with_output_closed("diff", *two_builds) == (EXIT_OUTPUT_CLOSED, "")


@pytest.mark.libreoffice
@pytest.mark.validator
def test_a_check_whose_output_is_closed_ends_quietly(tmp_path: Path):
    path = small_workbook(tmp_path / "small.xlsx")
    assert run_with_output_closed("check", path) == (EXIT_OUTPUT_CLOSED, "")


def test_the_status_is_what_a_shell_shows_for_a_closed_pipe():
    assert EXIT_OUTPUT_CLOSED == 128 + 13  # SIGPIPE is signal 13 on Linux and macOS
