"""The one reader of a workbook's parts (``workbook/reading/package.py``) reads them by their namespaces, not the
prefixes their writer chose: a chart on an own sheet is found whoever saved the file, so ``extract``
never drops one without a word."""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from pathlib import Path
from random import Random

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from helpers import run_cli
from workbook.errors import TechTradeError
from workbook.reading.package import DrawnObject, Package
from workbook.checking.validation_copy import worksheet_parts_by_title

SPREADSHEET_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _drawing(prefix: str) -> str:
    """A drawing with a chart at D2 and a picture, its spreadsheet-drawing elements under ``prefix``
    ("" for the default namespace, as openpyxl writes them)."""
    p = f"{prefix}:" if prefix else ""
    declared = f"xmlns:{prefix}" if prefix else "xmlns"
    return (f'<{p}wsDr {declared}="{SPREADSHEET_DRAWING}" xmlns:a="{DRAWINGML}" xmlns:c="{CHART}" '
            f'xmlns:r="{RELATIONSHIPS}">'
            f'<{p}oneCellAnchor><{p}from><{p}col>3</{p}col><{p}colOff>0</{p}colOff><{p}row>1</{p}row>'
            f'<{p}rowOff>0</{p}rowOff></{p}from><{p}ext cx="1" cy="1"/>'
            f'<{p}graphicFrame><{p}nvGraphicFramePr><{p}cNvPr id="1" name="Sales"/><{p}cNvGraphicFramePr/>'
            f'</{p}nvGraphicFramePr><{p}xfrm/><a:graphic><a:graphicData uri="{CHART}">'
            f'<c:chart r:id="rId1"/></a:graphicData></a:graphic></{p}graphicFrame><{p}clientData/>'
            f'</{p}oneCellAnchor>'
            f'<{p}absoluteAnchor><{p}pos x="0" y="0"/><{p}ext cx="1" cy="1"/><{p}pic><{p}nvPicPr>'
            f'<{p}cNvPr id="2" name=""/><{p}cNvPicPr/></{p}nvPicPr></{p}pic><{p}clientData/></{p}absoluteAnchor>'
            f'</{p}wsDr>')


@pytest.mark.parametrize("prefix", ["xdr", "", "drawing"], ids=["xdr: (XlsxWriter, Excel)", "default (openpyxl)",
                                                                 "any other prefix"])
def test_a_drawings_objects_are_found_whatever_prefix_its_writer_used(tmp_path: Path, prefix: str):
    path = tmp_path / "drawing.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/drawings/drawing1.xml", _drawing(prefix))
    with zipfile.ZipFile(path) as archive:
        assert Package(path, archive).drawn_objects("xl/drawings/drawing1.xml") == [
            DrawnObject("chart", "Sales", row=1, column=3), DrawnObject("picture", "")]


def _saved_by_openpyxl(source: Path, target: Path, chart_sheet: bool) -> Path:
    with warnings.catch_warnings():
        # openpyxl says what of the tool's workbook it cannot keep (sparklines, some formats): not this test's matter.
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
        sheet = book.create_sheet("My analysis")
        for row in (("Texas", 1), ("Ohio", 2), ("Utah", 3)):
            sheet.append(row)
        chart = BarChart()
        chart.title = "My chart"
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3))
        if chart_sheet:
            book.create_chartsheet("My chart sheet").add_chart(chart)
        else:
            sheet.add_chart(chart, "D2")
        book.save(target)
    return target


@pytest.mark.parametrize("chart_sheet", [False, True], ids=["chart on an own sheet", "chart sheet"])
def test_a_chart_drawn_by_openpyxl_stops_extract_naming_sheet_and_chart(tmp_path: Path, default_workbook: Path,
                                                                         chart_sheet: bool):
    edited = _saved_by_openpyxl(default_workbook, tmp_path / "edited.xlsx", chart_sheet)
    result = run_cli("extract", edited, "--out", tmp_path / "taken")
    assert result.returncode == 3, result.stdout + result.stderr
    lost = ("tech-trade: sheet 'My chart sheet': a chart sheet cannot be carried" if chart_sheet
            else "tech-trade: sheet 'My analysis': chart 'Chart 1' cannot be carried")
    assert result.stderr.splitlines()[0] == lost
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "taken").exists()


