"""How the sheets say which years of the data are partial (year to date, listed in partial_years.csv).

A partial year's column is headed by the year alone, as every year column (``CensusExports[2026]``:
formulas match the header text, a published interface), so the Notes, the Trend and the Cover say it in
words instead, each the same way. Where a year stands as a number (the Year list the snapshot year is
picked from, the Trend's U.S. table) it keeps its value and shows its mark ("2026*") through its number
format, so that formulas matching the year still find it; the Trend chart's axis reads labels made from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.templates_loader import wording
from workbook.writing.xlsx import Book, string_literal


def partial_years_covers(partial_years: dict[int, str]) -> str:
    """"2026: January only; 2027: January through March" — each partial year with the months it covers."""
    words = wording("notes")
    return "; ".join(
        str(words["partial_year_january"] if month == "January" else words["partial_year_through"]).format(
            year=year, month=month) for year, month in sorted(partial_years.items()))


def partial_year_label(year: int, month: str) -> str:
    """How a partial year is shown as a year ("2026*"), as the Notes' wording marks it."""
    return str(wording("notes")["partial_year_mark"]).format(year=year, month=month, month_short=month[:3])


def partial_year_number_format(year: int, month: str) -> str:
    """The number format that shows ``year`` as its label (``0"*"``): the cell's value stays the year."""
    before, _, after = partial_year_label(year, month).partition(str(year))

    def quoted(text: str) -> str:
        return f'"{text.replace(chr(34), chr(39))}"' if text else ""

    return f"{quoted(before)}0{quoted(after)}"


def mark_partial_years(book: Book, sheet: Worksheet, first_row: int, col: int, years: Sequence[object],
                       partial_years: Mapping[int, str], style: str) -> None:
    """Each partial year among ``years`` (a column's values from ``first_row`` down) rewritten in ``style``
    with its mark as number format."""
    for offset, year in enumerate(years):
        if isinstance(year, (int, float)) and int(year) in partial_years:
            month = partial_years[int(year)]
            sheet.write_number(first_row + offset, col, int(year),
                               book.style_variant(style, num_format=partial_year_number_format(int(year), month)))


def year_label_formula(year_row: int, year_col: int, partial_years: Mapping[int, str]) -> str:
    """A formula giving the year in a cell as text, a partial year with its mark: the chart's axis shows
    these labels as they are, where its cache of numeric categories holds one number format for them all."""
    cell = xl_rowcol_to_cell(year_row, year_col)
    formula = f'{cell}&""'
    for year, month in sorted(partial_years.items(), reverse=True):
        formula = f"IF({cell}={year},{string_literal(partial_year_label(year, month))},{formula})"
    return formula
