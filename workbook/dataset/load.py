"""Loads the data folder and checks every file against its schema.

Every problem is raised as one :class:`~workbook.errors.InputError` naming the file, the
row (as an editor numbers lines: the header is row 1), the column, the bad value and
what was expected. Nothing is written before all files have loaded cleanly.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, cast

import numpy as np
import pandas as pd

from workbook import progress
from workbook.errors import InputError
from workbook.dataset.reference import FIRST_SPECIAL_PROVISION_CODE
from workbook.dataset.schema import (ALL_FILES, CATEGORIES, DESTINATIONS, EXPORTS, FIRST_YEAR, IMPORTS, LAST_YEAR,
                                     PARTIAL_YEARS, PARTNER_EXPORTS, PARTNER_IMPORTS, PUBLISHED, SETTINGS,
                                     STATE_FIGURES, STATES, Column, FileSchema)
from workbook.spreadsheet import ASTRAL_CHARACTERS, CONTROL_CHARACTERS, ERROR_VALUES, MAX_CELL_TEXT, MAX_DATA_ROWS

#: A header row starts a file at row 1, so data row i (0-based) is on line i + 2.
FIRST_DATA_LINE = 2
#: No data file comes near this size (a full sheet of Census rows is about 30 MB);
#: a bigger file is refused before it is read into memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The longest field the CSV reader takes: above a cell's limit, so that an over-long
#: cell is reported with its row and column, yet a stray quote that swallows the rest
#: of the file stops early.
CSV_FIELD_LIMIT = 131_072

#: Codes are matched by formulas (MATCH, COUNTIFS), where "*", "?", "~", "<", ">" or "=" change the match.
_CODE = r"[A-Za-z0-9_]+"
#: A column with more allowed values than this is described by pointing at the documentation.
_CHOICES_LISTED = 8
#: Kinds of column that :func:`_read_plain_table` reads.
_PLAIN_KINDS = ("year", "integer", "amount", "number", "code", "text")
#: A quoted stretch with no quote or line break inside; a whole field when a comma or line bounds it.
_QUOTED_STRETCH = re.compile(r'"[^"\r\n]*"')


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
    #: U.S. goods trade by NAICS-3 category and partner country (national: all states and
    #: trade not assigned to a state); empty frames where none is given.
    partner_exports: pd.DataFrame = field(default_factory=pd.DataFrame)
    partner_imports: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: settings.csv as {setting: value}; empty where the folder has none.
    settings: dict[str, float] = field(default_factory=dict)
    #: partial_years.csv as {year: the last month its figures cover}; empty where every year is whole.
    partial_years: dict[int, str] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        # unique() first: a set of a million rows' years, on every call, cost seconds.
        return sorted(set(self.exports["year"].unique().tolist()) | set(self.imports["year"].unique().tolist()))

    def require_year(self, year: int) -> None:
        if year not in set(self.exports["year"].unique().tolist()):
            present = self.years
            span = f"{present[0]}–{present[-1]}" if present else "none"
            raise InputError(self.folder / EXPORTS.filename, column="year", value=year,
                             expected=f"the snapshot year is not in the data (years present: {span})")


def load_dataset(folder: Path) -> Dataset:
    folder = Path(folder)
    if not folder.is_dir():
        found = "is a file, not a folder" if folder.exists() else "the data folder does not exist"
        raise InputError(folder, f"{found} (expected a folder of CSV files; see data/README.md)")
    tables, lines = {}, {}
    for schema in ALL_FILES:
        with progress.step(f"read {folder / schema.filename}") as step:
            tables[schema.filename], lines[schema.filename] = _read_table_lines(folder / schema.filename, schema)
            step.result = f"{len(tables[schema.filename]):,} rows"
    for schema in ALL_FILES:
        for column, other_file, other_column in schema.references:
            _check_reference(folder / schema.filename, tables[schema.filename], column,
                             tables[other_file][other_column], other_file, lines[schema.filename])
    _check_category_kinds(folder / CATEGORIES.filename, tables[CATEGORIES.filename], lines[CATEGORIES.filename])
    published = tables[PUBLISHED.filename]
    about_a_state = published["figure"].isin(STATE_FIGURES)
    _check_reference(folder / PUBLISHED.filename, published, "subject", tables[STATES.filename]["state_code"],
                     STATES.filename, lines[PUBLISHED.filename], only=about_a_state.to_numpy(),
                     expected=(f"unknown state (a figure about one state, {' or '.join(STATE_FIGURES)}, has as "
                               f"subject a code listed in {STATES.filename})"))
    return Dataset(
        states=tables[STATES.filename],
        categories=tables[CATEGORIES.filename],
        exports=tables[EXPORTS.filename],
        imports=tables[IMPORTS.filename],
        published=tables[PUBLISHED.filename],
        destinations=tables[DESTINATIONS.filename],
        folder=folder,
        partner_exports=tables[PARTNER_EXPORTS.filename],
        partner_imports=tables[PARTNER_IMPORTS.filename],
        settings=_read_settings(folder),
        partial_years=_read_partial_years(folder, set(tables[EXPORTS.filename]["year"].unique().tolist())
                                          | set(tables[IMPORTS.filename]["year"].unique().tolist())),
    )


class _Setting(Protocol):
    """A row of settings.csv (``schema.SETTINGS``), as ``DataFrame.itertuples`` gives it."""

    setting: str
    value: float


def _read_settings(folder: Path) -> dict[str, float]:
    path = folder / SETTINGS.filename
    if not path.exists():
        return {}
    frame, lines = _read_table_lines(path, SETTINGS)
    rows = cast(list[_Setting], list(frame.itertuples()))
    for line, row in zip(lines, rows):
        # An edition is a year, as the file name and the title show it.
        if row.setting == "edition" and not (float(row.value).is_integer() and FIRST_YEAR <= row.value <= LAST_YEAR):
            raise InputError(path, row=int(line), column="value", value=_whole(row.value),
                             expected=f"expected an edition: a year from {FIRST_YEAR} to {LAST_YEAR}")
    return {row.setting: _whole(row.value) for row in rows}


def _read_partial_years(folder: Path, years: set[int]) -> dict[int, str]:
    """partial_years.csv as {year: through month}; each year one of the Census files' years."""
    path = folder / PARTIAL_YEARS.filename
    if not path.exists():
        return {}
    frame, lines = _read_table_lines(path, PARTIAL_YEARS)
    partial: dict[int, str] = {}
    for line, year, month in zip(lines, frame["year"], frame["through_month"]):
        if int(year) not in years:
            raise InputError(path, row=int(line), column="year", value=int(year), expected=(
                f"a year of {EXPORTS.filename} or {IMPORTS.filename} (a partial year is one the Census files hold)"))
        partial[int(year)] = str(month)
    return partial


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def read_table(path: Path, schema: FileSchema) -> pd.DataFrame:
    """Read one CSV file and return it typed by its schema, or raise InputError."""
    return _read_table_lines(path, schema)[0]


