"""The analyst's own work put back into a new workbook: their sheets after the tool's own,
their notes on the tool's sheets (found again by the row's key), and their defined names.

Before anything is written, every own formula's tables, columns and names are looked up
in the workbook as the tool has written it: a formula that names something the workbook
no longer has stops the build with one line naming the sheet, cell and name, rather than
leave a broken formula for the analyst to find.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.worksheet import Worksheet

from workbook.errors import TechTradeError
from workbook.reading.own import RENAMED, OwnContent, OwnNote, OwnSheet, names_used, rewrite_renamed
from workbook.spreadsheet import range_bounds
from workbook.templates_loader import styles
from workbook.writing.xlsx import Book, LimitedWorksheet, Options, write_formula, write_value


def write_own(book: Book, content: OwnContent) -> None:
    """Put ``content`` into ``book``, after the tool has written all of its own sheets."""
    if not content:
        return
    sheets = [_renamed(sheet) for sheet in content.sheets]
    names = [(name.name, rewrite_renamed(name.refers_to, RENAMED)) for name in content.names]
    _check_references(book, sheets, names)
    for own in sheets:
        _write_sheet(book, own)
    for name, refers_to in names:
        book.workbook.define_name(name, "=" + refers_to.lstrip("="))
    for note in content.notes:
        _write_note(book, note)


def _renamed(sheet: OwnSheet) -> OwnSheet:
    if not RENAMED:
        return sheet
    from dataclasses import replace

    return replace(sheet, cells=tuple(replace(cell, formula=rewrite_renamed(cell.formula, RENAMED))
                                      if cell.formula else cell for cell in sheet.cells))


def _check_references(book: Book, sheets: list[OwnSheet], names: list[tuple[str, str]]) -> None:
    tables = {table["name"].casefold(): {column["name"].casefold() for column in table["columns"]}
              for sheet in book.workbook.worksheets() for table in sheet.tables}
    tables.update({table.name.casefold(): {header.casefold() for header in table.headers}
                   for sheet in sheets for table in sheet.tables})
    defined = {entry[0].casefold() for entry in book.workbook.defined_names}
    defined.update(name.casefold() for name, _ in names)
    for sheet in sheets:
        for cell in sheet.cells:
            if cell.formula:
                missing = _missing(cell.formula, tables, defined)
                if missing:
                    where = f"{sheet.source}, " if sheet.source else ""
                    raise TechTradeError(
                        f"{where}sheet {sheet.name!r}, cell {cell.cell}: the formula {cell.formula} refers to {missing}, "
                        "which the rebuilt workbook does not define; change the formula there or in the workbook")


def _missing(formula: str, tables: dict[str, set[str]], defined: set[str]) -> str | None:
    used_tables, used_names = names_used(formula)
    for table, column in used_tables:
        if table.casefold() not in tables:
            return f"the table {table}"
        if column is not None and column.casefold() not in tables[table.casefold()]:
            return f"the column {column} of {table}"
    for name in used_names:
        if name.casefold() not in defined:
            return f"the name {name}"
    return None


def _write_sheet(book: Book, own: OwnSheet) -> None:
    sheet = book.workbook.add_worksheet(own.name, worksheet_class=type(book.workbook.worksheets()[0]))
    if isinstance(sheet, LimitedWorksheet):
        sheet.own_work = True
    formats: dict[tuple[str | None, bool, str | None, str | None], Format] = {}
    header_cells: set[tuple[int, int]] = set()
    for table in own.tables:
        min_col, min_row, max_col, max_row = range_bounds(table.ref)
        options: Options = {"name": table.name, "columns": [{"header": header} for header in table.headers]}
        if table.style:
            options["style"] = table.style
        sheet.add_table(min_row - 1, min_col - 1, max_row - 1, max_col - 1, options)
        header_cells.update((min_row - 1, col) for col in range(min_col - 1, max_col))
    for merged in own.merged:
        min_col, min_row, max_col, max_row = range_bounds(merged)
        sheet.merge_range(min_row - 1, min_col - 1, max_row - 1, max_col - 1, "")
    for cell in own.cells:
        row, col = xl_cell_to_rowcol(cell.cell)
        if (row, col) in header_cells:
            continue
        look = (cell.number_format, cell.bold, cell.font_colour, cell.fill)
        if look not in formats:
            formats[look] = _format(book, *look)
        if cell.formula is not None:
            write_formula(sheet, row, col, cell.formula, formats[look], cell.value if cell.value is not None else 0)
        elif isinstance(cell.value, bool):
            sheet.write_boolean(row, col, cell.value, formats[look])
        else:
            write_value(sheet, row, col, cell.value, formats[look])
    for letter, width in own.column_widths.items():
        first, _ = _column_span(letter)
        sheet.set_column(first, first, _characters(width))
    for row, height in own.row_heights.items():
        sheet.set_row(row - 1, height)
    if own.frozen:
        sheet.freeze_panes(own.frozen)


def _format(book: Book, number_format: str | None, bold: bool, font_colour: str | None, fill: str | None) -> Format:
    properties: Options = {"font_name": styles()["base"]["font_name"], "font_size": styles()["base"]["font_size"]}
    if number_format:
        properties["num_format"] = number_format
    if bold:
        properties["bold"] = True
    if font_colour:
        properties["font_color"] = font_colour
    if fill:
        properties.update({"pattern": 1, "bg_color": fill})
    return book.workbook.add_format(properties)


def _column_span(letter: str) -> tuple[int, int]:
    _, col = xl_cell_to_rowcol(f"{letter}1")
    return col, col


def _characters(stored_width: float) -> float:
    """A column width as a file stores it (characters plus the cell's padding), as
    XlsxWriter takes it (characters), so a width survives a round trip unchanged."""
    return max(stored_width - 0.71, 0) if stored_width > 1.71 else stored_width / 1.71


def _write_note(book: Book, note: OwnNote) -> None:
    sheet = _sheet_named(book, note.sheet)
    if sheet is None:
        raise TechTradeError(f"note at {note.place}: the rebuilt workbook has no sheet {note.sheet!r}")
    if note.table is None:
        # A note that is not on a table's row stands in a cell.
        assert note.cell is not None
        row, col = xl_cell_to_rowcol(note.cell)
    else:
        row, col = _table_cell(book, sheet, note)
    sheet.write_comment(row, col, note.text, {"author": note.author} if note.author else {})


def _sheet_named(book: Book, name: str) -> Worksheet | None:
    return next((sheet for sheet in book.workbook.worksheets() if sheet.get_name() == name), None)


def _table_cell(book: Book, sheet: Worksheet, note: OwnNote) -> tuple[int, int]:
    table = next((table for table in sheet.tables if table["name"] == note.table), None)
    if table is None:
        raise TechTradeError(f"note at {note.place}: the rebuilt workbook has no table {note.table}")
    first_row, first_col, last_row, _ = _bounds(table["range"])
    headers = [column["name"] for column in table["columns"]]
    if note.column not in headers:
        raise TechTradeError(f"note at {note.place}: the table {note.table} has no column {note.column}")
    key = note.key or {}
    key_cols = {header: first_col + headers.index(header) for header in key if header in headers}
    strings = {index: text for text, index in book.workbook.str_table.string_table.items()}
    for row in range(first_row + 1, last_row + 1):
        if all(_same(_cell_value(sheet, row, col, strings), key[header]) for header, col in key_cols.items()):

            return row, first_col + headers.index(note.column)
    raise TechTradeError(f"note at {note.place}: the rebuilt workbook has no such row in {note.table}")


def _bounds(a1_range: str) -> tuple[int, int, int, int]:
    first, last = a1_range.replace("$", "").split(":")
    first_row, first_col = xl_cell_to_rowcol(first)
    last_row, last_col = xl_cell_to_rowcol(last)
    return first_row, first_col, last_row, last_col


def _cell_value(sheet: Worksheet, row: int, col: int, strings: dict[int, str]) -> object:
    # XlsxWriter keeps each written cell as a named tuple until the file is closed; text as
    # an index into the shared strings, a formula with its cached value.
    cell = sheet.table.get(row, {}).get(col)
    if cell is None:
        return None
    if hasattr(cell, "formula"):
        return cell.value
    if hasattr(cell, "number"):
        return cell.number
    if hasattr(cell, "string"):
        return strings.get(cell.string, cell.string)
    return None


def _same(left: object, right: object) -> bool:
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return float(left) == float(right)
    return str(left if left is not None else "").strip() == str(right if right is not None else "").strip()
