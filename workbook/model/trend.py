"""Figures of the Trend sheet: tech exports by state for every year of the data, and the U.S. totals."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel


@dataclass(frozen=True)
class TrendFigures:
    #: The years of the CensusExports table's columns, in order.
    years: list[int]
    #: One row per state code (in the States sheet's order, by state name):
    #: state_name, then one column per year of tech exports (0 where none reported).
    table: pd.DataFrame
    #: One row per year: exports, previous (None in a year whose previous year is
    #: not in the data), change and change_ratio (None likewise; "" where the
    #: previous year's exports were 0, as the workbook's IF gives).
    us: pd.DataFrame


def trend_figures(model: SnapshotModel) -> TrendFigures:
    """The Trend sheet's figures (``model.figures(trend_figures)``); they do not depend on the snapshot year."""
    data, tech = model.data, model.tech_naics3
    states = data.states.sort_values("state_name", kind="stable").set_index("state_code")
    exports = data.exports
    # The Census exports table has a column for each year of the exports data.
    years = sorted(int(year) for year in exports["year"].unique())
    tech_rows = exports[exports["naics3"] == tech]

    by_state = (tech_rows.pivot_table(index="state_code", columns="year", values="value_usd", aggfunc="sum")
                .reindex(index=states.index, columns=years).fillna(0.0).astype(float))
    table = pd.concat([states[["state_name"]], by_state], axis=1)

    # U.S. totals are sums over every row of the data, as the workbook's SUMIFS are.
    totals = tech_rows.groupby("year")["value_usd"].sum().reindex(years, fill_value=0.0).astype(float)
    previous = [float(totals[year - 1]) if year - 1 in totals.index else None for year in years]
    change = [None if before is None else float(totals[year]) - before for year, before in zip(years, previous)]
    us = pd.DataFrame({
        "exports": totals.tolist(),
        "previous": previous,
        "change": change,
        "change_ratio": [_change_ratio(delta, before) for delta, before in zip(change, previous)],
    }, index=pd.Index(years, name="year"), dtype=object)
    return TrendFigures(years=years, table=table, us=us)


def _change_ratio(change: float | None, previous: float | None) -> float | str | None:
    # change is None exactly where previous is: the first year.
    if change is None or previous is None:
        return None

    return change / previous if previous != 0 else ""
