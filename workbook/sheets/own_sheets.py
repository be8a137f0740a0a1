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
from workbook.reading.own import RENAMED, OwnContent, OwnNote, OwnSheet, rewrite_renamed
from workbook.spreadsheet import range_bounds
from workbook.templates_loader import styles
from workbook.writing.formula_names import Defined, names_in
from workbook.writing.hooks import LimitedWorksheet, shared_strings, written_tables, written_value
from workbook.writing.xlsx import Book, Options, write_formula, write_value


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
    defined = Defined.in_workbook(book.workbook, [(table.name, table.headers) for sheet in sheets
                                                  for table in sheet.tables], [name for name, _ in names])
    for sheet in sheets:
        for cell in sheet.cells:
            problem = defined.undefined(names_in(cell.formula)) if cell.formula else None
            if problem:
                where = f"{sheet.source}, " if sheet.source else ""
                raise TechTradeError(f"{where}sheet {sheet.name!r}, cell {cell.cell}: the formula {cell.formula} "
                                     f"{problem}; change the formula there or in the workbook")


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
    table = next((table for table in written_tables(sheet) if table.name == note.table), None)
    if table is None:
        raise TechTradeError(f"note at {note.place}: the rebuilt workbook has no table {note.table}")
    headers = list(table.headers)
    if note.column not in headers:
        raise TechTradeError(f"note at {note.place}: the table {note.table} has no column {note.column}")
    key = note.key or {}
    key_cols = {header: table.first_col + headers.index(header) for header in key if header in headers}
    strings = shared_strings(book.workbook)
    for row in range(table.first_row + 1, table.last_row + 1):
        if all(_same(written_value(sheet, row, col, strings), key[header]) for header, col in key_cols.items()):
            return row, table.first_col + headers.index(note.column)
    raise TechTradeError(f"note at {note.place}: the rebuilt workbook has no such row in {note.table}")


def _same(left: object, right: object) -> bool:
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return float(left) == float(right)
    return str(left if left is not None else "").strip() == str(right if right is not None else "").strip()
