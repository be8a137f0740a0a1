"""``tech-trade import-census``: Census trade, in any of the forms Census serves it, into ``data/``.

Each file is recognised by its content, never by its name: a USA Trade Online download
(:mod:`~workbook.dataset.importers.usa_trade_online`), a saved International Trade API response
(:mod:`~workbook.dataset.importers.census_api`), or the tidy layout of the shared Census tables
(``year, state_code, state_name, naics3, naics3_label, exports_usd`` or ``imports_usd``; and
``year, naics3, naics3_label, country, exports_usd`` or ``imports_usd`` by partner country).
Each gives a :class:`~workbook.dataset.importers.census_tables.CensusTable`, and the tables of each
kind are put together (the API answers one file per request) and written:

- state trade: ``census_exports.csv``, ``census_imports.csv``, ``categories.csv`` (labels as
  Census gives them) and ``states.csv`` (names from the ``us`` package, map tiles from
  :data:`workbook.dataset.reference.TILE_GRID`); exports and imports are needed together;
- trade by partner country: the partner files, through the partner import path.

Everything is read and checked before the first file is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbook.dataset.data_files import write_data_file
from workbook.errors import InputError
from workbook.dataset.importers.census_api import API_LAYOUT, looks_like_census_api, read_census_api
from workbook.dataset.importers.census_tables import (EXPORTS, IMPORTS, PARTNER, STATE, CensusTable, check_state_code,
                                                      tidy_columns, tidy_key, value_column)
from workbook.dataset.importers.partners import partner_frame, partner_source_schema, write_partner_files
from workbook.dataset.importers.usa_trade_online import looks_like_usa_trade_online, read_usa_trade_online
from workbook.dataset.load import FIRST_DATA_LINE, _read_text, read_table
from workbook.dataset.reference import category_kind, state_kind, state_name, tile_positions
from workbook.dataset.schema import (CATEGORIES, EXPORTS as EXPORTS_FILE, IMPORTS as IMPORTS_FILE, NAICS3,
                                     NAICS3_LABEL, PARTNER_EXPORTS as PARTNER_EXPORTS_FILE,
                                     PARTNER_IMPORTS as PARTNER_IMPORTS_FILE, STATE_CODE, PARTIAL_YEARS, STATES, YEAR,
                                     Column, FileSchema, source_format, tidy_census_table)

_ANY_CENSUS_FILE = source_format("Census trade: a USA Trade Online download, an International Trade API response, or "
                                 "a tidy table (see data/README.md)")


def census_source_schema(filename: str, value_column: str) -> FileSchema:
    """The tidy layout of Census state trade by NAICS-3, as the shared Census tables have it."""
    return tidy_census_table(filename, "state trade by NAICS-3",
                             (YEAR, STATE_CODE, Column("state_name", "text"), NAICS3, NAICS3_LABEL),
                             value_column, EXPORTS_FILE.column("value_usd").maximum,
                             key=("year", "state_code", "naics3"))


@dataclass
class CensusImport:
    """What an import wrote, and what it has to say about what it read (partial years)."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_census_file(path: Path, partial_years: bool = False) -> CensusTable:
    """Recognise the file by its content and read it with the reader of its layout."""
    path = Path(path)
    text = _read_text(path, _ANY_CENSUS_FILE)
    if looks_like_census_api(text):
        return read_census_api(path, partial_years)
    first_rows = _first_rows(text)
    if looks_like_usa_trade_online(first_rows):
        return read_usa_trade_online(path, partial_years)
    header = sorted(name.strip() for name in first_rows[0]) if first_rows else []
    for level in (STATE, PARTNER):
        for flow in (EXPORTS, IMPORTS):
            if header == sorted(tidy_columns(level, flow)):
                return read_tidy(path, level, flow)
    raise InputError(path, row=1, value=",".join(first_rows[0]) if first_rows else "", expected=(
        "not a Census file this tool reads: expected a USA Trade Online download (title lines, then State, "
        "Commodity, Country, Time and the measure), an International Trade API response (a JSON array), or a tidy "
        "table (year, state_code, state_name, naics3, naics3_label, exports_usd or imports_usd; or year, naics3, "
        "naics3_label, country, exports_usd or imports_usd)"))


def _first_rows(text: str) -> list[list[str]]:
    head = "\n".join(text.splitlines()[:10])
    try:
        return [row for row in csv.reader(io.StringIO(head)) if row]
    except csv.Error:
        return []


