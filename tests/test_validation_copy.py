"""The schema validation ``check`` runs finds exactly what the Open XML SDK validator finds when it
reads the whole file, though it reads a copy without the rows the tool checks itself
(``workbook/checking/validation_copy.py``).

A corpus of known-bad workbooks, with schema errors planted in the worksheet (outside and inside its
rows), styles, drawing, chart and table parts, is validated both ways with the real validator; the
findings must be equal, word for word, part for part, XPath for XPath. Quicker tests below say which
rows the tool accepts as its own check and which it leaves to the validator.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from workbook.engines import libreoffice
from workbook.checking import validator
from workbook.checking.check import check_workbook
from workbook.checking.validation_copy import (_QUICK_SHEET_DATA, _quick_indexes_in_range, _rows_pass,
                                              copy_for_validation, without_checked_rows,
                                              worksheet_parts_by_title)

SHEET = "xl/worksheets/sheet1.xml"
SECOND_SHEET = "xl/worksheets/sheet2.xml"
#: Rows enough that the copy is seen to leave them out (test_the_corpus_leaves_rows_out); few enough that the
#: validator, which reads each planted workbook whole as well, is quick.
DATA_ROWS = 60


def corpus_workbook(path: Path) -> Path:
    """A valid workbook with what the tool's own have: shared strings, numbers, formulas with their
    cached values, styles, a table, a chart (a drawing), a sparkline (Excel 2010's row attribute)."""
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    money = book.add_format({"num_format": "#,##0", "bold": True})
    data = book.add_worksheet("Data")
    rows = [[f"State {n}", n * 1000, n * 7.5] for n in range(1, DATA_ROWS + 1)]
    data.add_table(0, 0, DATA_ROWS, 2, {"name": "Figures", "data": rows, "columns": [
        {"header": "State"}, {"header": "Exports", "format": money}, {"header": "Share"}]})
    summary = book.add_worksheet("Summary")
    summary.write_string("A1", "Total & share <all>")
    summary.write_formula("B1", "=SUM(Figures[Exports])", money, sum(row[1] for row in rows))
    summary.write_formula("B2", '=IF(B1>0,"yes","no")', None, "yes")
    summary.write_row("A4", [1, 2, 3, 4])
    summary.add_sparkline("E4", {"range": "Summary!A4:D4"})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": f"=Data!$B$2:$B${DATA_ROWS + 1}", "categories": f"=Data!$A$2:$A${DATA_ROWS + 1}"})
    summary.insert_chart("A6", chart)
    book.close()
    return path


def edit_part(path: Path, part_prefix: str, edit: Callable[[bytes], bytes]) -> Path:
    """Edit the first part whose name starts with ``part_prefix``, in place."""
    with zipfile.ZipFile(path) as source:
        parts = [(item, source.read(item)) for item in source.infolist()]
    target_name = next(item.filename for item, _ in parts if item.filename.startswith(part_prefix))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in parts:
            target.writestr(item, edit(data) if item.filename == target_name else data)
    return path


def plant(path: Path, part_prefix: str, old: bytes, new: bytes) -> Path:
    """Replace the first ``old`` in the first part whose name starts with ``part_prefix``."""
    def replace_first(data: bytes) -> bytes:
        assert old in data, f"{old!r} not in {part_prefix}"
        return data.replace(old, new, 1)

    return edit_part(path, part_prefix, replace_first)


def rewritten(path: Path, part_prefix: str, pattern: bytes, replacement: bytes) -> Path:
    """Every match of ``pattern`` replaced in the first part whose name starts with ``part_prefix``."""
    def replace_all(data: bytes) -> bytes:
        data, count = re.subn(pattern, replacement, data)
        assert count, f"{pattern!r} not in {part_prefix}"
        return data

    return edit_part(path, part_prefix, replace_all)


def saved_by_openpyxl(path: Path) -> Path:
    """The workbook as openpyxl saves it: every string an inline string, an empty value ``<v />``."""
    import warnings

    with warnings.catch_warnings():
        # openpyxl warns that it drops the sparkline (an extension it does not read): not this test's matter.
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    book.save(path)
    return path


def indented(path: Path) -> Path:
    """Rows and cells on lines of their own, as Gnumeric writes them."""
    path = rewritten(path, SHEET, rb"(<row |</row>|<c |</c>|<v>)", rb"\n    \1")
    return rewritten(path, SECOND_SHEET, rb"(<row |</row>|<c |</c>|<v>)", rb"\n    \1")


def attributes_turned(path: Path) -> Path:
    """Each cell's reference written after its other attributes, as IronCalc writes them."""
    return rewritten(path, SHEET, rb'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")+)', rb'<c\2 r="\1"')


@dataclass(frozen=True)
class Planted:
    name: str
    break_it: Callable[[Path], Path]
    office_version: str | None = None
    #: Whether the validator finds something in the file.
    found: bool = True


CORPUS = [
    Planted("valid", lambda path: path, found=False),
    Planted("worksheet, outside the rows", lambda path: plant(path, SHEET, b"<sheetView ", b'<sheetView bogusView="1" ')),
    Planted("worksheet, a cell type", lambda path: plant(path, SHEET, b' t="s"><v>5</v>', b' t="q"><v>5</v>')),
    Planted("worksheet, an unknown cell attribute",
            lambda path: plant(path, SHEET, b'<c r="B3"', b'<c r="B3" bogus="1"')),
    Planted("worksheet, row 0", lambda path: plant(path, SHEET, b'<row r="3" ', b'<row r="0" ')),
    Planted("worksheet, a style that does not exist", lambda path: plant(path, SHEET, b'<c r="B4" s="1"',
                                                                        b'<c r="B4" s="999"')),
    Planted("worksheet, a formula's unknown type",
            lambda path: plant(path, SECOND_SHEET, b"<f>SUM", b'<f t="sideways">SUM')),
    Planted("styles", lambda path: plant(path, "xl/styles.xml", b"<cellXfs ", b'<cellXfs bogus="1" ')),
    Planted("drawing", lambda path: plant(path, "xl/drawings/drawing", b"<xdr:twoCellAnchor",
                                          b'<xdr:twoCellAnchor bogus="1"')),
    Planted("chart", lambda path: plant(path, "xl/charts/chart", b"<c:chart>", b"<c:chart><c:bogus/>")),
    Planted("table", lambda path: plant(path, "xl/tables/table", b'<table ', b'<table totalsRowShown="maybe" ')),
    # Rows as other programs write them, valid, and with an error in them or beside them.
    # openpyxl writes a font's children out of the schema's order in the styles part: found both ways.
    Planted("saved by openpyxl", saved_by_openpyxl),
    Planted("saved by openpyxl, an inline string's unknown child",
            lambda path: plant(saved_by_openpyxl(path), SHEET, b"</t></is>", b"</t><bogus/></is>")),
    Planted("rows on lines of their own", indented, found=False),
    Planted("rows on lines of their own, row 0", lambda path: plant(indented(path), SHEET, b'<row r="3" ',
                                                                     b'<row r="0" ')),
    Planted("a cell's attributes in another order", attributes_turned, found=False),
    # Left to the validator, which knows it is ignorable (mc:Ignorable) there.
    Planted("Excel 2010's row attribute, validated for Office 2007", lambda path: path, "Office2007", found=False),
]


@pytest.fixture(scope="module")
def valid_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_workbook(tmp_path_factory.mktemp("corpus") / "valid.xlsx")


@pytest.mark.validator
@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_the_findings_are_those_of_the_whole_file(case: Planted, valid_workbook: Path, tmp_path: Path):
    path = case.break_it(shutil.copy(valid_workbook, tmp_path / "planted.xlsx"))
    # Both at once, a validator each: the machine has two cores.
    with (validator.validation_started(path, case.office_version, whole=True) as whole,
          validator.validation_started(path, case.office_version) as copy):
        expected = whole.findings()
        assert copy.findings() == expected
    assert bool(expected) == case.found, expected


def test_the_corpus_leaves_rows_out(valid_workbook: Path, tmp_path: Path):
    report = copy_for_validation(valid_workbook, tmp_path / "copy.xlsx")
    assert sorted(report.sheets_checked_here) == [SHEET, SECOND_SHEET]
    assert report.bytes_left_out > DATA_ROWS * 50


@pytest.mark.parametrize("rewrite", [saved_by_openpyxl, indented, attributes_turned],
                         ids=["openpyxl's", "Gnumeric's", "IronCalc's"])
def test_rows_as_other_programs_write_them_are_left_out(rewrite: Callable[[Path], Path], valid_workbook: Path,
                                                        tmp_path: Path):
    path = rewrite(shutil.copy(valid_workbook, tmp_path / "rewritten.xlsx"))
    report = copy_for_validation(path, tmp_path / "copy.xlsx")
    assert sorted(report.sheets_checked_here) == [SHEET, SECOND_SHEET]


@pytest.mark.libreoffice
@pytest.mark.validator
def test_a_workbook_saved_by_libreoffice_is_checked_the_same_both_ways(valid_workbook: Path, tmp_path: Path):
    saved = libreoffice.recalculate(valid_workbook, tmp_path / "saved")
    report = copy_for_validation(saved, tmp_path / "copy.xlsx")
    assert report.sheets_checked_here, "LibreOffice's rows are plain rows too"
    with (validator.validation_started(saved, whole=True) as whole, validator.validation_started(saved) as copy):
        assert copy.findings() == whole.findings()


@pytest.mark.libreoffice
@pytest.mark.validator
def test_check_reports_a_planted_schema_error(valid_workbook: Path, tmp_path: Path):
    path = plant(shutil.copy(valid_workbook, tmp_path / "planted.xlsx"), "xl/drawings/drawing",
                 b"<xdr:twoCellAnchor", b'<xdr:twoCellAnchor bogus="1"')
    schema = [str(problem) for problem in check_workbook(path) if problem.schema]
    assert len(schema) == 1 and schema[0].startswith("schema: xl/drawings/drawing1.xml /xdr:wsDr[1]/"), schema


# ---------------------------------------------------------------- which rows the tool accepts as checked

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b'><dimension ref="A1"/>')
TAIL = b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'


