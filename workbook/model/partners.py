"""Figures of the Partners sheet: U.S. tech exports to and imports from each partner country.

The partner data is national (all states together, with trade Census could not assign
to a state), by NAICS-3 category and partner country, for fewer years than the state
data. The workbook holds the tech category's rows (one row per country, a column per
year); for a snapshot year without a column in both tables every partner figure is
NO_PARTNER_DATA (which the sheets word: "no partner data for YEAR"), or blank, never an error or
another year's figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.keys import NoFigure, NoPartnerData

#: The columns of the partner table, in the sheet's order.
COLUMNS = ("country", "exports", "export_share", "export_rank", "export_change",
           "imports", "import_share", "import_rank", "import_change", "balance")


def tech_partner_rows(trade: pd.DataFrame, tech_naics3: int) -> pd.DataFrame:
    """The rows of a partner table (year, naics3, country, value_usd) that the workbook holds: the tech category's."""
    return trade[trade["naics3"] == tech_naics3].reset_index(drop=True)


def wide_partners(trade: pd.DataFrame) -> pd.DataFrame:
    """Partner rows as one row per country and category, a column per year (blank: none reported).

    No rows at all (no partner data for the tech category) gives one blank row and no year
    column: Excel rejects a table without rows, and ``extract`` reads a blank row as none.
    """
    if trade.empty:
        return pd.DataFrame({"country": [None], "naics3": [None]})
    wide = trade.pivot(index=["country", "naics3"], columns="year", values="value_usd")
    wide = wide.reindex(columns=sorted(wide.columns))
    wide.columns = [int(year) for year in wide.columns]
    return wide.reset_index()


def partner_years(trade: pd.DataFrame) -> set[int]:
    return set(trade["year"].unique().tolist())


@dataclass(frozen=True)
class PartnerFigures:
    year: int
    #: Both tables have a column for the snapshot year.
    has_data: bool
    #: One row per country in the sheet's order, with the columns of COLUMNS; a figure
    #: that cannot be computed is "" (or, for exports and imports, NO_PARTNER_DATA).
    table: pd.DataFrame
    #: Totals over every partner country, or NO_PARTNER_DATA.
    world_exports: float | NoPartnerData
    world_imports: float | NoPartnerData

    @property
    def world_balance(self) -> float | NoPartnerData:
        if isinstance(self.world_exports, NoFigure) or isinstance(self.world_imports, NoFigure):
            return NoFigure.NO_PARTNER_DATA
        return self.world_exports - self.world_imports

    def country(self, name: str) -> pd.Series | None:
        """The row of a country, matched as the workbook's criteria match it (ignoring case)."""
        rows = self.table[self.table["country"].str.casefold() == name.casefold()]
        return None if rows.empty else rows.iloc[0]


def partner_figures(model: SnapshotModel) -> PartnerFigures:
    """The Partners sheet's figures for the snapshot year (``model.figures(partner_figures)``)."""
    data, year, tech = model.data, model.year, model.tech_naics3
    exports = tech_partner_rows(data.partner_exports, tech)
    imports = tech_partner_rows(data.partner_imports, tech)
    # One row per country as formulas match it, ignoring case (the spelling met first is kept).
    spellings: dict[str, str] = {}
    for country in sorted(set(exports["country"]) | set(imports["country"])):
        spellings.setdefault(country.casefold(), country)
    # With no partner rows for the tech category, one blank row: Excel rejects a table without rows.
    countries = list(spellings.values()) or [""]
    # A year is covered where both of the workbook's tables have its column and rows of the tech
    # category (they hold only that category's rows, so a column means rows).
    has_data = year in partner_years(exports) and year in partner_years(imports)
    table = pd.DataFrame({"country": countries})
    if not has_data:
        no_data: NoPartnerData = NoFigure.NO_PARTNER_DATA
        for column in COLUMNS[1:]:
            # Object dtype: a key is no value pandas knows.
            table[column] = pd.Series([no_data if column in ("exports", "imports") else ""] * len(table),
                                      index=table.index, dtype=object)
        return PartnerFigures(year, False, table, no_data, no_data)
    worlds = {}
    for flow, trade in (("export", exports), ("import", imports)):
        this_year = _by_country(trade, year, countries)
        previous = _by_country(trade, year - 1, countries)
        world = float(this_year.sum())
        worlds[flow] = world
        table[f"{flow}s"] = this_year.to_numpy()
        table[f"{flow}_share"] = [value / world if world != 0 else "" for value in this_year]
        # RANK gives tied values the same, best rank: pandas' "min".
        table[f"{flow}_rank"] = this_year.rank(method="min", ascending=False).astype(int).to_numpy()
        # Blank where the year before has no column, or no trade with the country (IFERROR in the workbook).
        has_previous = year - 1 in partner_years(trade)
        table[f"{flow}_change"] = [value / before - 1 if has_previous and before != 0 else ""
                                   for value, before in zip(this_year, previous)]
    table["balance"] = table["exports"] - table["imports"]
    order = table.sort_values(["exports", "country"], ascending=[False, True], kind="stable").index
    table = table.loc[order, list(COLUMNS)].reset_index(drop=True)
    return PartnerFigures(year, True, table, worlds["export"], worlds["import"])


def _by_country(trade: pd.DataFrame, year: int, countries: list[str]) -> pd.Series:
    """The year's trade with each of ``countries``, matched ignoring case as SUMIFS matches."""
    rows = trade[trade["year"] == year]
    sums = rows.groupby(rows["country"].str.casefold())["value_usd"].sum()
    values = sums.reindex([country.casefold() for country in countries], fill_value=0.0).astype(float)
    return pd.Series(values.to_numpy(), index=countries)


def top_partners(figures: PartnerFigures, flow: str, count: int) -> list[tuple[int, str, float | None]]:
    """The first ``count`` ranks of ``flow`` ("export" or "import"): (rank, country, value), as
    INDEX(..., MATCH(rank, Partners[rank column], 0)) finds them: the first row of each rank in
    the table's order, and ("", None) where no row has the rank (a tie above it, or no data)."""
    ranked: list[tuple[int, str, float | None]] = []

    for rank in range(1, count + 1):
        rows = figures.table[figures.table[f"{flow}_rank"].map(lambda value: value == rank and value != "")]
        if figures.has_data and not rows.empty:
            ranked.append((rank, rows.iloc[0]["country"], float(rows.iloc[0][f"{flow}s"])))
        else:
            ranked.append((rank, "", None))
    return ranked