# --- mutated packages: a result or one line, never a traceback ------------------------------------

COMMENTS = ('<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Ann</author>'
            '</authors><commentList><comment ref="B3" authorId="0"><text><r><t>Checked</t></r></text></comment>'
            '</commentList></comments>')
COMMENTS_RELATIONSHIP = ('<Relationship Id="rIdNote" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships/comments" Target="../comments1.xml"/>')


def _small_parts(workbook: Path) -> dict[str, bytes]:
    """Every part of ``workbook`` the package reader reads (not the sheets' cells), and a note on the first sheet."""
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()
                 if not (name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml")}
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", COMMENTS_RELATIONSHIP.encode() + b"</Relationships>")
    parts["xl/comments1.xml"] = COMMENTS.encode()
    return parts


def _mutated(parts: dict[str, bytes], random: Random) -> dict[str, bytes]:
    mutated = dict(parts)
    xml = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    name = random.choice(xml)
    data = mutated[name]
    how = random.randrange(5)
    if how == 0:  # XML cut short
        mutated[name] = data[:random.randrange(len(data))]
    elif how == 1:  # an attribute removed
        attributes = list(re.finditer(rb'\s[\w:]+="[^"]*"', data))
        if attributes:
            cut = random.choice(attributes)
            mutated[name] = data[:cut.start()] + data[cut.end():]
    elif how == 2:  # a relationship pointing nowhere
        targets = list(re.finditer(rb'Target="[^"]*"', data))
        if targets:
            cut = random.choice(targets)
            nowhere = b'Target="../nowhere/' + bytes(random.choice(b"abc") for _ in range(3)) + b'.xml"'
            mutated[name] = data[:cut.start()] + nowhere + data[cut.end():]
    elif how == 3:  # two parts swapped
        other = random.choice(xml)
        mutated[name], mutated[other] = mutated[other], data
    else:  # a part missing
        del mutated[name]
    return mutated


def _read_everything(path: Path, archive: zipfile.ZipFile) -> None:
    package = Package(path, archive)
    for name, part in package.worksheets().items():
        assert isinstance(name, str)
        for _, kind, target in package.relationships(part):
            if kind == "drawing":
                package.drawn_objects(target)
            elif kind == "comments":
                package.comments(target)
    worksheet_parts_by_title(archive)


def test_a_thousand_mutated_packages_each_read_or_refused_in_one_line(tmp_path: Path, default_workbook: Path):
    parts = _small_parts(default_workbook)
    random = Random(20)
    refused = 0
    for attempt in range(1000):
        path = tmp_path / f"mutated-{attempt % 10}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in _mutated(parts, random).items():
                archive.writestr(name, data)
        with zipfile.ZipFile(path) as archive:
            try:
                _read_everything(path, archive)
            except TechTradeError as error:
                refused += 1
                assert "\n" not in str(error) and str(path) in str(error), (attempt, str(error))
    # Some mutations break what the reader reads, some leave it whole: both happened.
    assert 0 < refused < 1000, refused


def test_mutated_workbooks_through_extract_and_diff_end_in_a_result_or_one_line(tmp_path: Path,
                                                                                  default_workbook: Path):
    # Whole commands cost a second or two a copy: a few dozen here; the package reader takes a thousand above.
    from workbook.commands.cli import main

    with zipfile.ZipFile(default_workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    random = Random(7)
    for attempt in range(16):
        path = tmp_path / f"mutated-{attempt}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in _mutated(parts, random).items():
                archive.writestr(name, data)
        commands = [["extract", str(path), "--out", str(tmp_path / f"out-{attempt}"), "-q"]]
        if attempt % 4 == 0:
            commands.append(["diff", "-q", str(default_workbook), str(path)])
        for command in commands:
            errors = io.StringIO()
            with warnings.catch_warnings(), contextlib.redirect_stderr(errors), \
                    contextlib.redirect_stdout(io.StringIO()):
                # openpyxl warns of what it does not read in the tool's workbooks: not this test's matter.
                warnings.simplefilter("ignore")
                status = main(command)
            said = errors.getvalue()
            assert status in (0, 1, 2, 3), (attempt, command, status)
            if status == 2:
                assert said.startswith("tech-trade: error: ") and said.count("\n") == 1, (attempt, said)
