"""Figures the Dashboard's takeaways and the Key findings sheet put into words.

Each is what a formula of those sheets computes, so that a sentence's cached text is
the text LibreOffice or Excel writes after recalculating: the largest states, the codes
of the states where tech is in the top three or leads (in the States table's order),
the top destinations (products from the Census partner data, services as the release
names them), and the status Checks gives a published figure. Wording stays in the
sheets; this module returns figures and keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.balance import balance_figures
from workbook.model.categories import category_figures
from workbook.model.checks import published_status, tolerance
from workbook.model.dashboard import top_states
from workbook.model.destinations import CENSUS_FLOW, destination_figure
from workbook.model.partners import partner_figures, top_partners
from workbook.model.keys import NOT_PUBLISHED, NotPublished, Status
from workbook.model.published import published_rows
from workbook.model.states import YES, state_figures

#: How many of the largest states a sentence names.
LARGEST_NAMED = 3
#: How many top destinations a sentence names.
DESTINATIONS_NAMED = 3

#: Published national figures the workbook computes itself, and its value for each (as Checks compares them).
WORKBOOK_VALUES: dict[str, Callable[[SnapshotModel], float | NotPublished | None]] = {
    "states_tech_exports_over_1b": lambda model: model.figures(state_figures).states_over_threshold,
    "states_tech_top_three": lambda model: model.figures(state_figures).states_tech_top_three,
    "states_tech_leading": lambda model: model.figures(state_figures).states_tech_leading,
    "tech_products_exports_rank": lambda model: model.figures(category_figures).tech_rank_us,
    "tech_services_trade_balance": lambda model: model.figures(balance_figures).services_balance,
}


@dataclass(frozen=True)
class FindingFigures:
    #: The largest states: rank, state_name, tech_exports (as the States table's LARGE and MATCH find them).
    largest: pd.DataFrame
    #: Codes of the states where tech is among the top three categories, and where it leads, in table order.
    top_three_codes: list[str]
    leading_codes: list[str]
    #: Countries of rank 1, 2, 3 among destinations for the snapshot year ("" where none), by flow:
    #: products from the Census partner data (the Partners table's export ranks), services as the
    #: release ranks them (Census publishes no services trade by country).
    destinations: dict[str, list[str]]


def finding_figures(model: SnapshotModel) -> FindingFigures:
    states = model.figures(state_figures).table
    return FindingFigures(
        largest=top_states(model).head(LARGEST_NAMED),
        top_three_codes=states.index[states["tech_top_three"] == YES].tolist(),
        leading_codes=states.index[states["tech_leading"] == YES].tolist(),
        destinations={"products": census_destinations(model), "services": ranked_destinations(model, "services")},
    )


def census_destinations(model: SnapshotModel) -> list[str]:
    """The partner countries of export rank 1, 2, 3 for the snapshot year ("" where none: a tie
    above the rank, or no partner data for the year), as MATCH finds them in the Partners table."""
    return [country for _, country, _ in top_partners(model.figures(partner_figures), "export", DESTINATIONS_NAMED)]


def ranked_destinations(model: SnapshotModel, flow: str) -> list[str]:
    """The country of rank 1, 2, 3 for the snapshot year ("" where no country has that rank)."""
    published = model.data.published
    rows = published[(published["figure"] == destination_figure(flow)) & (published["year"] == model.year)]
    found = []
    for rank in range(1, DESTINATIONS_NAMED + 1):
        at_rank = rows.loc[rows["value"] == rank, "subject"]
        # MATCH finds the first row of the table with the rank.
        found.append(str(at_rank.iloc[0]) if not at_rank.empty else "")
    return found


def check_status(model: SnapshotModel, figure: str) -> Status:
    """The status Checks gives ``figure`` for the snapshot year, over all its subjects.

    As the workbook's COUNTIFS over the Checks table read it: not published (no row for
    the year), differs (any row differs), matches (any row matches), else quoted.
    """
    published = model.data.published
    rows = published[(published["figure"] == figure) & (published["year"] == model.year)]
    if rows.empty:
        return Status.NOT_PUBLISHED
    statuses = set()
    for entry in published_rows(rows):
        value = _workbook_value(model, figure, entry.subject)
        if value is None or value is NOT_PUBLISHED:
            statuses.add(Status.QUOTED)
            continue
        difference = value - entry.value
        statuses.add(published_status(value, difference, tolerance(entry.unit, entry.value), entry.year, model.year))
    for status in (Status.DIFFERS, Status.MATCHES):
        if status in statuses:
            return status
    return Status.QUOTED


def _workbook_value(model: SnapshotModel, figure: str, subject: str) -> float | NotPublished | None:
    """The workbook's own value Checks compares a published figure with, or None (quoted)."""
    if figure == destination_figure(CENSUS_FLOW):
        # A destination's rank from Census partner data, where the data has the year.
        partners = model.figures(partner_figures)
        row = partners.country(subject) if partners.has_data else None
        return None if row is None else int(row["export_rank"])
    compute = WORKBOOK_VALUES.get(figure)
    return compute(model) if compute is not None else None


def published_quote(model: SnapshotModel, figure: str) -> tuple[str, int | str]:
    """(quote, year) of the first row of ``figure`` in the published figures, as INDEX/MATCH finds it."""
    published = model.data.published
    rows = published[published["figure"] == figure]
    if rows.empty:
        return "", ""
    return str(rows["quote"].iloc[0]), int(rows["year"].iloc[0])
