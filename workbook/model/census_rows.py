"""Where each state's rows lie in the workbook's Census exports table.

The table holds one row per state and category, sorted by state code and then
category (:func:`wide_by_year`), so each state's rows are one block. The Categories
matrix sums a state's figures over its block only, written as a plain range, and the
Trend state table reads the one row of the state's tech category, found once per
state: one SUMIFS per cell over the whole table would make opening the workbook
cost the square of the data's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel


def wide_by_year(trade: pd.DataFrame) -> pd.DataFrame:
    """Long trade rows (year, state, category, value) as one row per state and category, a column per year.

    A year without trade reported is NaN here and a blank cell in the sheet, not 0:
    blank is what the data says.
    """
    wide = trade.pivot(index=["state_code", "naics3"], columns="year", values="value_usd")
    wide = wide.reindex(columns=wide_years(trade))
    wide.columns = [int(year) for year in wide.columns]
    return wide.reset_index()


def wide_years(trade: pd.DataFrame) -> list[int]:
    """The year columns of ``wide_by_year(trade)``, in order."""
    return sorted(int(year) for year in set(trade["year"].tolist()))


#: A state's helper cells in the Trend table, in order; also the names of their wording and formulas.
TECH_ROW_KEYS = ("rows", "row")


@dataclass(frozen=True)
class StateRows:
    """One state's block of rows in the wide Census table, counted from 1 (its first data row)."""

    #: How many rows the state has; 0 for a state with no trade in the data.
    rows: int
    first: int

    @property
    def last(self) -> int:
        """The block's last row: a state with no rows keeps one row, as the workbook's formula does."""
        return self.first + max(self.rows, 1) - 1


def state_rows(trade: pd.DataFrame, states: pd.Index) -> dict[str, StateRows]:
    """Each state's block in ``wide_by_year(trade)``, as the workbook's helper cells compute it.

    A state with no rows gets row 1 for both ends, as the workbook's formula does
    (a block of one row that is not the state's, so its sums are 0).
    """
    # The same order as the wide table's rows: its index is sorted by state, then category.
    counts = trade[["state_code", "naics3"]].drop_duplicates().groupby("state_code").size().sort_index()
    firsts = counts.cumsum() - counts + 1
    spans = {}
    for code in states:
        rows = int(counts.get(code, 0))
        first = int(firsts[code]) if rows else 1
        spans[code] = StateRows(rows=rows, first=first)
    return spans


def export_rows(model: SnapshotModel) -> dict[str, StateRows]:
    """Each state's block of the CensusExports table (``model.figures(export_rows)``)."""
    return state_rows(model.data.exports, pd.Index(model.data.states["state_code"]))


@dataclass(frozen=True)
class TechRow:
    """Where a state's row of the tech category lies in the wide Census table."""

    #: How many rows of the tech category the state has (the data's key allows one).
    rows: int
    #: The row counted from 1 (the table's first data row); 0 where the state has none.
    row: int

    def value(self, key: str) -> int:
        """The helper cell ``key`` (one of TECH_ROW_KEYS)."""
        value: int = getattr(self, key)
        return value


def tech_rows(model: SnapshotModel) -> dict[str, TechRow]:
    """Each state's row of the tech category in the CensusExports table (``model.figures(tech_rows)``)."""
    keys = model.data.exports[["state_code", "naics3"]].drop_duplicates().sort_values(["state_code", "naics3"])
    positions = pd.RangeIndex(1, len(keys) + 1)
    tech = keys.assign(row=positions)[keys["naics3"].to_numpy() == model.tech_naics3]
    found = dict(zip(tech["state_code"], tech["row"]))
    return {code: TechRow(rows=1, row=int(found[code])) if code in found else TechRow(rows=0, row=0)
            for code in model.data.states["state_code"]}
