"""An analyst pastes Texas's 2020 tech exports from a web page, `45,022,715,511`, and Calc keeps it as text.

Texas then reads $0 and the U.S. total falls by $45 billion, with no error anywhere. ``extract``
refuses the file; ``check`` must not be weaker: it names the input cell and exits 1, and the
Checks sheet, recalculated, shows Texas as differing from the release without a known reason
(Census revisions explain $45.0 billion, not $0).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import run_cli
from workbook.templates_loader import wording
from workbook_cells import records, row_of, tables

YEAR = 2020
AS_PASTED = "45,022,715,511"


@pytest.fixture(scope="module")
def pasted(office, default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """One LibreOffice session: the figure entered as text, the Checks read after recalculation, saved."""
    folder = tmp_path_factory.mktemp("pasted")
    source = folder / "snapshot.xlsx"
    shutil.copy(default_workbook, source)
    where = tables(source)
    exports, published = where["CensusExports"], where["PublishedChecks"]
    cell = f"{exports.column_letter(str(YEAR))}{row_of(source, exports, 'TX', 334)}"
    saved = folder / "pasted.xlsx"
    results = office.run(source, [
        {"op": "set", "sheet": exports.sheet, "cell": cell, "value": AS_PASTED},
        {"op": "read", "sheet": exports.sheet, "cell": cell},
        {"op": "read_name", "name": "TechExportsUS"},
        {"op": "read", "sheet": published.sheet, "range": published.whole()},
        {"op": "save", "path": str(saved)},
    ])
    return SimpleNamespace(saved=saved, sheet=exports.sheet, cell=cell, typed=results[1], total=results[2],
                           published=records(results[3], ("Figure", "Year", "Subject")))


def test_calc_keeps_the_figure_as_text_and_texas_drops_out_of_the_total(pasted):
    assert pasted.typed == AS_PASTED
    assert pasted.total == pytest.approx(197_258_717_314 - 45_022_715_511)


def test_the_checks_sheet_shows_texas_differing_without_a_known_reason(pasted):
    words = wording("checks")
    texas = pasted.published[("state_tech_exports", YEAR, "TX")]
    assert texas["Workbook"] == 0
    assert texas["Status"] == words["differs"]
    assert not texas["Known reason"]


def test_check_names_the_input_cell_and_exits_1(pasted):
    result = run_cli("check", pasted.saved)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert f"'{pasted.sheet}'!{pasted.cell}: the CensusExports table value_usd: {AS_PASTED!r}: expected an amount in " \
           "whole U.S. dollars (at least 0 and at most 1e+15), written as plain digits without thousands separators " \
           "or currency signs" in lines
    texas = [line for line in lines if line.startswith("Checks!") and "Tech exports of Texas" in line]
    assert len(texas) == 1 and "the workbook's 0 differs from the published 44,900,000,000 without a known reason" \
        in texas[0], texas
