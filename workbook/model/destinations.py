"""Figures of the Destinations sheet: the published top destinations of tech exports,
their published rank for the snapshot year, the values entered for them and their shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.keys import NoFigure
from workbook.model.partners import partner_figures
from workbook.model.published import published_value
from workbook.dataset.schema import DESTINATION_FIGURE_PREFIX

#: The flow of destinations.csv that Census partner data covers: goods. Services have no Census data by country.
CENSUS_FLOW = "products"
#: The share of a destination whose value is not entered, or whose flow has no value at all.
NO_SHARE = ""


@dataclass(frozen=True)
class DestinationFigures:
    #: One row per destination, in the sheet's order: flow, country, published_rank
    #: (a number or NOT_PUBLISHED), value_usd (None where no value is entered) and
    #: share_of_listed (a fraction, or "" where it cannot be computed); for products, the
    #: Census partner data's census_value, census_share and census_rank for the snapshot
    #: year (census_value is a NoFigure key where there is none, which says why; the other two are then "").
    table: pd.DataFrame


def destination_figure(flow: str) -> str:
    """The published figure that ranks the destinations of ``flow`` (products or services)."""
    return DESTINATION_FIGURE_PREFIX + flow


def destination_figures(model: SnapshotModel) -> DestinationFigures:
    """The Destinations sheet's figures for the snapshot year (``model.figures(destination_figures)``)."""
    data, year = model.data, model.year
    table = data.destinations[["flow", "country", "value_usd"]].copy()
    # Rows keep one order whatever the snapshot year: by flow, then by the best rank
    # the release gives the country in any year, then by name.
    table["order"] = [_best_rank(data.published, flow, country) for flow, country in zip(table["flow"],
                                                                                        table["country"])]
    table = table.sort_values(["flow", "order", "country"], kind="stable").drop(columns="order")
    table = table.reset_index(drop=True)
    # Object dtype (as below): a key is no value pandas knows.
    table["published_rank"] = pd.Series([published_value(model, destination_figure(flow), year, country)
                                         for flow, country in zip(table["flow"], table["country"])],
                                        index=table.index, dtype=object)
    listed = table.groupby("flow")["value_usd"].transform("sum")
    table["share_of_listed"] = [
        value / total if pd.notna(value) and total != 0 else NO_SHARE
        for value, total in zip(table["value_usd"], listed)
    ]
    # Object dtype keeps None (a blank input cell); a float column would turn it back into NaN.
    table["value_usd"] = pd.Series([float(value) if pd.notna(value) else None for value in table["value_usd"]],
                                   index=table.index, dtype=object)
    census = [_census(model, flow, country) for flow, country in zip(table["flow"], table["country"])]
    table["census_value"] = pd.Series([value for value, _, _ in census], index=table.index, dtype=object)
    table["census_share"] = [share for _, share, _ in census]
    table["census_rank"] = [rank for _, _, rank in census]
    return DestinationFigures(table=table)


def _census(model: SnapshotModel, flow: str, country: str) -> tuple[float | NoFigure, float | str, int | str]:
    """Census exports to the country in the snapshot year, their share and rank, as the workbook computes them."""
    if flow != CENSUS_FLOW:
        return NoFigure.SERVICES_NOT_IN_CENSUS, "", ""
    partners = model.figures(partner_figures)
    if not partners.has_data:
        return NoFigure.NO_PARTNER_DATA, "", ""
    row = partners.country(country)
    if row is None:
        return NoFigure.NOT_IN_PARTNER_DATA, "", ""
    return float(row["exports"]), row["export_share"], int(row["export_rank"])


def _best_rank(published: pd.DataFrame, flow: str, country: str) -> float:
    ranks = published.loc[(published["figure"] == destination_figure(flow)) & (published["subject"] == country),
                          "value"]
    return float(ranks.min()) if not ranks.empty else float("inf")
