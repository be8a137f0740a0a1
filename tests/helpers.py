"""Shared helpers for the tests: where things are, and running the command as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"


def run_cli(*args: object, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m workbook ARGS`` and capture what a user would see."""
    return subprocess.run(
        [sys.executable, "-m", "workbook", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or REPO, env={**os.environ, **(env or {})}, timeout=600,
    )


def open_workbook(path: Path, data_only: bool = False):
    """Read a built workbook with openpyxl: formulas, or (data_only) the cached values.

    openpyxl warns that it cannot keep the data-bar, sparkline and other extensions
    it does not know; the tests only read, so those warnings are expected here.
    """
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*extension is not supported", category=UserWarning)
        return openpyxl.load_workbook(path, data_only=data_only)
