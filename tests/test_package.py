"""The one reader of a workbook's parts (``workbook/package.py``) reads them by their namespaces, not the
prefixes their writer chose: a chart on an own sheet is found whoever saved the file, so ``extract``
never drops one without a word."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from helpers import run_cli
from workbook.package import DrawnObject, Package

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