def part(rows: bytes, head: bytes = HEAD) -> bytes:
    return head + b"<sheetData>" + rows + b"</sheetData>" + TAIL


PLAIN_ROWS = [
    b'<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><v>1.5E-3</v></c></row>',
    b'<row r="2"><c r="A2" t="str"><f>"a&amp;b"&amp;"&lt;c&gt;"</f><v>a&amp;b&lt;c&gt;</v></c></row>',
    b'<row r="3"><c r="A3" t="b"><f t="array" ref="A3">TRUE</f><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c></row>',
    # As LibreOffice writes them.
    b'<row r="4" s="0" customFormat="false" ht="12.8" hidden="false" customHeight="false" outlineLevel="0" '
    b'collapsed="false"><c r="A4" s="0" t="n"><f aca="false">1+1</f><v>2</v></c></row>',
    b'<row r="5"><c r="A5"><f t="shared" ref="A5:A6" si="0">1</f><v>1</v></c></row>',
    b'<row r="6"/>',
    b"",
    # As openpyxl writes them.
    b'<row r="7" ht="24" customHeight="1"><c r="A7" s="1"><f>"a"&amp;B7</f><v /></c>'
    b'<c r="B7" t="inlineStr"><is><t>Exports</t></is></c><c r="C7" t="inlineStr"><is><t xml:space="preserve"> x </t>'
    b'</is></c></row>',
    # As Gnumeric writes them.
    b'\n    <row r="8" spans="1:2">\n      <c r="A8" t="s">\n        <v>0</v>\n      </c>\n    </row>\n  ',
    # As IronCalc writes them.
    b'<row r="9" s="0" ht="16.5" customHeight="1" customFormat="0"><c r="A9" t="s" s="1"><v>0</v></c>'
    b'<c r="B9" s="1"><f>&quot;a&quot;&amp;A9</f><v>0</v></c></row>',
]
PLAIN_ROW_NAMES = ["strings and numbers", "escaped text", "array and error", "LibreOffice's", "shared formula",
                   "empty row", "no rows", "openpyxl's", "Gnumeric's", "IronCalc's"]


