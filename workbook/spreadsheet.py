"""Facts about spreadsheets that every layer relies on, kept in one place.

The limits of a sheet and of a cell's text, how Excel counts the length of text,
the error values a formula can show, which characters XML cannot hold, and how a
sheet's name is written inside a reference. The loader checks data against them,
the writing layer refuses what breaks them, ``check`` and ``diff`` report with them.
"""

from __future__ import annotations

from xlsxwriter.utility import quote_sheetname

from workbook.errors import TechTradeError

# ---------------------------------------------------------------- limits (Excel's specifications and limits)

#: What one sheet holds.
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
#: Rows of data a sheet holds below one header row: the most rows a data file may have.
MAX_DATA_ROWS = MAX_ROWS - 1
#: The text of one cell, in UTF-16 code units as Excel counts them.
MAX_CELL_TEXT = 32_767
#: The text of one formula.
MAX_FORMULA_LENGTH = 8_192
MAX_SHEET_NAME_LENGTH = 31
#: Defined names and table names share one namespace and one set of rules.
MAX_NAME_LENGTH = 255
#: Characters a sheet name cannot hold.
SHEET_NAME_FORBIDDEN = "[]:*?/\\"

# ---------------------------------------------------------------- text

#: Characters XML 1.0 cannot hold (a regular expression's character class): a cell, or a
#: formula's cached result, with one of them would make the whole workbook unreadable.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
#: Characters outside the Basic Multilingual Plane (a character class): each counts twice
#: against Excel's limits, which count UTF-16 code units.
ASTRAL_CHARACTERS = "[\U00010000-\U0010ffff]"


def utf16_length(text: str) -> int:
    """Length as Excel counts it: a character beyond U+FFFF takes two UTF-16 code units."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


# ---------------------------------------------------------------- error values

#: The error values a formula can show, as Excel writes them (and openpyxl reads them).
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})


# ---------------------------------------------------------------- references

def quote_sheet_name(name: str) -> str:
    """A sheet's name as a reference spells it: ``States``, ``'Census exports'``, ``'A1'``.

    Quoted, with inner apostrophes doubled, unless it is a plain word that cannot be
    read as anything else (a cell such as ``A1`` or ``R1C1``, or a number): Excel's rules,
    as XlsxWriter applies them to the references it writes.
    """
    return quote_sheetname(name)


def range_bounds(reference: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row), counted from 1, of a range of cells
    such as ``A1:C9`` or ``B2``; a whole row or column (``A:A``) is refused."""
    # Imported here: the writing layer, which never reads a workbook, does not load openpyxl.
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(reference)
    if min_col is None or min_row is None or max_col is None or max_row is None:
        raise TechTradeError(f"{reference}: not a range of cells")
    return min_col, min_row, max_col, max_row
