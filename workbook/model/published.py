"""Figures the press release publishes, looked up as the workbook's formulas look them up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, cast

import pandas as pd

from workbook.model import SnapshotModel
from workbook.model.keys import NOT_PUBLISHED, NotPublished


class PublishedRow(Protocol):
    """A row of published_figures.csv (``schema.PUBLISHED``), as ``DataFrame.itertuples`` gives it."""

    figure: str
    year: int
    subject: str
    value: float
    unit: str
    quote: str


def published_rows(rows: pd.DataFrame) -> Iterator[PublishedRow]:
    """The rows of (a selection of) the published figures, with the types their schema gives the columns."""
    return cast(Iterator[PublishedRow], rows.itertuples())


def published_value(model: SnapshotModel, figure: str, year: int, subject: str = "") -> float | NotPublished:
    """The published figure for ``year`` (and subject), or NOT_PUBLISHED (which the sheets word).

    Mirrors the workbook's IF(COUNTIFS(..)=0, "not published", SUMIFS(..)) over the
    PublishedFigures table; the key (figure, year, subject) is unique, so SUMIFS
    returns the one value.
    """
    published = model.data.published
    rows = published[(published["figure"] == figure) & (published["year"] == year)]
    if subject:
        rows = rows[rows["subject"] == subject]
    if rows.empty:
        return NOT_PUBLISHED
    return float(rows["value"].sum())