def _read_table_lines(path: Path, schema: FileSchema) -> tuple[pd.DataFrame, np.ndarray]:
    """The typed table and, for each of its rows, the line of the file it starts on.

    Blank lines and line breaks inside quoted fields make the two differ, and every
    message names the line an editor shows.
    """
    plain = _read_plain_table(path, schema)
    if plain is not None:
        return plain
    rows, lines = _read_rows(path, schema)
    header, body = rows[0], rows[1:]
    _check_header(path, header, schema)
    if not body:
        raise InputError(path, row=FIRST_DATA_LINE,
                         expected="the file has a header but no data rows (expected at least one row)")
    for index, fields in enumerate(body):
        if len(fields) != len(header):
            raise InputError(path, row=lines[index + 1], value=",".join(fields),
                             expected=f"{len(fields)} fields, expected {len(header)} ({','.join(header)})")
    body_lines = np.asarray(lines[1:], dtype=np.int64)
    # Indexed by line, so that a failing check names the line; the table returned is indexed 0..n-1.
    raw = pd.DataFrame(body, columns=header, dtype=object, index=body_lines)
    frame = pd.DataFrame({column.name: _parse_column(path, raw[column.name], column) for column in schema.columns})
    _check_unique_key(path, frame, schema)
    return frame.reset_index(drop=True), body_lines


