"""Fixtures of the analyst's acceptance tests: LibreOffice Calc driven over UNO, and the Census data.

These tests need soffice and a Python that can ``import uno`` (Debian's
python3-uno for /usr/bin/python3). Where either is missing they are skipped with
the reason, except in CI (CI set), where they fail: CI must not pass by skipping.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import DATA, require_tool
from uno_office import Office, find_uno_python


@pytest.fixture(scope="session")
def office(require_libreoffice: Path) -> Office:
    """Runs LibreOffice sessions: ``office.run(workbook, actions)`` (see lo_driver.py)."""
    return Office(python=require_tool(find_uno_python), soffice=require_libreoffice)


@pytest.fixture(scope="session")
def census_exports() -> pd.DataFrame:
    return pd.read_csv(DATA / "census_exports.csv")


@pytest.fixture(scope="session")
def census_imports() -> pd.DataFrame:
    return pd.read_csv(DATA / "census_imports.csv")


@pytest.fixture(scope="session")
def state_codes() -> list[str]:
    return pd.read_csv(DATA / "states.csv", keep_default_na=False)["state_code"].tolist()
