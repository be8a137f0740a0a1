"""The About sheet: the cover. Title, settings (the snapshot year and other inputs),
contents with links, sources, notes, the legend of cell styles, step-by-step instructions for changing
and extending the workbook, named cells and build facts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from workbook import __version__, register
from workbook.model import SnapshotModel
from workbook.register import OVER_THRESHOLD_USD, SNAPSHOT_YEAR, TECH_CATEGORY
from workbook.templates_loader import wording
from workbook.xlsx import Book, column_width, print_setup, write_value

LABEL_COL, VALUE_COL, TEXT_COL = 0, 1, 2
SETTINGS_FIRST_ROW = 5


@dataclass(frozen=True)
class ContentsEntry:
    sheet: str
    description: str


@dataclass(frozen=True)
class Setting:
    name: str
    words_key: str
    style: str
    value: object
    description: str


#: The style of each setting's input cell, by its defined name.
SETTING_STYLES = {SNAPSHOT_YEAR: "input_year", TECH_CATEGORY: "input_number", OVER_THRESHOLD_USD: "input_usd"}


def settings(model: SnapshotModel) -> list[Setting]:
    """The inputs on About that every sheet follows, each with a defined name (the register's settings)."""
    words = wording("about")
    return [Setting(setting.name, setting.words_key, SETTING_STYLES[setting.name],
                    getattr(model, setting.model_attribute), words[setting.words_key])
            for setting in register.SETTINGS]


def define_settings(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    """Define the settings' names first: other sheets' formulas use them."""
    for offset, setting in enumerate(settings(model)):
        book.define_name(setting.name, sheet, SETTINGS_FIRST_ROW + offset, VALUE_COL, setting.description)


def write(book: Book, sheet: Worksheet, model: SnapshotModel, contents: list[ContentsEntry], data_checksum: str,
          years_range: str) -> None:
    words = wording("about")
    formats = book.formats
    sheet.set_column(LABEL_COL, LABEL_COL, column_width("label"))
    sheet.set_column(VALUE_COL, VALUE_COL, column_width("usd"))
    sheet.set_column(TEXT_COL, TEXT_COL, column_width("wide_text"))

    sheet.write_string(0, 0, words["title"], formats["title"])
    sheet.write_string(1, 0, words["subtitle"], formats["subtitle"])
    sheet.write_string(3, 0, words["settings_heading"], formats["heading"])
    sheet.write_string(4, 0, words["settings_note"], formats["note"])
    for offset, setting in enumerate(settings(model)):
        row = SETTINGS_FIRST_ROW + offset
        sheet.write_string(row, LABEL_COL, words[setting.words_key], formats["label"])
        write_value(sheet, row, VALUE_COL, setting.value, formats[setting.style])
    year_row = SETTINGS_FIRST_ROW
    sheet.data_validation(year_row, VALUE_COL, year_row, VALUE_COL, {
        "validate": "list", "source": years_range,
        "error_title": words["snapshot_year"], "error_message": "Pick a year from the list: the years in the data.",
    })
    for offset in range(1, len(settings(model))):
        row = SETTINGS_FIRST_ROW + offset
        sheet.data_validation(row, VALUE_COL, row, VALUE_COL, {
            "validate": "decimal", "criteria": ">=", "value": 0,
            "error_message": "Enter a number that is 0 or more.",
        })

    row = SETTINGS_FIRST_ROW + len(settings(model)) + 1
    row = _contents(sheet, formats, words, contents, row)
    row = _sources(sheet, formats, words, row)
    row = _notes(sheet, formats, words, row)
    row = _legend(sheet, formats, words, row)
    row = _steps(sheet, formats, words, row)
    row = _names(book, sheet, formats, words, row)
    row = _build_facts(sheet, formats, words, data_checksum, row)
    print_setup(sheet, row, TEXT_COL, landscape=False)


def _heading(sheet: Worksheet, formats: dict, text: str, row: int) -> int:
    sheet.write_string(row, 0, text, formats["heading"])
    return row + 1


def _contents(sheet, formats, words, contents: list[ContentsEntry], row: int) -> int:
    row = _heading(sheet, formats, words["contents_heading"], row)
    for entry in contents:
        sheet.write_url(row, LABEL_COL, f"internal:'{entry.sheet}'!A1", formats["link"], entry.sheet)
        sheet.write_string(row, TEXT_COL, entry.description, formats["text"])
        row += 1
    return row + 1


def _sources(sheet, formats, words, row: int) -> int:
    row = _heading(sheet, formats, words["sources_heading"], row)
    for source in words["sources"]:
        sheet.write_string(row, LABEL_COL, source["name"], formats["label"])
        sheet.write_string(row, TEXT_COL, f"{source['citation']} {source['vintage']}", formats["wrapped"])
        sheet.set_row(row, 13 * 3)
        row += 1
        sheet.write_url(row, TEXT_COL, source["url"], formats["link"], source["url"])
        row += 1
    return row + 1


def _notes(sheet, formats, words, row: int) -> int:
    row = _heading(sheet, formats, words["notes_heading"], row)
    for note in words["notes"]:
        sheet.write_string(row, LABEL_COL, note["id"], formats["label"])
        sheet.write_string(row, TEXT_COL, note["text"], formats["wrapped"])
        sheet.set_row(row, 13 * 2)
        row += 1
    return row + 1


def _legend(sheet, formats, words, row: int) -> int:
    row = _heading(sheet, formats, words["legend_heading"], row)
    for entry in words["legend"]:
        sheet.write_string(row, LABEL_COL, entry["label"], formats["label"])
        sheet.write_number(row, VALUE_COL, entry["example"], formats[entry["style"]])
        sheet.write_string(row, TEXT_COL, entry["text"], formats["text"])
        row += 1
    return row + 1


def _steps(sheet, formats, words, row: int) -> int:
    """How to change and extend the workbook: a title per task, then its numbered steps."""
    row = _heading(sheet, formats, words["steps_heading"], row)
    sheet.write_string(row, 0, words["steps_note"], formats["note"])
    row += 1
    for task in words["steps"]:
        sheet.write_string(row, LABEL_COL, task["title"], formats["label"])
        for number, step in enumerate(task["steps"], start=1):
            sheet.write_string(row, VALUE_COL, f"{number}.", formats["text"])
            sheet.write_string(row, TEXT_COL, step, formats["wrapped"])
            # Widths count digits; a line of text holds about 1.2 characters per unit of width.
            sheet.set_row(row, 13 * math.ceil(len(step) / (1.2 * column_width("wide_text"))))
            row += 1
    return row + 1


def _names(book: Book, sheet, formats, words, row: int) -> int:
    row = _heading(sheet, formats, words["names_heading"], row)
    sheet.write_string(row, 0, words["names_note"], formats["note"])
    row += 1
    for name in book.names:
        sheet.write_string(row, LABEL_COL, name.name, formats["label"])
        sheet.write_string(row, VALUE_COL, name.reference.lstrip("="), formats["text"])
        sheet.write_string(row, TEXT_COL, name.description, formats["text"])
        row += 1
    return row + 1


def _build_facts(sheet, formats, words, data_checksum: str, row: int) -> int:
    row = _heading(sheet, formats, words["build_heading"], row)
    sheet.write_string(row, LABEL_COL, words["version_label"], formats["label"])
    sheet.write_string(row, VALUE_COL, __version__, formats["text"])
    row += 1
    sheet.write_string(row, LABEL_COL, words["checksum_label"], formats["label"])
    sheet.write_string(row, VALUE_COL, data_checksum, formats["text"])
    return row