def _read_plain_table(path: Path, schema: FileSchema) -> tuple[pd.DataFrame, np.ndarray] | None:
    """What :func:`_read_table_lines` returns, read by pandas' C parser; None where the file is
    not plain or something in it needs the careful reading, which then names the problem.

    Reading every field as a Python string and checking it on its own takes over ten
    seconds and most of a GiB for a Census file near a sheet's limit. A plain file (no
    quotes, blank lines, lone carriage returns or control characters; whole numbers in
    its number columns, codes in the others) takes about a second, each distinct code
    checked once: every check is of one field, so a code passes in all its rows or in none.
    Text is read the same way, as codes are; a quoted field (a country "Korea, South") is
    plain when it is a whole field with no quote or line break inside.
    """
    if any(column.kind not in _PLAIN_KINDS for column in schema.columns):
        return None
    text = _read_text(path, schema)
    quoted = '"' in text
    if quoted and not _quotes_are_whole_fields(text):
        return None
    if text.count("\r") != text.count("\r\n") or re.search(CONTROL_CHARACTERS, text):
        return None
    records = text.count("\n") + (0 if text.endswith("\n") else 1)
    header = [name.strip() for name in text.split("\n", 1)[0].split(",")]
    if not 2 <= records <= MAX_DATA_ROWS + 1 or sorted(header) != sorted(schema.column_names):
        return None
    numbers = [column.name for column in schema.columns if column.kind not in ("code", "text")]
    try:
        raw = pd.read_csv(io.BytesIO(text.encode("utf-8")), header=0, names=header, engine="c",
                          quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, na_filter=False,
                          skip_blank_lines=True,
                          dtype={name: "category" for name in header if name not in numbers})
    except ValueError:  # pandas' ParserError included
        return None
    if len(raw) != records - 1:
        return None
    lines = np.arange(FIRST_DATA_LINE, FIRST_DATA_LINE + len(raw), dtype=np.int64)
    parsed = {}
    for column in schema.columns:
        values = raw[column.name]
        if column.name in numbers:
            # Anything but plain whole numbers (empty, fractional, "nan", too large) is not int64.
            if values.dtype != np.int64 or not _within(values, column):
                return None
            kind: Literal["int64", "Int64", "float64"] = (
                ("int64" if column.required else "Int64") if column.kind in ("year", "integer") else "float64")

            parsed[column.name] = values.astype(kind).set_axis(lines)
        else:
            codes = values.cat.codes.to_numpy()
            if bool((codes < 0).any()):
                return None
            distinct = pd.Series(values.cat.categories.to_numpy(dtype=object), dtype=object)
            try:
                distinct = _parse_column(path, distinct, column)
            except InputError:
                return None
            parsed[column.name] = distinct.take(codes).set_axis(lines)
    frame = pd.DataFrame(parsed)
    _check_unique_key(path, frame, schema)
    return frame.reset_index(drop=True), lines


def _quotes_are_whole_fields(text: str) -> bool:
    """Every quote of ``text`` opens or closes a whole quoted field without quotes or line breaks
    inside, which pandas and the csv module read alike (a country "Korea, South")."""
    quotes = 0
    for found in _QUOTED_STRETCH.finditer(text):
        start, end = found.span()
        if (start and text[start - 1] not in ",\n") or (end < len(text) and text[end] not in ",\r\n"):
            return False
        quotes += 2
    return quotes == text.count('"')


def _within(values: pd.Series, column: Column) -> bool:
    return not ((column.minimum is not None and bool((values < column.minimum).any()))
                or (column.maximum is not None and bool((values > column.maximum).any())))


def _read_rows(path: Path, schema: FileSchema) -> tuple[list[list[str]], list[int]]:
    """The file's non-blank records, and the line each starts on."""
    text = _read_text(path, schema)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    # newline="": line breaks inside quoted fields stay part of the field, and \r\n is one line break.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for fields in reader:
            if fields:
                if len(rows) > MAX_DATA_ROWS:
                    raise InputError(path, row=start, expected=(f"expected at most {MAX_DATA_ROWS:,} data rows, "
                                                                "the most a sheet holds (one row is the header)"))
                rows.append(fields)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, row=start, value=_line_text(text, start), expected=_csv_problem(str(error))) from None
    if not rows:
        raise InputError(path, row=1, expected=f"the file is empty (expected a header row: {','.join(schema.column_names)})")
    return rows, lines


