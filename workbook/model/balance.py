"""Figures of the Balance sheet: tech goods trade from Census, tech services trade derived
from the totals the press release publishes, and the balances.

Census state data covers goods only. The release publishes tech imports of products
and services together, the overall tech trade balance and the services balance; the
services figures follow from those and the Census goods figures:

* total exports = published total imports + published total balance
* services imports = published total imports − Census goods imports
* services exports = total exports − Census goods exports
* services balance = services exports − services imports

Where a published figure is missing for the snapshot year, every figure derived
from it is not published (NOT_PUBLISHED, which the sheet words), as in the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.keys import NOT_PUBLISHED, NotPublished
from workbook.model.published import published_value

#: Figure ids of data/published_figures.csv that the derivation reads.
PUBLISHED_TOTAL_IMPORTS = "tech_imports"
PUBLISHED_TOTAL_BALANCE = "tech_trade_balance"
PUBLISHED_SERVICES_BALANCE = "tech_services_trade_balance"

#: A figure, or NOT_PUBLISHED where it derives from a figure the release does not publish for the year.
Amount = float | NotPublished


@dataclass(frozen=True)
class BalanceFigures:
    goods_exports: float
    goods_imports: float
    #: Published figures for the snapshot year, or NOT_PUBLISHED.
    published_total_imports: Amount
    published_total_balance: Amount
    published_services_balance: Amount

    @property
    def goods_balance(self) -> float:
        return self.goods_exports - self.goods_imports

    @property
    def derived_total_exports(self) -> Amount:
        """Tech exports of products and services: published imports + published balance."""
        return _combine(self.published_total_imports, self.published_total_balance, +1)

    @property
    def services_imports(self) -> Amount:
        return _combine(self.published_total_imports, self.goods_imports, -1)

    @property
    def services_exports(self) -> Amount:
        return _combine(self.derived_total_exports, self.goods_exports, -1)

    @property
    def services_balance(self) -> Amount:
        return _combine(self.services_exports, self.services_imports, -1)

    @property
    def total_exports(self) -> Amount:
        """Goods + services, as the summary adds them (equal to the derived total exports)."""
        return _combine(self.goods_exports, self.services_exports, +1)

    @property
    def total_imports(self) -> Amount:
        """Goods + services, as the summary adds them (equal to the published tech imports)."""
        return _combine(self.goods_imports, self.services_imports, +1)

    @property
    def total_balance(self) -> Amount:
        return _combine(self.total_exports, self.total_imports, -1)

    @property
    def services_balance_difference(self) -> Amount:
        """Derived minus published services balance: how far the derivation lands from the release."""
        return _combine(self.services_balance, self.published_services_balance, -1)


def _combine(first: Amount, second: Amount, sign: int) -> Amount:
    """first + sign × second, or NOT_PUBLISHED when either is not a number (the workbook's IF(ISNUMBER(..)))."""
    if first is NOT_PUBLISHED or second is NOT_PUBLISHED:
        return NOT_PUBLISHED
    return first + sign * second


def balance_figures(model: SnapshotModel) -> BalanceFigures:
    """The Balance sheet's figures for the model's snapshot year (``model.figures(balance_figures)``)."""
    data, year = model.data, model.year
    return BalanceFigures(
        goods_exports=_tech_sum(data.exports, year, model.tech_naics3),
        goods_imports=_tech_sum(data.imports, year, model.tech_naics3),
        published_total_imports=published_value(model, PUBLISHED_TOTAL_IMPORTS, year),
        published_total_balance=published_value(model, PUBLISHED_TOTAL_BALANCE, year),
        published_services_balance=published_value(model, PUBLISHED_SERVICES_BALANCE, year),
    )


def _tech_sum(trade: pd.DataFrame, year: int, tech_naics3: int) -> float:
    """The tech category's trade summed over every state for the year (0 if the year has none)."""
    rows = trade[(trade["year"] == year) & (trade["naics3"] == tech_naics3)]
    return float(rows["value_usd"].sum())
