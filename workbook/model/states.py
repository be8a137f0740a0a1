"""Figures of the States sheet: each state's tech exports, change, share, rank and flags."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.dataset.load import Dataset
from workbook.model import SnapshotModel


YES, NO = "Yes", "No"


@dataclass(frozen=True)
class StateFigures:
    #: One row per state code, in the order of the States sheet (by state name).
    table: pd.DataFrame
    us_tech_exports: float
    us_tech_exports_previous: float
    states_over_threshold: int
    states_tech_top_three: int
    states_tech_leading: int

    @property
    def us_change(self) -> float:
        return self.us_tech_exports - self.us_tech_exports_previous

    @property
    def us_change_ratio(self) -> float | str:
        return ratio_or_blank(self.us_change, self.us_tech_exports_previous)


def ratio_or_blank(numerator: float, denominator: float) -> float | str:
    """numerator / denominator, or "" where the denominator is 0 (as the workbook's IF does)."""
    return numerator / denominator if denominator != 0 else ""


def state_figures(model: SnapshotModel) -> StateFigures:
    """The States sheet's figures for the model's snapshot year (``model.figures(state_figures)``)."""
    data, year, tech_naics3 = model.data, model.year, model.tech_naics3
    states = data.states.sort_values("state_name", kind="stable").set_index("state_code")
    exports = data.exports
    this_year = exports[exports["year"] == year]
    tech = _by_state(this_year[this_year["naics3"] == tech_naics3], states.index)
    previous_year = exports[(exports["year"] == year - 1) & (exports["naics3"] == tech_naics3)]
    tech_previous = _by_state(previous_year, states.index)
    goods = _by_state(this_year, states.index)
    us_total = float(tech.sum())

    table = pd.DataFrame(index=states.index)
    table["state_name"] = states["state_name"]
    table["tech_exports"] = tech
    table["tech_exports_previous"] = tech_previous
    table["change"] = tech - tech_previous
    table["change_ratio"] = [ratio_or_blank(c, p) for c, p in zip(table["change"], tech_previous)]
    table["share_of_us"] = tech / us_total if us_total != 0 else 0.0
    # RANK in a spreadsheet gives tied values the same, best rank: pandas' "min".
    table["us_rank"] = tech.rank(method="min", ascending=False).astype(int)
    table["goods_exports"] = goods
    table["tech_share_of_goods"] = [ratio_or_blank(t, g) if g != 0 else 0.0 for t, g in zip(tech, goods)]
    table["tech_category_rank"] = _tech_category_rank(this_year, data, tech)
    table["over_threshold"] = _flag(tech > model.over_threshold_usd)
    table["tech_top_three"] = _flag(table["tech_category_rank"] <= 3)
    table["tech_leading"] = _flag(table["tech_category_rank"] == 1)
    return StateFigures(
        table=table,
        us_tech_exports=us_total,
        us_tech_exports_previous=float(tech_previous.sum()),
        states_over_threshold=int((table["over_threshold"] == YES).sum()),
        states_tech_top_three=int((table["tech_top_three"] == YES).sum()),
        states_tech_leading=int((table["tech_leading"] == YES).sum()),
    )


def _by_state(rows: pd.DataFrame, codes: pd.Index) -> pd.Series:
    return rows.groupby("state_code")["value_usd"].sum().reindex(codes, fill_value=0.0).astype(float)


def _tech_category_rank(this_year: pd.DataFrame, data: Dataset, tech: pd.Series) -> pd.Series:
    """1 + the number of the state's product categories that exported more than tech.

    Special classification provisions (9xx) are not product categories. Counting rows
    that beat tech, rather than sorting, is what the workbook's COUNTIFS does, so a
    tie with tech never pushes tech down.
    """
    products = data.categories.loc[data.categories["kind"] == "product", "naics3"]
    rows = this_year[this_year["naics3"].isin(products)]
    beaten_by = rows["value_usd"].to_numpy() > tech.reindex(rows["state_code"]).to_numpy()
    counts = pd.Series(beaten_by, index=rows["state_code"].to_numpy()).groupby(level=0).sum()
    return (1 + counts.reindex(tech.index, fill_value=0)).astype(int)


def _flag(condition: pd.Series) -> pd.Series:
    return condition.map({True: YES, False: NO})