def _read_text(path: Path, schema: FileSchema) -> str:
    if not path.is_file():
        what = schema.description[:1].lower() + schema.description[1:]
        raise InputError(path, f"file not found (expected {what}; see data/README.md)")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(path, value=f"{size:,} bytes", expected=(
                f"expected a data file of at most {MAX_FILE_BYTES // 2**20} MiB "
                "(no data file comes near it: is this the right file?)"))
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror or error})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, row=1, value=data[:2],
                         expected="expected UTF-8 text, but the file is UTF-16 (save it as CSV UTF-8)")
    try:
        # utf-8-sig accepts the byte-order mark that spreadsheet programs put first.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Decoded again keeping each bad byte as one character, to say where it stands.
        readable = data.decode("utf-8-sig", errors="surrogateescape")
        offset = len(data[: error.start].decode("utf-8-sig", errors="surrogateescape"))
        row, column, field_text = _locate(readable, offset)
        raise InputError(path, row=row, column=column, value=field_text.encode("utf-8", errors="surrogateescape"),
                         expected=(f"expected UTF-8 text, but byte 0x{data[error.start]:02X} is not UTF-8 "
                                   "(the file looks like Latin-1 or Windows-1252: save it as CSV UTF-8)")) from None
    nul = text.find("\x00")
    if nul != -1:
        row, column, field_text = _locate(text, nul)
        raise InputError(path, row=row, column=column, value=field_text, expected=(
            "expected text without NUL characters (the file is binary, or UTF-16 without a byte-order mark: "
            "save it as CSV UTF-8)"))
    return text


def _line_text(text: str, row: int) -> str:
    """Line ``row`` (from 1) of ``text``, without its line break."""
    start = 0
    for _ in range(row - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start: len(text) if end == -1 else end].rstrip("\r")


def _locate(text: str, offset: int) -> tuple[int, str | None, str]:
    """Line, column name (from the header) and field of the character at ``offset``, for a message.

    Found by splitting the line at commas outside quotes; a field spanning lines is
    named by the line the character is on.
    """
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start: len(text) if line_end == -1 else line_end].rstrip("\r")
    row = text.count("\n", 0, offset) + 1
    before = _split_fields(text[line_start:offset])
    index = len(before) - 1
    field_text = before[-1] + _split_fields(line[offset - line_start:])[0]
    header = _split_fields(_line_text(text, 1))
    column = header[index].strip() if row > 1 and index < len(header) else None
    return row, column or None, field_text


def _split_fields(line: str) -> list[str]:
    try:
        fields = next(csv.reader([line]), [""])
    except csv.Error:
        fields = line.split(",")
    return fields or [""]


def _csv_problem(error: str) -> str:
    """The csv module's complaint, as what the file should hold instead."""
    if "field larger than field limit" in error:
        return (f"expected a field of at most {CSV_FIELD_LIMIT:,} characters; this record runs on past it "
                "(a quote opened on this row and never closed?)")
    if "unexpected end of data" in error:
        return "expected a closing quote: a quoted field starting on this row runs to the end of the file"
    if "expected after" in error:
        return 'expected a comma or line end after a closing quote (a quote inside a quoted field is written twice: "")'
    return f"expected well-formed CSV ({error})"


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
    # Years are written 1990, not 1,990.
    shown = "{:g}" if column.kind == "year" else "{:,g}"
    bounds = []
    if column.minimum is not None:
        bounds.append(f"at least {shown.format(column.minimum)}")
    if column.maximum is not None:
        bounds.append(f"at most {shown.format(column.maximum)}")
    limits = f" ({' and '.join(bounds)})" if bounds else ""
    return f"expected {nouns[column.kind]}{limits}, written as plain digits without thousands separators or currency signs"


