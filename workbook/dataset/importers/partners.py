"""``tech-trade import-partners``: Census U.S. trade by NAICS-3 and partner country into ``data/``.

Reads the two tidy Census tables (national exports by partner country, imports by
partner country; columns ``year, naics3, naics3_label, country, exports_usd`` or
``imports_usd``) and writes ``partner_exports.csv`` and ``partner_imports.csv`` in the
project's schema. Country names are kept as Census spells them.

Other readers of the same figures (a USA Trade Online download, the Census API) hand
their tidy tables to :func:`write_partner_files`, which checks them as ``build`` would
before anything is written.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import pandas as pd

from workbook.dataset.data_files import write_data_file
from workbook.errors import InputError
from workbook.dataset.load import _check_reference, _read_table_lines, read_table
from workbook.dataset.schema import (CATEGORIES, NAICS3, NAICS3_LABEL, PARTNER_EXPORTS, PARTNER_IMPORTS, YEAR,
                                     FileSchema, tidy_census_table)
from workbook.paths import make_folder

#: The value column of each flow in the tidy Census tables.
VALUE_COLUMNS = {"exports": "exports_usd", "imports": "imports_usd"}


def partner_source_schema(filename: str, value_column: str) -> FileSchema:
    """The layout of a tidy Census table of trade by NAICS-3 and partner country."""
    return tidy_census_table(filename, "trade by NAICS-3 and partner country",
                             (YEAR, NAICS3, NAICS3_LABEL, PARTNER_EXPORTS.column("country")), value_column,
                             PARTNER_EXPORTS.column("value_usd").maximum,
                             key=("year", "naics3", "country"))


def partner_frame(tidy: pd.DataFrame, value_column: str) -> pd.DataFrame:
    """A tidy table (year, naics3, country and the value column) in the data schema's columns."""
    return tidy.rename(columns={value_column: "value_usd"})[PARTNER_EXPORTS.column_names]


def import_partners(exports_path: Path, imports_path: Path, data_dir: Path) -> list[Path]:
    """Read both tidy Census tables, check them, and write the two partner files."""
    data_dir = Path(data_dir)
    known = _known_categories(data_dir)
    tidy = {}
    for flow, path in (("exports", Path(exports_path)), ("imports", Path(imports_path))):
        tidy[flow], lines = _read_table_lines(path, partner_source_schema(path.name, VALUE_COLUMNS[flow]))
        if known is not None:
            # Named by the source's own row, which the user can open.
            _check_reference(path, tidy[flow], "naics3", known, CATEGORIES.filename, lines)
    return write_partner_files(partner_frame(tidy["exports"], VALUE_COLUMNS["exports"]),
                               partner_frame(tidy["imports"], VALUE_COLUMNS["imports"]), Path(data_dir))


def write_partner_files(exports: pd.DataFrame, imports: pd.DataFrame, data_dir: Path) -> list[Path]:
    """Write ``partner_exports.csv`` and ``partner_imports.csv`` from frames in the data schema.

    Both are written to a staging folder and read back with the loader's checks (and their
    categories checked against the folder's ``categories.csv``, where there is one) before
    either replaces a file: a problem in one leaves both files as they were.
    """
    make_folder(data_dir, "--data")
    known = _known_categories(data_dir)
    with tempfile.TemporaryDirectory(prefix=".tech-trade-partners-", dir=data_dir) as staging_name:
        staging = Path(staging_name)
        staged = []
        for frame, schema in ((exports, PARTNER_EXPORTS), (imports, PARTNER_IMPORTS)):
            path = write_data_file(frame, schema, staging)
            try:
                checked, lines = _read_table_lines(path, schema)
            except InputError as error:
                # Named as the file it would have become; its rows are that file's lines.
                raise dataclasses.replace(error, file=data_dir / schema.filename) from None
            if known is not None:
                try:
                    _check_reference(path, checked, "naics3", known, CATEGORIES.filename, lines)
                except InputError as error:
                    raise dataclasses.replace(error, file=data_dir / schema.filename) from None
            staged.append(path)
        written: list[Path] = []
        for path in staged:
            os.replace(path, data_dir / path.name)
            written.append(data_dir / path.name)
        return written


def _known_categories(data_dir: Path) -> pd.Series | None:
    """The categories of the folder's ``categories.csv``, or None where it has none yet."""
    path = data_dir / CATEGORIES.filename
    return read_table(path, CATEGORIES)["naics3"] if path.exists() else None
