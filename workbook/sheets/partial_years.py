"""How the sheets say which years of the data are partial (year to date, listed in partial_years.csv).

A partial year's column is headed by the year alone, as every year column (``CensusExports[2026]``:
formulas match the header text, a published interface), so the Notes, the Trend and the Cover say it in
words instead, each the same way.
"""

from __future__ import annotations

from workbook.templates_loader import wording


def partial_years_covers(partial_years: dict[int, str]) -> str:
    """"2026: January only; 2027: January through March" — each partial year with the months it covers."""
    words = wording("notes")
    return "; ".join(
        str(words["partial_year_january"] if month == "January" else words["partial_year_through"]).format(
            year=year, month=month) for year, month in sorted(partial_years.items()))
