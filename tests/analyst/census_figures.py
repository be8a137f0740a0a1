"""The States figures computed straight from Census rows with pandas, to check the workbook against.

Written from the snapshot's definitions, not from the tool's model, so that a
mistake in the model or in a formula cannot agree with itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

TECH = 334
THRESHOLD = 1e9
#: Census special provisions (9xx) are no product categories.
FIRST_SPECIAL = 900


@dataclass(frozen=True)
class StateFigures:
    #: One row per state code, columns named as the States table's headers.
    table: pd.DataFrame
    us_tech_exports: float
    us_tech_exports_previous: float
    over_threshold: int
    tech_top_three: int
    tech_leading: int


def state_figures(exports: pd.DataFrame, codes: list[str], year: int) -> StateFigures:
    """``exports``: long Census rows (year, state_code, naics3, value_usd); ``codes``: the States rows."""
    years = set(exports["year"])
    this_year = exports[exports["year"] == year]
    tech = this_year[this_year["naics3"] == TECH].groupby("state_code")["value_usd"].sum()
    if year - 1 in years:
        before = exports[(exports["year"] == year - 1) & (exports["naics3"] == TECH)]
        previous = before.groupby("state_code")["value_usd"].sum()
    else:
        previous = pd.Series(dtype=float)
    goods = this_year.groupby("state_code")["value_usd"].sum()
    rows = []
    for code in codes:
        own = float(tech.get(code, 0.0))
        products = this_year[(this_year["state_code"] == code) & (this_year["naics3"] < FIRST_SPECIAL)]
        rows.append({
            "Code": code,
            "Tech exports": own,
            "Tech exports previous year": float(previous.get(code, 0.0)),
            "Goods exports": float(goods.get(code, 0.0)),
            "Tech rank among categories": 1 + int((products["value_usd"] > own).sum()),
        })
    table = pd.DataFrame(rows).set_index("Code")
    total = table["Tech exports"].sum()
    table["Change"] = table["Tech exports"] - table["Tech exports previous year"]
    table["Share of US"] = table["Tech exports"] / total if total else 0.0
    # RANK(x, all, 0): one more than the number of states with more.
    table["US rank"] = [1 + int((table["Tech exports"] > value).sum()) for value in table["Tech exports"]]
    table["Over 1 billion"] = ["Yes" if value > THRESHOLD else "No" for value in table["Tech exports"]]
    table["Tech in top three"] = ["Yes" if rank <= 3 else "No" for rank in table["Tech rank among categories"]]
    table["Tech leads"] = ["Yes" if rank == 1 else "No" for rank in table["Tech rank among categories"]]
    return StateFigures(
        table=table,
        us_tech_exports=float(total),
        us_tech_exports_previous=float(table["Tech exports previous year"].sum()),
        over_threshold=int((table["Over 1 billion"] == "Yes").sum()),
        tech_top_three=int((table["Tech in top three"] == "Yes").sum()),
        tech_leading=int((table["Tech leads"] == "Yes").sum()),
    )


def tech_goods(trade: pd.DataFrame, year: int) -> float:
    """Tech trade of all states in ``year`` (exports or imports rows)."""
    return float(trade[(trade["year"] == year) & (trade["naics3"] == TECH)]["value_usd"].sum())


def with_value(exports: pd.DataFrame, code: str, naics3: int, year: int, value: float) -> pd.DataFrame:
    """The Census rows with one value typed over (or added)."""
    edited = exports.copy()
    where = (edited["year"] == year) & (edited["state_code"] == code) & (edited["naics3"] == naics3)
    if where.any():
        edited.loc[where, "value_usd"] = value
        return edited
    row = pd.DataFrame([{"year": year, "state_code": code, "naics3": naics3, "value_usd": value}])
    return pd.concat([edited, row], ignore_index=True)
