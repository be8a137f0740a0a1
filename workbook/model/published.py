"""Figures the press release publishes, looked up as the workbook's formulas look them up."""

from __future__ import annotations

from workbook.templates_loader import wording


def not_published() -> str:
    """What a cell shows for a figure the snapshot does not publish for the year."""
    return wording("published")["not_published"]


def published_value(model, figure: str, year: int, subject: str = "") -> float | str:
    """The published figure for ``year`` (and subject), or the "not published" text.

    Mirrors the workbook's IF(COUNTIFS(..)=0, "not published", SUMIFS(..)) over the
    PublishedFigures table; the key (figure, year, subject) is unique, so SUMIFS
    returns the one value.
    """
    published = model.data.published
    rows = published[(published["figure"] == figure) & (published["year"] == year)]
    if subject:
        rows = rows[rows["subject"] == subject]
    if rows.empty:
        return not_published()
    return float(rows["value"].sum())
