"""Fixtures shared by the tests.

Tests that need LibreOffice or the Office Open XML validator either mark
themselves (``@pytest.mark.libreoffice``, ``@pytest.mark.validator``) or use the
``require_libreoffice`` / ``require_validator`` fixtures (which module-scoped
fixtures can use too). Where a tool is missing such a test is skipped, except in
CI (environment variable CI set), where it fails: CI must not pass by skipping.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import DATA, build_workbook, open_workbook, require_tool, run_cli
from workbook.engines import libreoffice
from workbook.checking import validator


@pytest.fixture(scope="session")
def require_libreoffice() -> Path:
    """The soffice program."""
    return require_tool(libreoffice.find_soffice)


@pytest.fixture(scope="session")
def require_validator() -> Path:
    """The ooxml-validate program."""
    return require_tool(validator.find_validator)


_TOOL_FINDERS = {
    "libreoffice": libreoffice.find_soffice,
    "validator": validator.find_validator,
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Make the ``libreoffice`` and ``validator`` markers require their tool."""
    for marker, find in _TOOL_FINDERS.items():
        if item.get_closest_marker(marker) is not None:
            require_tool(find)


@pytest.fixture(scope="session")
def default_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tech-trade build`` with no options, run in an empty folder: README's first command.

    It reads the bundled data; tests/test_build.py builds again with ``--data data/`` and finds the same bytes.
    """
    folder = tmp_path_factory.mktemp("default-build")
    result = run_cli("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    # The 2021 edition shows the data of 2020.
    path = folder / "tech-trade-snapshot-2021.xlsx"
    assert path.exists()
    return path


# openpyxl's workbooks below are opened once per session and shared by the test modules:
# the tests only read them, and never save them.

@pytest.fixture(scope="session")
def default_values(default_workbook: Path):
    """The default build as openpyxl reads it: the cached values of its formulas."""
    return open_workbook(default_workbook, data_only=True)


@pytest.fixture(scope="session")
def default_formulas(default_workbook: Path):
    """The default build as openpyxl reads it: formulas, not their values."""
    return open_workbook(default_workbook)


@pytest.fixture(scope="session")
def workbook_of_year(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """``build --data DATA --year YEAR``, run once per year for the session, whichever modules ask for it.

    A build is seconds of a subprocess; the same years (2019, 2021, 2025, ...) are read by the Trend,
    Map, Partners, IronCalc and analyst tests alike. The tests only read the workbook: one that
    edits it copies it first.
    """
    built: dict[int, Path] = {}

    def workbook(year: int) -> Path:
        if year not in built:
            built[year] = build_workbook(tmp_path_factory.mktemp(f"build-{year}") / f"snapshot-{year}.xlsx", year)
        return built[year]

    return workbook


@pytest.fixture(scope="session")
def workbook_2019(workbook_of_year: Callable[[int], Path]) -> Path:
    """The build for 2019, a year the press release does not cover."""
    return workbook_of_year(2019)


@pytest.fixture(scope="session")
def values_2019(workbook_2019: Path):
    """The 2019 build's cached values."""
    return open_workbook(workbook_2019, data_only=True)


@pytest.fixture(scope="session")
def default_ods_edition(tmp_path_factory: pytest.TempPathFactory, require_libreoffice: Path) -> tuple[Path, Path]:
    """``build --ods`` of the bundled data, once for the session (LibreOffice writes the .ods, and the build
    reads it back): (workbook, .ods). A test that writes beside them, or opens them in Calc, copies them."""
    folder = tmp_path_factory.mktemp("ods-build")
    result = run_cli("build", "--data", DATA, "--ods", cwd=folder)
    assert result.returncode == 0, result.stderr
    [workbook] = folder.glob("*.xlsx")
    assert result.stdout == f"wrote {workbook.name}\nwrote {workbook.with_suffix('.ods').name}\n"
    return workbook, workbook.with_suffix(".ods")


@pytest.fixture(scope="session")
def default_pdf(tmp_path_factory: pytest.TempPathFactory, require_libreoffice) -> tuple[Path, Path]:
    """``tech-trade build --pdf`` of the bundled data, once for the session (printing is slow): (workbook, PDF)."""
    folder = tmp_path_factory.mktemp("pdf")
    out = folder / "snapshot.xlsx"
    result = run_cli("build", "--pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    pdf = out.with_suffix(".pdf")
    assert pdf.exists()
    return out, pdf