def read_tidy(path: Path, level: str, flow: str) -> CensusTable:
    schema = (census_source_schema if level == STATE else partner_source_schema)(Path(path).name, value_column(flow))
    frame = read_table(Path(path), schema)
    if level == STATE:
        for index, code in enumerate(frame["state_code"]):
            check_state_code(path, index + FIRST_DATA_LINE, "state_code", code)
    # Amounts are checked as whole dollars within 10^15: exact as integers.
    frame[value_column(flow)] = frame[value_column(flow)].astype("int64")
    frame = frame[tidy_columns(level, flow)].sort_values(tidy_key(level), kind="stable").reset_index(drop=True)
    return CensusTable(path=Path(path), flow=flow, level=level, frame=frame, layout="a tidy table")


def read_census_files(paths: list[Path], partial_years: bool = False) -> list[CensusTable]:
    return [read_census_file(path, partial_years) for path in paths]


def combine(tables: list[CensusTable], level: str, flow: str) -> pd.DataFrame | None:
    """The tables of one kind as one tidy frame; a row given by two files is an error naming both."""
    chosen = [table for table in tables if (table.level, table.flow) == (level, flow)]
    if not chosen:
        return None
    key = tidy_key(level)
    seen: dict[tuple[object, ...], Path] = {}
    for table in chosen:
        keys = set(map(tuple, table.frame[key].to_numpy(dtype=object).tolist()))
        both = keys & seen.keys()
        if both:
            first = min(both)
            raise InputError(table.path, column=",".join(key), value=", ".join(map(str, first)), expected=(
                f"the same {', '.join(key)} is also in {seen[first]}: give each year's {table.what} once"))
        seen.update(dict.fromkeys(keys, table.path))
    frame = pd.concat([table.frame for table in chosen], ignore_index=True)
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def partial_year_notes(tables: list[CensusTable]) -> list[str]:
    """One line per partial year found: left out, or (with --partial-years) taken in."""
    notes = []
    for table in tables:
        for year, label in sorted(table.partial.items()):
            if table.partial_kept:
                notes.append(f"took in {label} as {year}, a partial year, from {table.path}")
            else:
                notes.append(f"left out {label}, a partial year, from {table.path} (--partial-years takes it in)")
    return notes


def import_census(paths: list[Path], data_dir: Path, partial_years: bool = False) -> CensusImport:
    """Read every file, check it, put the tables of each kind together, and write ``data/``."""
    return import_tables(read_census_files([Path(path) for path in paths], partial_years), Path(data_dir))


def import_tables(tables: list[CensusTable], data_dir: Path) -> CensusImport:
    """Put the tables of each kind together, check them together, and write ``data/``."""
    result = CensusImport(notes=partial_year_notes(tables))
    result.notes += respell_countries(tables, data_dir)
    frames = {(level, flow): combine(tables, level, flow) for level in (STATE, PARTNER) for flow in (EXPORTS, IMPORTS)}
    for level in (STATE, PARTNER):
        given = [flow for flow in (EXPORTS, IMPORTS) if frames[(level, flow)] is not None]
        if len(given) == 1:
            missing = IMPORTS if given[0] == EXPORTS else EXPORTS
            table = next(table for table in tables if (table.level, table.flow) == (level, given[0]))
            what = "by state" if level == STATE else "by partner country"
            raise InputError(table.path, expected=(
                f"{given[0]} {what} came without {missing} {what}: give the files of both flows together"))
    # Each level's flows came together (or neither did), as checked above.
    state_exports, state_imports = frames[(STATE, EXPORTS)], frames[(STATE, IMPORTS)]
    partner_exports, partner_imports = frames[(PARTNER, EXPORTS)], frames[(PARTNER, IMPORTS)]
    if state_exports is not None and state_imports is not None and partner_exports is not None:
        _check_partner_categories(tables, state_exports, state_imports)
    if state_exports is not None and state_imports is not None:
        result.written += write_state_trade(state_exports, state_imports, data_dir)
        result.written += write_partial_years(tables, data_dir)
    if partner_exports is not None and partner_imports is not None:
        result.written += write_partner_trade(partner_exports, partner_imports, data_dir)
    return result


def respell_countries(tables: list[CensusTable], data_dir: Path) -> list[str]:
    """Countries from API responses spelt as the partner data already spells them.

    The API writes country names in capitals ("KOREA, SOUTH"), USA Trade Online as names
    ("Korea, South"); the workbook's formulas match names ignoring case but show them as
    written, so one spelling is kept: the one of the partner files of the bundled data and
    of ``data_dir``. A name neither knows is kept as the API writes it, and a note says so.
    """
    api_tables = [table for table in tables if table.level == PARTNER and table.layout == API_LAYOUT]
    if not api_tables:
        return []
    spellings = _country_spellings([_bundled_data_dir(), Path(data_dir)])
    notes = []
    for table in api_tables:
        served = table.frame["country"]
        table.frame["country"] = served.map(lambda name: spellings.get(name.casefold(), name)).astype(object)
        unknown = sorted({name for name in served if name.casefold() not in spellings})
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            notes.append(f"kept {len(unknown)} country name(s) as the API writes them, from {table.path} (no earlier "
                         f"partner data spells them): {shown}")
    return notes


