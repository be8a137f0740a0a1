"""``tech-trade import-census``: Census state trade by NAICS-3 into the project's data files.

Reads the two tidy Census tables (exports by state of origin, imports by state of
destination) and writes ``census_exports.csv``, ``census_imports.csv``,
``categories.csv`` (labels as Census gives them) and ``states.csv`` (names from the
``us`` package, map tiles from :data:`workbook.reference.TILE_GRID`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbook.data_files import write_data_file
from workbook.errors import InputError
from workbook.load import FIRST_DATA_LINE, read_table
from workbook.reference import category_kind, state_kind, state_name, tile_positions
from workbook.schema import CATEGORIES, EXPORTS, IMPORTS, NAICS3, STATE_CODE, STATES, YEAR, Column, FileSchema


def census_source_schema(filename: str, value_column: str) -> FileSchema:
    """The layout of a Census state-by-NAICS-3 table as the Census API's tidy export gives it."""
    return FileSchema(
        filename=filename,
        description=f"Census state trade by NAICS-3 with columns year, state_code, state_name, naics3, "
                    f"naics3_label, {value_column}",
        columns=(
            YEAR, STATE_CODE,
            Column("state_name", "text", "State name"),
            NAICS3,
            Column("naics3_label", "text", "Category label"),
            Column(value_column, "amount", "Value in U.S. dollars", minimum=0, maximum=EXPORTS.column("value_usd").maximum),
        ),
        key=("year", "state_code", "naics3"),
    )


def import_census(exports_path: Path, imports_path: Path, data_dir: Path) -> list[Path]:
    """Read both Census tables, check them, and write the four data files."""
    exports = read_table(Path(exports_path), census_source_schema(Path(exports_path).name, "exports_usd"))
    imports = read_table(Path(imports_path), census_source_schema(Path(imports_path).name, "imports_usd"))
    states = _states(pd.concat([exports, imports]), exports_path)
    categories = _categories(pd.concat([exports, imports]))
    return [
        write_data_file(states, STATES, data_dir),
        write_data_file(categories, CATEGORIES, data_dir),
        write_data_file(exports.rename(columns={"exports_usd": "value_usd"}), EXPORTS, data_dir),
        write_data_file(imports.rename(columns={"imports_usd": "value_usd"}), IMPORTS, data_dir),
    ]


def _states(trade: pd.DataFrame, source: Path) -> pd.DataFrame:
    tiles = tile_positions()
    rows = []
    for code in sorted(trade["state_code"].unique()):
        name = state_name(code)
        if name is None or code not in tiles:
            line = int(trade.index[trade["state_code"] == code][0]) + FIRST_DATA_LINE
            raise InputError(source, row=line, column="state_code", value=code,
                             expected="not a USPS code of a state, DC or a territory on the map")
        tile_row, tile_col = tiles[code]
        rows.append({"state_code": code, "state_name": name, "kind": state_kind(code),
                     "tile_row": tile_row, "tile_col": tile_col})
    return pd.DataFrame(rows)


def _categories(trade: pd.DataFrame) -> pd.DataFrame:
    labels = trade.drop_duplicates("naics3")[["naics3", "naics3_label"]].rename(columns={"naics3_label": "label"})
    labels["kind"] = labels["naics3"].map(category_kind)
    return labels
