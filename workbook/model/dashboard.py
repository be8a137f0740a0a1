"""Figures of the Dashboard that no other sheet computes: the top ten states, the trend
of U.S. totals, and published figures taken for the latest year up to the snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, cast


import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.keys import NotPublished
from workbook.model.published import published_value
from workbook.model.states import state_figures

TOP = 10


class RankedState(Protocol):
    """A row of :func:`top_states`: the k-th largest tech exports and the state the workbook names for it."""

    rank: int
    state_name: str
    tech_exports: float


def ranked_states(top: pd.DataFrame) -> Iterator[RankedState]:
    """The rows of :func:`top_states` (or of its first rows), typed."""
    return cast(Iterator[RankedState], top.itertuples())


@dataclass(frozen=True)
class DashboardFigures:
    #: Rank, state name and tech exports of the largest exporters, largest first.
    top_states: pd.DataFrame
    #: Year, U.S. tech exports and imports (sums over states) for every year in the data.
    trend: pd.DataFrame


def dashboard_figures(model: SnapshotModel) -> DashboardFigures:
    return DashboardFigures(top_states=top_states(model), trend=us_trend(model))


def top_states(model: SnapshotModel) -> pd.DataFrame:
    """The k-th largest tech exports for k = 1..10, and the state the workbook names for it.

    The workbook takes LARGE(exports, k) and then MATCHes that value in the States
    table, which finds the first state (in the table's order) with it; ties are
    named the same way here.
    """
    table = model.figures(state_figures).table
    values = table["tech_exports"].sort_values(ascending=False, kind="stable").to_numpy()[:TOP]
    names = [table.loc[table["tech_exports"] == value, "state_name"].iloc[0] for value in values]
    return pd.DataFrame({"rank": range(1, len(values) + 1), "state_name": names, "tech_exports": values})


def us_trend(model: SnapshotModel) -> pd.DataFrame:
    data = model.data
    rows = []
    for year in model.years:
        exports = data.exports[(data.exports["year"] == year) & (data.exports["naics3"] == model.tech_naics3)]
        imports = data.imports[(data.imports["year"] == year) & (data.imports["naics3"] == model.tech_naics3)]
        rows.append({"year": year, "exports": float(exports["value_usd"].sum()),
                     "imports": float(imports["value_usd"].sum())})
    return pd.DataFrame(rows)


def latest_published_year(model: SnapshotModel, figure: str) -> int:
    """The most recent year up to the snapshot year for which ``figure`` is published, or 0."""
    published = model.data.published
    years = published.loc[(published["figure"] == figure) & (published["year"] <= model.year), "year"]
    return int(years.max()) if not years.empty else 0


def headline_published(model: SnapshotModel, figure: str, latest: bool) -> tuple[int, float | NotPublished]:
    """(year, value) of a published headline figure, as the Dashboard's formulas give them."""
    year = latest_published_year(model, figure) if latest else model.year
    return year, published_value(model, figure, year)
