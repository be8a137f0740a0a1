"""Figures of the Categories sheet: exports by state and NAICS-3 category, national totals, ranks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from workbook.model import SnapshotModel
from workbook.templates_loader import wording

#: The kind CategoryList gives product categories; the others are special provisions (9xx).
PRODUCT_KIND = "product"
#: How many of the largest product categories the chart shows.
LARGEST_COUNT = 10


@dataclass(frozen=True)
class CategoryFigures:
    #: Exports of the snapshot year: one row per state code (in the States sheet's
    #: order, by state name), one column per category code (products by code, then
    #: special provisions by code). No exports reported is 0, as SUMIFS gives.
    matrix: pd.DataFrame
    #: State names, by state code.
    state_names: pd.Series
    #: One row per category code, in the matrix's column order: label, kind,
    #: exports, share_of_goods, rank (None for special provisions).
    totals: pd.DataFrame
    #: The largest product categories, best first: rank, code, label, exports, share_of_goods.
    largest: pd.DataFrame
    goods_exports_us: float
    #: The tech category's rank among product categories, or None where it is not one.
    tech_rank_us: int | None
    tech_share_of_goods_us: float | None

    def is_product(self, code: int) -> bool:
        return bool(self.totals.at[code, "kind"] == PRODUCT_KIND)


def category_figures(model: SnapshotModel) -> CategoryFigures:
    """The Categories sheet's figures for the model's snapshot year (``model.figures(category_figures)``)."""
    data, year = model.data, model.year
    states = data.states.sort_values("state_name", kind="stable").set_index("state_code")
    categories = data.categories.assign(special=data.categories["kind"] != PRODUCT_KIND)
    categories = categories.sort_values(["special", "naics3"], kind="stable").set_index("naics3")

    this_year = data.exports[data.exports["year"] == year]
    matrix = (this_year.pivot_table(index="state_code", columns="naics3", values="value_usd", aggfunc="sum")
              .reindex(index=states.index, columns=categories.index).fillna(0.0).astype(float))
    # National totals are sums over every row of the data for the year, as the
    # workbook's SUMIFS over CensusExports are (the matrix's states are all of them).
    exports = (this_year.groupby("naics3")["value_usd"].sum()
               .reindex(categories.index, fill_value=0.0).astype(float))
    goods = float(exports.sum())

    totals = pd.DataFrame(index=categories.index)
    totals["label"] = categories["label"].map(house_label)
    totals["kind"] = categories["kind"]
    totals["exports"] = exports
    totals["share_of_goods"] = exports / goods if goods != 0 else 0.0
    totals["rank"] = product_ranks(exports, categories["kind"] == PRODUCT_KIND)

    ranked = totals[totals["rank"].notna()].sort_values("rank")
    largest = ranked.head(LARGEST_COUNT).reset_index().rename(columns={"naics3": "code"})
    largest = largest[["rank", "code", "label", "exports", "share_of_goods"]]

    tech = model.tech_naics3
    tech_known = tech in totals.index
    # The rank column holds floats: NaN for a special provision.
    tech_rank = cast(float, totals.at[tech, "rank"]) if tech_known else None
    return CategoryFigures(
        matrix=matrix,
        state_names=states["state_name"],
        totals=totals,
        largest=largest,
        goods_exports_us=goods,
        tech_rank_us=None if tech_rank is None or pd.isna(tech_rank) else int(tech_rank),
        tech_share_of_goods_us=float(cast(float, totals.at[tech, "share_of_goods"])) if tech_known else None,

    )


def product_ranks(exports: pd.Series, is_product: pd.Series) -> pd.Series:
    """Rank 1 = largest, among product categories only; None for special provisions.

    Equal exports rank by code, smaller first, so that every rank is taken once and
    the largest-categories block can look each rank up. This is what the workbook's
    two COUNTIFS compute: the products that exported more, plus those that exported
    as much with a smaller code.
    """
    products = exports[is_product]
    codes = products.index.to_numpy()
    values = products.to_numpy()
    ranks = {code: 1 + int((values > value).sum() + ((values == value) & (codes < code)).sum())
             for code, value in zip(codes, values)}
    return pd.Series([ranks.get(code) for code in exports.index], index=exports.index, dtype=object)


# label_words are casing rules over data (Census's labels), kept in the wording beside the Notes that
# explain "n.e.s.o.i.". The model applies them because a category's label is one of its figures: the
# cached value of house_label_formula, which the Categories sheet's tables and chart read from
# CategoryFigures. The model words nothing of its own here.
def house_label(label: str) -> str:
    """A Census category label in the house style: sentence case ("Printed matter and related
    products, n.e.s.o.i."), with the words Census abbreviates spelt as the Notes explain them and
    proper nouns capitalised again (categories.toml's label_words). As :func:`house_label_formula` computes it."""
    text = label[:1].upper() + label[1:].lower()
    for lower, written in wording("categories")["label_words"].items():
        text = text.replace(lower, written)
    return text


def house_label_formula(label: str) -> str:
    """The formula of :func:`house_label` over ``label`` (a formula of the Census label's text)."""
    formula = f"UPPER(LEFT({label},1))&LOWER(MID({label},2,LEN({label})))"
    for lower, written in wording("categories")["label_words"].items():
        formula = f'SUBSTITUTE({formula},"{lower}","{written}")'
    return formula
