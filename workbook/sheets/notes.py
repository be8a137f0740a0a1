"""The Notes sheet, near the end: definitions, sources and provenance (the tool's version, the
data's checksum and vintage) for readers, where the printed report ends; then what an analyst
needs, in the workbook only — the settings other than the snapshot year, the legend of cell
styles, how to change and extend the workbook step by step, and the named cells.

The settings are defined before the other sheets are written (their formulas and
``value_of`` read them); the named cells are listed once every sheet has defined its own,
so the sheet is written in two parts with one cursor: :func:`write_head`, then :func:`finish`.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from workbook import __version__
from workbook.writing import register
from workbook.writing.layout import SheetLayout, prose_page
from workbook.writing.metrics import wrapped_height
from workbook.model import SnapshotModel
from workbook.model.partners import partner_figures
from workbook.sheets.partial_years import partial_year_label, partial_years_covers
from workbook.templates_loader import Wording, wording
from workbook.writing.xlsx import Book, column_width, live_text_formula, print_setup, write_formula, write_value

WORDING = "notes"
LABEL_COL, TEXT_COL = 0, 1


def write_head(book: Book, sheet: Worksheet, model: SnapshotModel, data_checksum: str) -> SheetLayout:
    """Title, definitions, sources, provenance and the settings (defining their names); returns the cursor."""
    words = wording(WORDING)
    layout = prose_page(book, sheet, model.year, model.edition, words["title"], words["subtitle"])

    layout.heading(words["definitions_heading"])
    for note in words["definitions"]:
        layout.entry(note["id"], note["text"], "page_text")
    layout.skip()

    layout.heading(words["sources_heading"])
    for source in words["sources"]:
        layout.entry(source["name"], f"{source['citation']} {source['vintage']}", "page_text",
                     label_width="page_label", label_style="label_wrapped")
        # The address under the citation, in the text column.
        sheet.write_url(layout.row, TEXT_COL, source["url"], book.formats["page_link"], source["link"])
        layout.row += 1
    if not model.figures(partner_figures).has_data:
        _no_partner_data(layout, words, model)
    if model.data.partial_years:
        covers = partial_years_covers(model.data.partial_years)
        year, month = min(model.data.partial_years.items())
        layout.entry(words["partial_years_label"],
                     str(words["partial_years_text"]).format(years=covers, marked=partial_year_label(year, month)),
                     "page_text",
                     label_width="page_label", label_style="label_wrapped")
    layout.skip()

    # Provenance a reader can cite; no build date, so that a rebuild of the same data is the same file.
    layout.heading(words["build_heading"])
    vintages = "; ".join(f"{source['name']}: {source['vintage'].rstrip('.')}" for source in words["sources"]) + "."
    for label, value in ((words["version_label"], __version__), (words["checksum_label"], data_checksum),
                         (words["vintage_label"], vintages)):
        layout.entry(label, value, "page_text", label_width="page_label", label_style="label_wrapped")
    # The report (build --pdf) ends here; what follows is for the analyst, in the workbook.
    print_setup(sheet, layout.row - 1, TEXT_COL, landscape=False, margins="prose")
    layout.skip()

    _settings(layout, words, model)
    layout.skip()
    return layout


def _no_partner_data(layout: SheetLayout, words: Wording, model: SnapshotModel) -> None:
    """For a snapshot year the partner data does not cover, the one line the report prints about it:
    ``build --pdf`` leaves the Partners sheet, which would hold only that line, out of the report.
    Blank once the year is changed to one it covers."""
    text = words["no_partner_data"]
    row = layout.entry(words["partner_data_label"], text.format(year=model.year), "page_text",
                       label_width="page_label", label_style="label_wrapped")
    write_formula(layout.sheet, row, TEXT_COL, f'IF({register.HAS_PARTNER_DATA}=1,"",{live_text_formula(text)})',
                  layout.book.formats["page_text"], text.format(year=model.year))


def _settings(layout: SheetLayout, words: Wording, model: SnapshotModel) -> None:
    """The analyst's settings: the input in the first column, what it is beside it."""
    book, sheet = layout.book, layout.sheet
    layout.heading(words["settings_heading"])
    layout.note(words["settings_note"])
    inputs = ((register.TECH_CATEGORY, "tech_category", "input_number", model.tech_naics3),
              (register.OVER_THRESHOLD_USD, "over_threshold", "input_usd", model.over_threshold_usd))
    for name, key, style, value in inputs:
        row = layout.row
        write_value(sheet, row, LABEL_COL, value, book.formats[style])
        sheet.data_validation(row, LABEL_COL, row, LABEL_COL, {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "error_message": words["setting_error"],
        })
        book.define_name(name, sheet, row, LABEL_COL, words[key])
        layout.entry_text(row, words[key], "page_text")
    row = layout.row
    if model.fixed_edition is not None:
        sheet.write_number(row, LABEL_COL, model.fixed_edition, book.formats["input_year"])
    else:
        write_formula(sheet, row, LABEL_COL, f"{register.SNAPSHOT_YEAR}+1", book.formats["year"], model.edition)
    book.define_name(register.EDITION, sheet, row, LABEL_COL, words["edition"])
    layout.entry_text(row, words["edition"], "page_text")


def _interface(layout: SheetLayout, words: Wording) -> None:
    """The tables and columns that analysts' formulas may rely on (the register's published
    interface), one row per table; the defined names are all listed above."""
    published = wording("interface")
    layout.heading(published["heading"])
    layout.entry("", published["note"], "page_text", text_style="page_note")
    tables: dict[str, tuple[str, list[str]]] = {}
    for entry in register.interface():
        if entry.kind == "defined name":
            continue
        sheet, headers = tables.setdefault(entry.name, (wording(entry.sheet)["sheet"], []))
        if entry.kind == "year columns":
            headers.append(words["interface_year_columns"])
        elif entry.header is not None:
            headers.append(entry.header)
    for name, (sheet, headers) in tables.items():
        layout.entry(name, words["interface_table"].format(sheet=sheet, columns=", ".join(headers)), "page_text",
                     label_style="text")


def finish(layout: SheetLayout) -> None:
    """The legend, the steps, the named cells, and the published tables and columns."""
    words = wording(WORDING)
    book, sheet = layout.book, layout.sheet

    layout.heading(words["legend_heading"])
    for entry in words["legend"]:
        row = layout.row
        sheet.write_number(row, LABEL_COL, entry["example"], book.formats[entry["style"]])
        layout.entry_text(row, f"{entry['label']}: {entry['text']}", "page_text")
    layout.skip()

    layout.heading(words["steps_heading"])
    layout.entry("", words["steps_note"], "page_text", text_style="page_note")
    for task in words["steps"]:
        for number, step in enumerate(task["steps"], start=1):
            row = layout.row
            if number == 1:
                layout.write_text(row, LABEL_COL, task["title"], "label_wrapped")
            layout.entry_text(row, f"{number}. {step}", "page_text")
            title_height = wrapped_height(task["title"], column_width("page_label"), "label_wrapped")
            step_height = wrapped_height(f"{number}. {step}", column_width("page_text"), "page_text")
            sheet.set_row(row, max(title_height, step_height) if number == 1 else step_height)
    layout.skip()

    layout.heading(words["names_heading"])
    layout.note(words["names_note"])
    for name in book.names:
        row = layout.row
        layout.write_text(row, LABEL_COL, name.name, "text")
        layout.entry_text(row, f"{name.reference.lstrip('=')}: {name.description}", "page_text")
    layout.skip()

    _interface(layout, words)
