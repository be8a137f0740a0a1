"""Loads the data folder and checks every file against its schema.

Every problem is raised as one :class:`~workbook.errors.InputError` naming the file, the
row (as an editor numbers lines: the header is row 1), the column, the bad value and
what was expected. Nothing is written before all files have loaded cleanly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.errors import InputError
from workbook.reference import FIRST_SPECIAL_PROVISION_CODE
from workbook.schema import (ALL_FILES, CATEGORIES, DESTINATIONS, EXPORTS, IMPORTS, PUBLISHED, SETTINGS, STATES, Column,
                             FileSchema)

#: A sheet holds 1,048,576 rows, one of them the header.
MAX_DATA_ROWS = 1_048_575
#: Excel's limit on the text of one cell.
MAX_CELL_TEXT = 32_767
#: A header row starts a file at row 1, so data row i (0-based) is on line i + 2.
FIRST_DATA_LINE = 2


@dataclass(frozen=True)
class Dataset:
    """Every input table, parsed and checked, as pandas data frames."""

    states: pd.DataFrame
    categories: pd.DataFrame
    exports: pd.DataFrame
    imports: pd.DataFrame
    published: pd.DataFrame
    #: The published top destinations; value_usd is NaN where no value was entered.
    destinations: pd.DataFrame
    folder: Path
    #: settings.csv as {setting: value}; empty where the folder has none.
    settings: dict = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted(set(self.exports["year"]) | set(self.imports["year"]))

    def require_year(self, year: int) -> None:
        if year not in set(self.exports["year"]):
            present = self.years
            span = f"{present[0]}–{present[-1]}" if present else "none"
            raise InputError(self.folder / EXPORTS.filename, column="year", value=year,
                             expected=f"the snapshot year is not in the data (years present: {span})")


def load_dataset(folder: Path) -> Dataset:
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "the data folder does not exist (expected a folder of CSV files; see data/README.md)")
    tables = {schema.filename: read_table(folder / schema.filename, schema) for schema in ALL_FILES}
    for schema in ALL_FILES:
        for column, other_file, other_column in schema.references:
            _check_reference(folder / schema.filename, tables[schema.filename], column,
                             tables[other_file][other_column], other_file)
    _check_category_kinds(folder / CATEGORIES.filename, tables[CATEGORIES.filename])
    return Dataset(
        states=tables[STATES.filename],
        categories=tables[CATEGORIES.filename],
        exports=tables[EXPORTS.filename],
        imports=tables[IMPORTS.filename],
        published=tables[PUBLISHED.filename],
        destinations=tables[DESTINATIONS.filename],
        folder=folder,
        settings=_read_settings(folder),
    )


def _read_settings(folder: Path) -> dict:
    path = folder / SETTINGS.filename
    if not path.exists():
        return {}
    frame = read_table(path, SETTINGS)
    return {row.setting: _whole(row.value) for row in frame.itertuples()}


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def read_table(path: Path, schema: FileSchema) -> pd.DataFrame:
    """Read one CSV file and return it typed by its schema, or raise InputError."""
    rows = _read_rows(path, schema)
    header, body = rows[0], rows[1:]
    _check_header(path, header, schema)
    if not body:
        raise InputError(path, row=FIRST_DATA_LINE,
                         expected="the file has a header but no data rows (expected at least one row)")
    if len(body) > MAX_DATA_ROWS:
        raise InputError(path, row=MAX_DATA_ROWS + FIRST_DATA_LINE,
                         expected=f"too many rows: {len(body):,} data rows, but a sheet holds at most {MAX_DATA_ROWS:,}")
    for index, fields in enumerate(body):
        if len(fields) != len(header):
            raise InputError(path, row=index + FIRST_DATA_LINE, value=",".join(fields),
                             expected=f"{len(fields)} fields, expected {len(header)} ({','.join(header)})")
    raw = pd.DataFrame(body, columns=header, dtype=object)
    frame = pd.DataFrame({column.name: _parse_column(path, raw[column.name], column) for column in schema.columns})
    _check_unique_key(path, frame, schema)
    return frame


def _read_rows(path: Path, schema: FileSchema) -> list[list[str]]:
    if not path.is_file():
        raise InputError(path, f"file not found (expected {schema.description.lower()}; see data/README.md)")
    data = path.read_bytes()
    try:
        # utf-8-sig accepts the byte-order mark that spreadsheet programs put first.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, row=line, value=data[error.start:error.start + 1].hex(" "),
                         expected="a byte that is not UTF-8 text (save the file as UTF-8)") from None
    if not text.strip():
        raise InputError(path, row=1, expected=f"the file is empty (expected a header row: {','.join(schema.column_names)})")
    csv.field_size_limit(max(MAX_CELL_TEXT * 4, 131_072))
    try:
        # newline="" semantics: splitlines(keepends) keeps quoted line breaks inside fields intact.
        rows = list(csv.reader(text.splitlines(keepends=True), strict=True))
    except csv.Error as error:
        raise InputError(path, expected=f"not a well-formed CSV file ({error})") from None
    return [row for row in rows if row]


def _check_header(path: Path, header: list[str], schema: FileSchema) -> None:
    stripped = [name.strip() for name in header]
    for position, name in enumerate(stripped):
        if name not in schema.column_names:
            raise InputError(path, row=1, column=name or f"#{position + 1}", expected=(
                f"unknown column (expected the columns {','.join(schema.column_names)})"))
        if stripped.count(name) > 1:
            raise InputError(path, row=1, column=name, expected="the column appears twice in the header")
    for name in schema.column_names:
        if name not in stripped:
            raise InputError(path, row=1, column=name,
                             expected=f"missing column (expected the columns {','.join(schema.column_names)})")
    header[:] = stripped


def _parse_column(path: Path, raw: pd.Series, column: Column) -> pd.Series:
    text = raw.astype(str).str.strip()
    if column.kind in ("year", "integer", "amount", "number"):
        return _parse_numbers(path, text, column)
    return _parse_text(path, text, column)


def _parse_numbers(path: Path, text: pd.Series, column: Column) -> pd.Series:
    empty = text == ""
    if column.required:
        _fail_first(path, empty, text, column, "a value is required")
    numbers = pd.to_numeric(text.where(~empty), errors="coerce")
    # pandas reads "nan" and "inf" as numbers; data never means them.
    not_a_number = ~empty & (numbers.isna() | text.str.lower().str.contains("nan|inf", regex=True))
    _fail_first(path, not_a_number, text, column, _number_expectation(column))
    finite = numbers.to_numpy(dtype=float, na_value=np.nan)
    if column.kind in ("year", "integer"):
        fractional = ~empty & pd.Series(finite % 1 != 0, index=text.index)
        _fail_first(path, fractional, text, column, _number_expectation(column))
    if column.minimum is not None:
        _fail_first(path, ~empty & (numbers < column.minimum), text, column, _number_expectation(column))
    if column.maximum is not None:
        _fail_first(path, ~empty & (numbers > column.maximum), text, column, _number_expectation(column))
    if column.kind in ("year", "integer"):
        return numbers.astype("Int64") if not column.required else numbers.astype("int64")
    return numbers.astype("float64")


def _number_expectation(column: Column) -> str:
    nouns = {
        "year": "a calendar year",
        "integer": "a whole number",
        "amount": "an amount in whole U.S. dollars",
        "number": "a number",
    }
    bounds = []
    if column.minimum is not None:
        bounds.append(f"at least {column.minimum:,g}")
    if column.maximum is not None:
        bounds.append(f"at most {column.maximum:,g}")
    limits = f" ({' and '.join(bounds)})" if bounds else ""
    return f"expected {nouns[column.kind]}{limits}, written as plain digits without thousands separators or currency signs"


def _parse_text(path: Path, text: pd.Series, column: Column) -> pd.Series:
    if column.required:
        _fail_first(path, text == "", text, column, "a value is required")
    _fail_first(path, text.str.len() > MAX_CELL_TEXT, text, column,
                f"text longer than {MAX_CELL_TEXT:,} characters, the most a spreadsheet cell holds")
    if column.choices:
        _fail_first(path, (text != "") & ~text.isin(column.choices), text, column,
                    f"expected one of: {', '.join(column.choices)}")
    return text


def _fail_first(path: Path, bad: pd.Series, text: pd.Series, column: Column, expected: str) -> None:
    """Raise for the first row where ``bad`` holds."""
    if bool(bad.any()):
        index = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(path, row=index + FIRST_DATA_LINE, column=column.name, value=text.iloc[index],
                         expected=expected)


def _check_unique_key(path: Path, frame: pd.DataFrame, schema: FileSchema) -> None:
    duplicated = frame.duplicated(list(schema.key), keep=False)
    if bool(duplicated.any()):
        positions = np.flatnonzero(duplicated.to_numpy())
        first, second = positions[0], positions[1]
        key = ", ".join(f"{name}={frame[name].iloc[second]}" for name in schema.key)
        raise InputError(path, row=int(second) + FIRST_DATA_LINE, column=",".join(schema.key), value=key,
                         expected=f"duplicate key: the same {', '.join(schema.key)} as row {first + FIRST_DATA_LINE}")


def _check_reference(path: Path, frame: pd.DataFrame, column: str, known: pd.Series, known_file: str) -> None:
    unknown = ~frame[column].isin(set(known))
    if bool(unknown.any()):
        index = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(path, row=index + FIRST_DATA_LINE, column=column, value=str(frame[column].iloc[index]),
                         expected=f"unknown code (expected one listed in {known_file})")


def _check_category_kinds(path: Path, categories: pd.DataFrame) -> None:
    expected = np.where(categories["naics3"] >= FIRST_SPECIAL_PROVISION_CODE, "special", "product")
    wrong = categories["kind"].to_numpy() != expected
    if wrong.any():
        index = int(np.flatnonzero(wrong)[0])
        raise InputError(path, row=index + FIRST_DATA_LINE, column="kind", value=categories["kind"].iloc[index],
                         expected=(f"expected {expected[index]}: codes from {FIRST_SPECIAL_PROVISION_CODE} up are Census "
                                   "special classification provisions, codes below are product categories"))
