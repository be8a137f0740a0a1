"""Bad input files end in one line naming the file, row, column, value and what was expected,
exit status 2, no traceback, and no workbook written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import DATA, run_cli
from workbook.errors import InputError
from workbook.dataset.load import load_dataset


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def replace_line(path: Path, line_number: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def line(path: Path, line_number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line_number - 1]


def build_fails_with(data: Path, *expected_parts: str) -> str:
    out = data.parent / "out.xlsx"
    result = run_cli("build", "--data", data, "--out", out)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message, f"expected one line, got:\n{message}"
    assert "Traceback" not in message
    for part in expected_parts:
        assert part in message, f"{part!r} not in {message!r}"
    assert not out.exists(), "a failed build must not write a workbook"
    assert list(data.parent.glob("*.part")) == [], "no temporary file may be left behind"
    return message


def test_the_bundled_data_loads_with_every_year_and_state():
    data = load_dataset(DATA)
    assert data.years == list(range(2016, 2026))
    assert data.exports["state_code"].nunique() == 53
    assert len(data.states) == 53


def test_missing_column_is_named(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    text = exports.read_text().replace("year,state_code,naics3,value_usd", "year,state_code,value_usd", 1)
    exports.write_text("\n".join(",".join(row.split(",")[:2] + row.split(",")[3:]) if i else row
                                 for i, row in enumerate(text.splitlines())) + "\n")
    build_fails_with(data_copy, "census_exports.csv", "row 1", "column naics3", "missing column")


def test_text_in_a_number_column_names_row_column_and_value(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    year, state, naics, _ = line(exports, 7).split(",")
    replace_line(exports, 7, f"{year},{state},{naics},lots")
    build_fails_with(data_copy, "census_exports.csv", "row 7", "column value_usd", "'lots'",
                     "an amount in whole U.S. dollars")


def test_thousands_separators_are_rejected_not_misread(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    year, state, naics, _ = line(exports, 3).split(",")
    replace_line(exports, 3, f'{year},{state},{naics},"1,234"')
    build_fails_with(data_copy, "row 3", "column value_usd", "'1,234'", "without thousands separators")


def test_negative_amount_is_rejected(data_copy: Path):
    imports = data_copy / "census_imports.csv"
    year, state, naics, _ = line(imports, 12).split(",")
    replace_line(imports, 12, f"{year},{state},{naics},-5")
    build_fails_with(data_copy, "census_imports.csv", "row 12", "column value_usd", "'-5'", "at least 0")


def test_duplicate_key_names_both_rows(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    replace_line(exports, 9, line(exports, 8))
    build_fails_with(data_copy, "census_exports.csv", "row 9", "duplicate key", "as row 8")


def test_unknown_state_code_is_rejected(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    year, _, naics, value = line(exports, 5).split(",")
    replace_line(exports, 5, f"{year},XX,{naics},{value}")
    build_fails_with(data_copy, "census_exports.csv", "row 5", "column state_code", "'XX'", "states.csv")


def test_unknown_category_code_is_rejected(data_copy: Path):
    imports = data_copy / "census_imports.csv"
    year, state, _, value = line(imports, 4).split(",")
    replace_line(imports, 4, f"{year},{state},999,{value}")
    build_fails_with(data_copy, "census_imports.csv", "row 4", "column naics3", "'999'", "categories.csv")


def test_missing_year_value_is_rejected(data_copy: Path):
    exports = data_copy / "census_exports.csv"
    _, state, naics, value = line(exports, 6).split(",")
    replace_line(exports, 6, f",{state},{naics},{value}")
    build_fails_with(data_copy, "census_exports.csv", "row 6", "column year", "a value is required")


def test_a_snapshot_year_missing_from_the_data_is_rejected(data_copy: Path):
    out = data_copy.parent / "out.xlsx"
    result = run_cli("build", "--data", data_copy, "--year", "2031", "--out", out)
    assert result.returncode == 2
    assert "census_exports.csv" in result.stderr and "2031" in result.stderr and "2016–2025" in result.stderr
    assert not out.exists()


def test_missing_file_is_named(data_copy: Path):
    (data_copy / "states.csv").unlink()
    build_fails_with(data_copy, "states.csv", "file not found")


def test_a_failed_build_leaves_an_earlier_workbook_untouched(data_copy: Path):
    out = data_copy.parent / "out.xlsx"
    out.write_bytes(b"an earlier workbook")
    (data_copy / "categories.csv").write_text("naics3,label,kind\n", encoding="utf-8")
    result = run_cli("build", "--data", data_copy, "--out", out)
    assert result.returncode == 2
    assert "header but no data rows" in result.stderr
    assert out.read_bytes() == b"an earlier workbook"


def test_input_error_reads_as_one_line():
    error = InputError("data/x.csv", "expected a number", row=3, column="value_usd", value="abc")
    assert str(error) == "data/x.csv, row 3, column value_usd: 'abc': expected a number"