@pytest.mark.parametrize("rows", PLAIN_ROWS, ids=PLAIN_ROW_NAMES)
def test_plain_rows_are_left_out(rows: bytes):
    reduced = without_checked_rows(part(rows), style_count=2)
    assert reduced == part(b"").replace(b"<sheetData></sheetData>", b"<sheetData/>")


OTHER_ROWS = [
    b'<row r="1"><c r="A1" s="2"><v>1</v></c></row>',  # only two cell formats
    b'<row r="0"><c r="A1"><v>1</v></c></row>',
    b'<row r="1048577"><c r="A1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1" t="d"><v>2020-01-01</v></c></row>',  # a type only from Office 2010
    b'<row r="1"><c r="A1"><is><t>x</t></is></c></row>',  # an inline string in a cell of another type
    b'<row r="1"><c r="A1" t="inlineStr"><v>1</v><is><t>x</t></is></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><r><t>x</t></r></is></c></row>',
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t><t>y</t></is></c></row>',
    b'<row r="1"><c r="A1"><v>1</v><f>1</f></c></row>',
    b'<row r="1"><c r="A1"><v>1</v><v>1</v></c></row>',
    b'<row r="1"><c r="A1" bogus="1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1" s="1" s="1"><v>1</v></c></row>',
    b"<row r='1'><c r='A1'><v>1</v></c></row>",
    b'<row r="1">text<c r="A1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><!-- a note --><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><v>&#1;</v></c></row>',
    b'<row r="1"><c r="A1"><v>&nbsp;</v></c></row>',
    b'<row r="1"><c r="A1"><v>a]]>b</v></c></row>',
    b'<row r="1"><c r="A1"><v>\x01</v></c></row>',
    b'<row r="1"><c r="A1"><v>\xff</v></c></row>',
    b'<row r="1"><c r="A1"><f t="shared" ref="A1">1</f><v>1</v></c></row>',  # shared without its group
    b'<row r="1"><c r="A1"><f bx="1">1</f><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><v>1</v><extLst/></c></row>',
    b'<row r="1" x14ac:dyDescent="0.25"><c r="A1"><v>1</v></c></row>',  # its namespace undeclared
    b'<row r="1"><c r="A1"><v>1</v></c>',
]