def _parse_text(path: Path, text: pd.Series, column: Column) -> pd.Series:
    if column.required:
        _fail_first(path, text == "", text, column, "a value is required")
    _fail_first(path, text.str.contains(CONTROL_CHARACTERS, regex=True), text, column,
                "expected text without control characters (a spreadsheet cannot hold them)")
    _fail_first(path, text.str.upper().isin(sorted(ERROR_VALUES)), text, column,
                "expected text, not a spreadsheet error value (a formula showing it would look broken)")
    lengths = text.str.len()
    maybe_long = lengths > MAX_CELL_TEXT // 2
    if bool(maybe_long.any()):
        # Excel counts UTF-16 code units: a character beyond U+FFFF counts twice.
        lengths = lengths.where(~maybe_long, lengths + text.str.count(ASTRAL_CHARACTERS))
    _fail_first(path, lengths > MAX_CELL_TEXT, text, column,
                f"expected at most {MAX_CELL_TEXT:,} characters, the most a spreadsheet cell holds")
    if column.max_length is not None:
        _fail_first(path, lengths > column.max_length, text, column,
                    f"expected at most {column.max_length} characters "
                    "(formulas match this text, and Excel matches at most 255)")
    if column.choices:
        listed = (f"one of: {', '.join(column.choices)}" if len(column.choices) <= _CHOICES_LISTED
                  else f"one of the {len(column.choices)} values data/README.md lists for {column.name}")
        _fail_first(path, (text != "") & ~text.isin(column.choices), text, column, f"expected {listed}")
    elif column.kind == "code":
        _fail_first(path, (text != "") & ~text.str.fullmatch(_CODE), text, column,
                    "expected a code of letters, digits and underscores")
    return text


def _fail_first(path: Path, bad: pd.Series, text: pd.Series, column: Column, expected: str) -> None:
    """Raise for the first row where ``bad`` holds; ``text`` is indexed by line."""
    if bool(bad.any()):
        index = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
        raise InputError(path, row=int(text.index[index]), column=column.name, value=text.iloc[index],
                         expected=expected)


def _check_unique_key(path: Path, frame: pd.DataFrame, schema: FileSchema) -> None:
    """``frame`` is indexed by line.

    Spreadsheet formulas match text ignoring case, so "AK" and "ak" are one key.
    """
    keys = frame[list(schema.key)]
    keys = keys.assign(**{name: keys[name].str.casefold() for name in schema.key
                          if not pd.api.types.is_numeric_dtype(keys[name])})
    duplicated = keys.duplicated(keep=False)
    if bool(duplicated.any()):
        keys = keys.loc[duplicated]
        # The second row with a key is the duplicate; the first with the same key is the original.
        second = int(np.flatnonzero(keys.duplicated(keep="first").to_numpy())[0])
        first = int(np.flatnonzero((keys == keys.iloc[second]).all(axis=1).to_numpy())[0])
        original, duplicate = (frame.loc[keys.index[position], list(schema.key)] for position in (first, second))
        key = ", ".join(f"{name}={duplicate[name]}" for name in schema.key)
        same = "" if bool((original == duplicate).all()) else " (formulas ignore case)"
        raise InputError(path, row=int(keys.index[second]), column=",".join(schema.key), value=key,
                         expected=(f"duplicate key: the same {', '.join(schema.key)} as row "
                                   f"{int(keys.index[first])}{same}"))


def _check_reference(path: Path, frame: pd.DataFrame, column: str, known: pd.Series, known_file: str,
                     lines: np.ndarray, only: np.ndarray | None = None, expected: str | None = None) -> None:
    """Every value of ``column`` (on the rows ``only`` selects) is one of ``known``."""
    unknown = ~frame[column].isin(set(known)).to_numpy()
    if only is not None:
        unknown &= only
    if bool(unknown.any()):
        index = int(np.flatnonzero(unknown)[0])
        raise InputError(path, row=int(lines[index]), column=column, value=str(frame[column].iloc[index]),
                         expected=expected or f"unknown code (expected one listed in {known_file})")


def _check_category_kinds(path: Path, categories: pd.DataFrame, lines: np.ndarray) -> None:
    expected = np.where(categories["naics3"] >= FIRST_SPECIAL_PROVISION_CODE, "special", "product")
    wrong = categories["kind"].to_numpy() != expected
    if wrong.any():
        index = int(np.flatnonzero(wrong)[0])
        raise InputError(path, row=int(lines[index]), column="kind", value=categories["kind"].iloc[index],
                         expected=(f"expected {expected[index]}: codes from {FIRST_SPECIAL_PROVISION_CODE} up are Census "
                                   "special classification provisions, codes below are product categories"))
