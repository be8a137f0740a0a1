"""Every printed table column has one unit and one number of decimals.

A column's unit is named once, in its header or the units row above it ("$ millions", "%");
its cells never carry a unit of their own ("$1.2B") and never switch unit by size. A figure
too small for the column's unit shows as "<1" or "<0.1", a text format without digits.
"""

from __future__ import annotations

import re

from openpyxl.utils import range_boundaries
from openpyxl.worksheet.cell_range import CellRange

from workbook.sheets.data_tables import ALL_DATA_SHEETS
from workbook.templates_loader import wording

#: A number format that picks its section by the figure's size ("[>=999500000]...").
SIZE_CONDITION = re.compile(r"\[[<>=]+-?[\d.]+\]")
#: A unit written into a figure: "B", "M" or "K" after its digits, or a dollar sign.
UNIT_IN_FIGURE = re.compile(r'"[BMK]"|\$')


def family(number_format: str) -> tuple[int, int, bool] | None:
    """(thousands scaled away, decimals, percent) of a format's first section; None for a format
    without digits (the "<1" of a figure below the unit) or General."""
    section = re.sub(r'"[^"]*"', "", number_format.split(";")[0])
    if number_format == "General" or not re.search(r"[0#]", section):
        return None
    digits = re.search(r"[#0,]*[0#](\.[0#]+)?,*", section)
    assert digits, number_format
    decimals = len(digits.group(1)) - 1 if digits.group(1) else 0
    scaled = len(digits.group(0)) - len(digits.group(0).rstrip(","))
    return scaled, decimals, "%" in section


def printed_tables(book):
    inputs = {spec.sheet_name for spec in ALL_DATA_SHEETS}
    for sheet in book.worksheets:
        if sheet.title in inputs:
            continue
        for table in sheet.tables.values():
            yield sheet, table


def rule_formats(sheet, col: int, first_row: int, last_row: int) -> list[str]:
    """The number formats conditional rules give cells of column ``col`` between the rows."""
    formats = []
    for ranges in sheet.conditional_formatting:
        for cell_range in str(ranges.sqref).split():
            covered = CellRange(cell_range)
            if covered.min_col <= col <= covered.max_col and covered.min_row <= last_row and covered.max_row >= first_row:
                formats += [rule.dxf.numFmt.formatCode for rule in ranges.rules
                            if rule.dxf is not None and rule.dxf.numFmt is not None]
    return formats


def test_no_printed_table_column_switches_unit_by_size_or_carries_its_unit_in_its_figures(default_formulas):
    for sheet, table in printed_tables(default_formulas):
        first_col, first_row, last_col, last_row = range_boundaries(table.ref)
        for col in range(first_col, last_col + 1):
            formats = {sheet.cell(row, col).number_format for row in range(first_row + 1, last_row + 1)}
            formats |= set(rule_formats(sheet, col, first_row + 1, last_row))
            for number_format in formats:
                where = f"{sheet.title}!{table.name} column {col}: {number_format!r}"
                assert not SIZE_CONDITION.search(number_format), where
                assert not UNIT_IN_FIGURE.search(number_format), where


#: Tables of figures of different units, one unit a row (the Checks compare dollars, shares and
#: counts): one family a row there, across the row's figures.
ROW_UNIT_TABLES = {"PublishedChecks", "IdentityChecks"}
ROW_UNIT_FIGURES = {wording("checks")["columns"][key] for key in ("published", "workbook", "difference", "tolerance")} | {
    wording("checks")["identity_columns"][key] for key in ("left", "right", "difference")}


def test_every_printed_table_column_has_one_number_format_family(default_formulas):
    tables = 0
    for sheet, table in printed_tables(default_formulas):
        tables += 1
        first_col, first_row, last_col, last_row = range_boundaries(table.ref)
        headers = [sheet.cell(first_row, col).value for col in range(first_col, last_col + 1)]
        if table.name in ROW_UNIT_TABLES:
            figure_cols = [first_col + index for index, header in enumerate(headers) if header in ROW_UNIT_FIGURES]
            assert len(figure_cols) >= 3, headers
            for row in range(first_row + 1, last_row + 1):
                found = {family(sheet.cell(row, col).number_format) for col in figure_cols}
                found.discard(None)
                assert len(found) <= 1, f"{sheet.title}!{table.name} row {row}: {found}"
            continue
        for col in range(first_col, last_col + 1):
            formats = [sheet.cell(row, col).number_format for row in range(first_row + 1, last_row + 1)]
            found = {family(number_format) for number_format in formats + rule_formats(sheet, col, first_row + 1, last_row)}
            found.discard(None)
            assert len(found) <= 1, f"{sheet.title}!{table.name} column {headers[col - first_col]}: {found}"
    assert tables >= 6, tables


def test_the_family_of_a_format_is_its_scale_decimals_and_percent():
    assert family('#,##0,,;-#,##0,,;0') == (2, 0, False)
    assert family('+#,##0.0,,,;-#,##0.0,,,;0') == (3, 1, False)
    assert family("+0.0%;-0.0%;0%") == (0, 1, True)
    assert family('"<0.1";"-<0.1";0') is None