def _country_spellings(folders: list[Path]) -> dict[str, str]:
    """Casefolded country name -> its spelling in the partner files of ``folders`` (the first found wins)."""
    spellings: dict[str, str] = {}
    for folder in folders:
        for schema in (PARTNER_EXPORTS_FILE, PARTNER_IMPORTS_FILE):
            path = folder / schema.filename
            if path.is_file():
                for name in read_table(path, schema)["country"].unique():
                    spellings.setdefault(name.casefold(), name)
    return spellings


def _bundled_data_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("workbook.data")))


def import_census_pair(exports_path: Path, imports_path: Path, data_dir: Path,
                       partial_years: bool = False) -> CensusImport:
    """``--exports FILE --imports FILE``: as :func:`import_census`, each file checked to be the flow it is given as."""
    tables = []
    for path, flow in ((Path(exports_path), EXPORTS), (Path(imports_path), IMPORTS)):
        table = read_census_file(path, partial_years)
        if table.flow != flow:
            option = "--exports" if flow == EXPORTS else "--imports"
            raise InputError(path, expected=f"the file holds {table.flow}, but was given as {option}")
        tables.append(table)
    return import_tables(tables, Path(data_dir))


def _check_partner_categories(tables: list[CensusTable], state_exports: pd.DataFrame,
                              state_imports: pd.DataFrame) -> None:
    """Partner trade imported with state trade: its categories are the ones categories.csv will list,
    checked before anything is written."""
    known = set(state_exports["naics3"]) | set(state_imports["naics3"])
    for table in tables:
        if table.level == PARTNER:
            unknown = sorted(set(table.frame["naics3"]) - known)
            if unknown:
                raise InputError(table.path, column="naics3", value=str(unknown[0]), expected=(
                    "a category that no state trades (expected one of the state files' categories, which "
                    "categories.csv lists)"))


def write_state_trade(exports: pd.DataFrame, imports: pd.DataFrame, data_dir: Path) -> list[Path]:
    """The four state files of ``data/`` from tidy state exports and imports (state codes already checked)."""
    trade = pd.concat([exports, imports], ignore_index=True)
    states = _states(trade)
    categories = _categories(trade)
    return [
        write_data_file(states, STATES, data_dir),
        write_data_file(categories, CATEGORIES, data_dir),
        write_data_file(exports.rename(columns={value_column(EXPORTS): "value_usd"}), EXPORTS_FILE, data_dir),
        write_data_file(imports.rename(columns={value_column(IMPORTS): "value_usd"}), IMPORTS_FILE, data_dir),
    ]


def write_partial_years(tables: list[CensusTable], data_dir: Path) -> list[Path]:
    """partial_years.csv for the partial years the state files took in (--partial-years), so that the workbook
    says which year columns are year to date; without any, an earlier one is removed, since the state files it
    spoke of were just replaced."""
    months = {year: label.rsplit(" ", 1)[-1].capitalize() for table in tables
              if table.level == STATE and table.partial_kept for year, label in table.partial.items()}
    path = Path(data_dir) / PARTIAL_YEARS.filename
    if not months:
        path.unlink(missing_ok=True)
        return []
    frame = pd.DataFrame({"year": list(months), "through_month": list(months.values())})
    return [write_data_file(frame, PARTIAL_YEARS, data_dir)]


def write_partner_trade(exports: pd.DataFrame, imports: pd.DataFrame, data_dir: Path) -> list[Path]:
    """The partner files of ``data/``, through the partner import path, which checks them first."""
    return write_partner_files(partner_frame(exports, value_column(EXPORTS)),
                               partner_frame(imports, value_column(IMPORTS)), Path(data_dir))


def _states(trade: pd.DataFrame) -> pd.DataFrame:
    tiles = tile_positions()
    rows = []
    for code in sorted(trade["state_code"].unique()):
        tile_row, tile_col = tiles[code]
        rows.append({"state_code": code, "state_name": state_name(code), "kind": state_kind(code),
                     "tile_row": tile_row, "tile_col": tile_col})
    return pd.DataFrame(rows)


def _categories(trade: pd.DataFrame) -> pd.DataFrame:
    labels = trade.drop_duplicates("naics3")[["naics3", "naics3_label"]].rename(columns={"naics3_label": "label"})
    labels["kind"] = labels["naics3"].map(category_kind)
    return labels
