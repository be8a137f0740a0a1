"""The Cover a reader opens on, the Notes near the end, the order and colours of the tabs, and
the edition, which follows the data: "Tech Trade Snapshot 2021" shows 2020."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import DATA, named_cell, open_workbook, run_cli
from workbook import __version__
from workbook.commands.build import REPORT_SHEETS
from workbook.sheets import data_tables
from workbook.templates_loader import styles, wording

COVER, NOTES = wording("cover"), wording("notes")


def _rows(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row[:2]) for row in sheet.iter_rows()]


def _beside(sheet, label: str):
    """The value in the column beside the first cell holding ``label``."""
    return next(row[1] for row in _rows(sheet) if row[0] == label)


def _sheet_xml(path: Path, sheet_name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]*)"', workbook)
        return archive.read(f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml").decode()


def _data_with_settings(tmp_path: Path, settings: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    (data / "settings.csv").write_text("setting,value\n" + settings)
    return data


def test_the_workbook_opens_on_the_cover_at_a1(default_workbook: Path):
    with zipfile.ZipFile(default_workbook) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert 'activeTab="' not in workbook or 'activeTab="0"' in workbook
    cover = _sheet_xml(default_workbook, "Cover")
    assert 'tabSelected="1"' in cover
    # No other cell selected: A1, XlsxWriter's default, which it leaves unwritten.
    assert "<selection" not in cover or 'sqref="A1"' in cover


def test_the_cover_title_names_the_edition_and_follows_the_year(default_formulas, default_values):
    assert default_values["Cover"]["A1"].value == "Tech Trade Snapshot 2021: U.S. technology trade in 2020"
    formula = default_formulas["Cover"]["A1"].value
    assert "Edition" in formula and "SnapshotYear" in formula
    edition = named_cell(default_formulas, "Edition")
    assert edition.value == "=SnapshotYear+1"
    assert named_cell(default_values, "Edition").value == 2021


def test_the_cover_says_what_the_workbook_holds_its_source_release_and_contact(default_values, default_formulas):
    cover = default_values["Cover"]
    assert _beside(cover, COVER["summary_label"]) == COVER["summary"].format(year=2020)
    assert _beside(cover, COVER["source_label"]) == COVER["source"]
    assert _beside(cover, COVER["release_label"]) == COVER["released"]["2021"]
    assert "Edition=2021" in _beside(default_formulas["Cover"], COVER["release_label"])
    contact = next(row[1] for row in default_formulas["Cover"].iter_rows() if row[0].value == COVER["contact_label"])
    assert contact.value == COVER["contact"]["name"] and contact.hyperlink.target == COVER["contact"]["url"]


def test_the_snapshot_year_is_a_marked_input_on_the_cover_picked_from_the_years(default_formulas):
    year = named_cell(default_formulas, "SnapshotYear")
    assert year.parent.title == "Cover" and year.value == 2020
    assert year.fill.fgColor.rgb.endswith(styles()["theme"]["input_fill"].lstrip("#"))
    rules = [rule for rule in default_formulas["Cover"].data_validations.dataValidation
             if year.coordinate in rule.sqref]
    assert len(rules) == 1 and rules[0].type == "list" and "Year list" in rules[0].formula1


def test_the_cover_lists_the_reading_sheets_then_the_input_tables(default_formulas):
    links = [(cell.value, cell.hyperlink.location) for row in default_formulas["Cover"].iter_rows()
             for cell in row if cell.hyperlink is not None and cell.hyperlink.location]
    reading = [wording(module.WORDING)["sheet"] for module in REPORT_SHEETS] + [NOTES["sheet"]]
    inputs = [spec.sheet_name for spec in data_tables.ALL_DATA_SHEETS]
    assert [text for text, _ in links] == reading + inputs
    assert all(location == f"'{text}'!A1" for text, location in links)


def test_tabs_put_what_a_reader_reads_before_the_input_tables_in_another_colour(default_workbook: Path,
                                                                               default_formulas):
    reading = ["Cover", *(wording(module.WORDING)["sheet"] for module in REPORT_SHEETS), NOTES["sheet"]]
    inputs = [spec.sheet_name for spec in data_tables.ALL_DATA_SHEETS]
    assert default_formulas.sheetnames == reading + inputs
    theme = styles()["theme"]
    for name in default_formulas.sheetnames:
        colour = default_formulas[name].sheet_properties.tabColor.rgb
        expected = theme["tab_reader"] if name in reading else theme["tab_inputs"]
        assert colour.endswith(expected.lstrip("#")), name


def test_the_notes_hold_the_settings_the_legend_the_names_the_version_and_the_checksum(default_formulas,
                                                                                       default_values):
    notes = default_values[NOTES["sheet"]]
    for name, key in (("TechCategory", "tech_category"), ("OverThresholdUSD", "over_threshold"),
                      ("Edition", "edition")):
        cell = named_cell(default_formulas, name)
        assert cell.parent.title == NOTES["sheet"]
        assert notes.cell(cell.row, cell.column + 1).value == NOTES[key]
    column_a = [row[0] for row in _rows(notes)]
    texts = [row[1] for row in _rows(notes)]
    assert NOTES["legend_heading"] in column_a
    for name, defined in default_formulas.defined_names.items():
        row = column_a.index(name)
        assert texts[row].startswith(defined.attr_text + ": "), name
    assert _beside(notes, NOTES["version_label"]) == __version__
    assert re.fullmatch(r"[0-9a-f]{64}", _beside(notes, NOTES["checksum_label"]))
    # Definitions keep the ids the other sheets cite.
    assert [note["id"] for note in NOTES["definitions"]] == [f"N{n}" for n in range(1, 7)]
    assert all(note["id"] in column_a for note in NOTES["definitions"])


def test_the_about_sheet_is_gone_and_no_words_point_at_it(default_values):
    assert "About" not in default_values.sheetnames
    for sheet in default_values.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and re.search(r"\bAbout\b(?! this)", cell.value)), \
                    f"{sheet.title}!{cell.coordinate}: {cell.value!r}"


def test_the_cover_prints_on_one_portrait_page_and_the_notes_one_page_wide(default_formulas):
    cover, notes = default_formulas["Cover"], default_formulas[NOTES["sheet"]]
    assert cover.page_setup.orientation == "portrait" and notes.page_setup.orientation == "portrait"
    # 1, the default, may be left out of the file.
    assert cover.sheet_properties.pageSetUpPr.fitToPage and cover.page_setup.fitToHeight in (None, 1)
    assert notes.page_setup.fitToHeight == 0


def test_the_document_properties_name_the_edition(default_formulas):
    assert default_formulas.properties.title == "Tech Trade Snapshot 2021"
    assert "2020" in default_formulas.properties.subject


def test_the_default_file_is_named_after_the_edition_of_the_year(tmp_path: Path):
    result = run_cli("build", "--year", "2025", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "tech-trade-snapshot-2026.xlsx"
    assert [entry.name for entry in tmp_path.iterdir()] == [path.name]
    values = open_workbook(path, data_only=True)
    assert values["Cover"]["A1"].value == "Tech Trade Snapshot 2026: U.S. technology trade in 2025"
    assert values.properties.title == "Tech Trade Snapshot 2026"
    assert _beside(values["Cover"], COVER["release_label"]) == COVER["released"]["unreleased"]


def test_settings_csv_fixes_the_edition_and_extract_keeps_it(tmp_path: Path):
    data = _data_with_settings(tmp_path, "snapshot_year,2024\nedition,2026\n")
    result = run_cli("build", "--data", data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "tech-trade-snapshot-2026.xlsx"
    formulas, values = open_workbook(path), open_workbook(path, data_only=True)
    edition = named_cell(formulas, "Edition")
    assert edition.value == 2026 and edition.fill.fgColor.rgb.endswith(styles()["theme"]["input_fill"].lstrip("#"))
    assert values["Cover"]["A1"].value == "Tech Trade Snapshot 2026: U.S. technology trade in 2024"
    assert values.properties.title == "Tech Trade Snapshot 2026"
    result = run_cli("extract", path, "--out", tmp_path / "back")
    assert result.returncode == 0, result.stderr
    assert "edition,2026" in (tmp_path / "back" / "settings.csv").read_text()


def test_extract_of_a_following_edition_writes_no_edition(default_workbook: Path, tmp_path: Path):
    result = run_cli("extract", default_workbook, "--out", tmp_path / "back")
    assert result.returncode == 0, result.stderr
    assert "edition" not in (tmp_path / "back" / "settings.csv").read_text()


def test_diff_names_a_changed_setting_by_its_cell(default_workbook: Path, workbook_2019: Path):
    result = run_cli("diff", default_workbook, workbook_2019)
    assert result.returncode == 1, result.stderr
    year = named_cell(open_workbook(default_workbook), "SnapshotYear")
    assert f"Cover!{year.coordinate}: setting snapshot_year: 2020 -> 2019" in result.stdout.splitlines()


@pytest.mark.parametrize("setting", ["edition,2026.5", "edition,21"])
def test_an_edition_that_is_not_a_year_is_refused(tmp_path: Path, setting: str):
    data = _data_with_settings(tmp_path, setting + "\n")
    result = run_cli("build", "--data", data, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 2
    assert "settings.csv" in result.stderr and "edition" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_the_notes_list_the_published_tables_and_their_columns(default_values):
    from workbook.writing import register

    notes = default_values[NOTES["sheet"]]
    for entry in register.interface():
        if entry.kind == "defined name":
            continue
        text = _beside(notes, entry.name)
        assert wording(entry.sheet)["sheet"] in text, entry.name
        if entry.kind == "column":
            assert entry.header in text, entry.reference
        elif entry.kind == "year columns":
            assert NOTES["interface_year_columns"] in text, entry.reference


def test_the_printed_notes_end_with_the_provenance_and_leave_the_analysts_part_on_screen(default_formulas):
    # The report ends with sources and provenance; settings, steps and named cells stay in the workbook.
    notes = default_formulas[NOTES["sheet"]]
    area = notes.print_area if isinstance(notes.print_area, str) else notes.print_area[0]
    last_printed = int(re.findall(r"\d+", area.split(":")[-1])[-1])
    column_a = [row[0] for row in _rows(notes)]
    rows = {value: index + 1 for index, value in reversed(list(enumerate(column_a))) if isinstance(value, str)}
    assert rows[NOTES["checksum_label"]] <= last_printed and rows[NOTES["vintage_label"]] <= last_printed
    for heading in ("settings_heading", "legend_heading", "steps_heading", "names_heading"):
        assert rows[NOTES[heading]] > last_printed, heading