OTHER_ROW_NAMES = [
    "style out of range", "row 0", "row past the sheet", "date type", "inline string in a number cell",
    "inline string after a value", "rich text", "two texts", "formula after value", "two values", "unknown attribute",
    "repeated attribute", "single quotes", "text between cells", "comment", "character reference", "unknown entity",
    "]]>", "control character", "not UTF-8", "shared formula without si", "bx", "extension list", "undeclared prefix",
    "unclosed row"]


@pytest.mark.parametrize("rows", OTHER_ROWS, ids=OTHER_ROW_NAMES)
def test_anything_else_leaves_the_sheet_to_the_validator(rows: bytes):
    assert without_checked_rows(part(rows), style_count=2) is None


def test_the_quick_pattern_accepts_only_what_the_rows_check_accepts():
    # XlsxWriter's and LibreOffice's rows take the quick path, every other shape the element-by-element check:
    # the two read the same rules, and the quick one never lets through what the other stops.
    quick_matches = 0
    for rows in PLAIN_ROWS + OTHER_ROWS:
        sheet_data = b"<sheetData>" + rows + b"</sheetData>"
        if _QUICK_SHEET_DATA.fullmatch(sheet_data) is not None and _quick_indexes_in_range(sheet_data, style_count=10):
            quick_matches += 1
            assert _rows_pass(sheet_data, style_count=10, knows_descent=False), rows
    assert quick_matches >= 7


def test_excel_2010_row_attribute_is_accepted_only_where_declared_and_known():
    head = HEAD.replace(b"<worksheet ", b'<worksheet xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml'
                                        b'/2009/9/ac" ')
    rows = b'<row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1"><v>1</v></c></row>'
    assert without_checked_rows(part(rows, head), style_count=1) is not None
    assert without_checked_rows(part(rows, head), style_count=1, office_version="Office2007") is None


@pytest.mark.parametrize("head", [
    HEAD.replace(b'encoding="UTF-8"', b'encoding="UTF-16"'),
    HEAD.replace(b'<worksheet xmlns=', b'<worksheet xmlns:x='),
    HEAD + b"<!-- <sheetData> -->",
    HEAD + b"<!-- a comment -->",
], ids=["not UTF-8", "main namespace not the default", "a second sheetData in a comment", "a comment before"])
def test_an_unusual_part_is_left_to_the_validator(head: bytes):
    assert without_checked_rows(part(b'<row r="1"><c r="A1"><v>1</v></c></row>', head), style_count=1) is None


def test_a_package_without_relationships_has_no_worksheet_parts(tmp_path: Path):
    # A zip with no _rels/.rels (or a workbook part without its own): no sheet found, no crash.
    path = tmp_path / "no-relationships.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with zipfile.ZipFile(path) as archive:
        assert worksheet_parts_by_title(archive) == {}
