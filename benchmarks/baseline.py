"""The baseline the build is measured against: the workbook's data tables written by plain pandas.

The same tables as the workbook's data sheets (Census exports and imports one row
per state and category with a column per year, the state, category and year
lists, the published figures, and the tech category's partner exports and imports
one row per country with a column per year), read with ``pandas.read_csv`` and written with
``DataFrame.to_excel(engine="xlsxwriter")``: no formulas, charts, formatting or
checks. Run as ``python3 benchmarks/baseline.py DATA_DIR OUT.xlsx``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def wide_by_year(trade: pd.DataFrame) -> pd.DataFrame:
    wide = trade.pivot(index=["state_code", "naics3"], columns="year", values="value_usd")
    return wide.reset_index()


def wide_partners(trade: pd.DataFrame) -> pd.DataFrame:
    tech = trade[trade["naics3"] == 334]
    return tech.pivot(index=["country", "naics3"], columns="year", values="value_usd").reset_index()


def main(data: Path, out: Path) -> None:
    exports = pd.read_csv(data / "census_exports.csv")
    tables = {
        "Census exports": wide_by_year(exports),
        "Census imports": wide_by_year(pd.read_csv(data / "census_imports.csv")),
        "State list": pd.read_csv(data / "states.csv"),
        "Category list": pd.read_csv(data / "categories.csv"),
        "Year list": pd.DataFrame({"year": sorted(exports["year"].unique())}),
        "Published figures": pd.read_csv(data / "published_figures.csv"),
        "Partner exports": wide_partners(pd.read_csv(data / "partner_exports.csv", keep_default_na=False)),
        "Partner imports": wide_partners(pd.read_csv(data / "partner_imports.csv", keep_default_na=False)),
    }
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        for sheet, frame in tables.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
