"""The default build is the reference kept in tests/reference/default/, part by part.

A change of output (a cell's value, formula or style, a row's height, a column's width, a print
setting, a chart's series) fails here, naming the part, the cell or line, and old -> new; where the
change is meant, regenerate the reference and commit it with the change, so that review sees it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from helpers import rewrite_part, sheet_part
from reference_build import REGENERATE, describe, differences, read_reference, relative_formula


@pytest.fixture(scope="module")
def described(default_workbook: Path) -> dict[str, str]:
    return describe(default_workbook)


def test_the_default_build_writes_what_the_reference_says(described: dict[str, str]):
    found = differences(read_reference(), described)
    if found:
        pytest.fail("The default build differs from tests/reference/default/ (first differences, old and new):\n"
                    + "\n".join(found)
                    + f"\nIf the change is meant, regenerate the reference with `{REGENERATE}`, review it with "
                      "`git diff tests/reference/` and commit it with the change.", pytrace=False)


def test_a_changed_column_width_is_found_and_named(default_workbook: Path, described: dict[str, str],
                                                   tmp_path: Path):
    part = sheet_part(default_workbook, "States")
    width = re.compile(r'(<col min="(\d+)" max="(\d+)" width=")([\d.]+)"')
    with zipfile.ZipFile(default_workbook) as archive:
        first = width.search(archive.read(part).decode())
    assert first is not None
    wider = rewrite_part(default_workbook, tmp_path / "wider.xlsx", part,
                         lambda xml: width.sub(lambda match: f'{match[1]}{float(match[4]) + 5}"', xml, count=1))
    states = next(name for name, text in described.items() if text.startswith('# Worksheet "States"'))
    assert differences(described, describe(wider)) == [
        f"{states} (Worksheet \"States\" ({part})):\n"
        f"    old: col customWidth=1 max={first[3]} min={first[2]} width={first[4]}\n"
        f"    new: col customWidth=1 max={first[3]} min={first[2]} width={float(first[4]) + 5}"]


def test_a_changed_cached_value_and_row_height_are_found_cell_by_cell(default_workbook: Path,
                                                                      described: dict[str, str], tmp_path: Path):
    part = sheet_part(default_workbook, "States")
    height = re.compile(r'<row r="(\d+)" spans="[\d:]+" ht="([\d.]+)"')
    cached = re.compile(r'<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f><v>([\d.]+)</v>')
    with zipfile.ZipFile(default_workbook) as archive:
        xml = archive.read(part).decode()
    row, cell = height.search(xml), cached.search(xml)
    assert row is not None and cell is not None

    def change(xml: str) -> str:
        xml = height.sub(lambda match: match[0].replace(f'ht="{match[2]}"', 'ht="99"'), xml, count=1)
        return cached.sub(lambda match: match[0].replace(f"<v>{match[2]}</v>", "<v>-1</v>"), xml, count=1)

    found = differences(described, describe(rewrite_part(default_workbook, tmp_path / "changed.xlsx", part, change)))
    assert [line.split(")), ", 1)[1].split(":", 1)[0] for line in found] == [f"row {row[1]}", cell[1]]
    assert f"old: customHeight=1 ht={row[2]}" in found[0] and "new: customHeight=1 ht=99" in found[0]
    assert f"-> {cell[2]}\n" in found[1] and found[1].endswith("-> -1")


def test_a_missing_or_new_file_of_the_reference_is_named():
    assert differences({"a.txt": "x\n"}, {"b.txt": "x\n"}) == [
        "a.txt: in the reference, not written by the build", "b.txt: written by the build, not in the reference"]


def test_many_differences_are_cut_short():
    old = {"a.txt": "".join(f"{n}\n" for n in range(30))}
    new = {"a.txt": "".join(f"{n} changed\n" for n in range(30))}
    found = differences(old, new, most=5)
    assert found[:2] == ["a.txt:\n    old: 0\n    new: 0 changed", "a.txt:\n    old: 1\n    new: 1 changed"]
    assert found[-1] == "... and 25 more"


def test_a_formula_filled_down_reads_the_same_in_every_row():
    assert relative_formula("SUM($A5:B5)*'Sheet 2'!C$1", 5, 3) == relative_formula("SUM($A6:B6)*'Sheet 2'!C$1", 6, 3)
    assert relative_formula("SUM($A5:B5)", 5, 3) == "=SUM(RC1:RC[-1])"
    # Names and tables are not cells, whatever they look like.
    assert relative_formula("StateSummary[[#This Row],[Code]]&SnapshotYear", 5, 3) == (
        "=StateSummary[[#This Row],[Code]]&SnapshotYear")


def test_the_reference_covers_every_part_but_the_seal(default_workbook: Path, described: dict[str, str]):
    with zipfile.ZipFile(default_workbook) as archive:
        parts = set(archive.namelist())
    listed = {re.split(r" (->|sha256=)", line)[0] for line in described["parts.txt"].splitlines()[1:]}
    assert listed == parts - {"docProps/custom.xml"}
    assert "## docProps/custom.xml" not in described["package.txt"]
