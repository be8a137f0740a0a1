"""The house chart style: every chart has alternative text, speaks in the cells' font, tells its
series apart by more than colour, and leaves a figure that is not published out rather than drawing zero."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from defusedxml import ElementTree

from helpers import REPO, open_workbook
from workbook.writing.charts import HouseChart, MissingAltText
from workbook.checking.check import is_deliberate_gap
from workbook.templates_loader import TemplateError, check_styles, chart_style, styles, wording
from workbook.writing.xlsx import Book

NS = {
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
}


def _charts(path: Path) -> list[dict]:
    """Every chart of a workbook: its sheet, its alternative text and its chart XML."""
    found = []
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        book_rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in book_rels.findall("rel:Relationship", NS)}
        for sheet in book.find("main:sheets", NS).findall("main:sheet", NS):
            part = PurePosixPath("xl") / targets[sheet.get(f"{{{NS['r']}}}id")]
            rels_name = str(part.parent / "_rels" / f"{part.name}.rels")
            if rels_name not in archive.namelist():
                continue
            rels = ElementTree.fromstring(archive.read(rels_name))
            for rel in rels.findall("rel:Relationship", NS):
                if not rel.get("Type").endswith("/drawing"):
                    continue
                drawing = _resolve(part.parent, rel.get("Target"))
                drawing_rels = ElementTree.fromstring(
                    archive.read(str(drawing.parent / "_rels" / f"{drawing.name}.rels")))
                chart_targets = {r.get("Id"): _resolve(drawing.parent, r.get("Target"))
                                 for r in drawing_rels.findall("rel:Relationship", NS)}
                root = ElementTree.fromstring(archive.read(str(drawing)))
                for frame in root.iter(f"{{{NS['xdr']}}}graphicFrame"):
                    properties = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", NS)
                    chart_ref = frame.find(".//c:chart", NS)
                    chart_part = chart_targets[chart_ref.get(f"{{{NS['r']}}}id")]
                    found.append({"sheet": sheet.get("name"), "description": properties.get("descr"),
                                  "xml": ElementTree.fromstring(archive.read(str(chart_part)))})
    return found


def _resolve(base: PurePosixPath, target: str) -> PurePosixPath:
    parts: list[str] = []
    for piece in (base / target).parts:
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return PurePosixPath(*parts)


@pytest.fixture(scope="module")
def charts(default_workbook: Path) -> list[dict]:
    return _charts(default_workbook)


def test_every_sheet_that_charts_has_its_charts(charts):
    sheets = [chart["sheet"] for chart in charts]
    assert sheets.count(wording("dashboard")["sheet"]) == 5
    for key in ("categories", "balance", "trend"):
        assert wording(key)["sheet"] in sheets


def test_every_chart_has_alternative_text(charts):
    for chart in charts:
        assert chart["description"] and len(chart["description"]) > 40, chart["sheet"]


def test_a_chart_cannot_be_placed_without_alternative_text(tmp_path):
    book = Book.create(tmp_path / "charts.xlsx")
    sheet = book.add_sheet("Sheet")
    sheet.write_number(0, 0, 1)
    chart = HouseChart(book, "column", "A title")
    chart.add_series("Series", "=Sheet!$A$1:$A$1", "=Sheet!$A$1:$A$1")
    with pytest.raises(MissingAltText, match="alternative text"):
        chart.place(sheet, 2, 0, width=300, height=200, description=" ")
    chart.place(sheet, 2, 0, width=300, height=200, description="A column chart of one value.")
    book.close()


def test_chart_text_is_in_the_cells_font(charts):
    font = styles()["theme"]["font_name"]
    for chart in charts:
        faces = {latin.get("typeface") for latin in chart["xml"].iter(f"{{{NS['a']}}}latin")}
        assert faces == {font}, chart["sheet"]


def test_series_are_told_apart_by_more_than_colour(charts):
    for chart in charts:
        plot = chart["xml"].find(".//c:plotArea", NS)
        for group in plot:
            series = group.findall("c:ser", NS)
            if len(series) < 2:
                continue
            if group.tag.endswith("lineChart"):
                # A marker alone (the snapshot year's) has no line, so no dash: its marker tells it apart.
                looks = {(ser.find("c:marker/c:symbol", NS).get("val"),
                          dash.get("val") if (dash := ser.find("c:spPr/a:ln/a:prstDash", NS)) is not None else None)
                         for ser in series}
                assert len(looks) == len(series), chart["sheet"]
            elif group.tag.endswith("barChart"):
                fills = []
                for ser in series:
                    pattern = ser.find("c:spPr/a:pattFill", NS)
                    fills.append(pattern.get("prst") if pattern is not None else "solid")
                labelled = [ser.find("c:dLbls", NS) is not None for ser in series]
                # Bars differ in fill, or (tech among the categories) the one picked out is labelled.
                assert len(set(fills)) == len(series) or all(labelled), chart["sheet"]


def test_the_billions_axis_format_is_spelt_once():
    axis = chart_style().axis_billions
    for path in (REPO / "workbook").rglob("*.py"):
        assert ',,,"B"' not in path.read_text(encoding="utf-8"), path
    assert (REPO / "templates" / "styles.toml").read_text(encoding="utf-8").count(f"'{axis}'") == 1


def test_charts_read_a_gap_where_a_figure_is_not_published(workbook_2019: Path):
    """Before: the balance charts read cells showing "not published", which charts draw as zero."""
    values = open_workbook(workbook_2019, data_only=True)
    read = []
    for chart in _charts(workbook_2019):
        for formula in chart["xml"].iterfind(".//c:val/c:numRef/c:f", NS):
            sheet, area = formula.text.rsplit("!", 1)
            cells = values[sheet.strip("'").replace("''", "'")][area.replace("$", "")]
            read += [cell.value for row in cells for cell in row]
    assert "#N/A" in read
    assert not [value for value in read if isinstance(value, str) and value != "#N/A"]


def test_the_balance_chart_says_how_it_shows_a_missing_figure(default_values):
    texts = {cell.value for row in default_values[wording("balance")["sheet"]].iter_rows() for cell in row}
    assert wording("balance")["chart_note"] in texts


def test_a_misspelt_style_key_fails_when_the_templates_load():
    check_styles(styles())
    misspelt = copy.deepcopy(styles())
    misspelt["title"]["font_colour"] = "#000000"
    with pytest.raises(TemplateError, match=r"\[title\] has 'font_colour'"):
        check_styles(misspelt)
    chart = copy.deepcopy(styles())
    chart["chart"]["pallete"] = chart["chart"].pop("palette")
    with pytest.raises(TemplateError, match=r"\[chart\] has unknown key\(s\) pallete and no palette"):
        check_styles(chart)


def test_an_indent_without_an_alignment_excel_indents_fails_when_the_templates_load():
    general = copy.deepcopy(styles())
    del general["page_text"]["align"]
    with pytest.raises(TemplateError, match=r"\[page_text\] has an indent but no align of 'left', 'right', "
                                            r"'distributed': Excel would not indent its text"):
        check_styles(general)


def test_the_jobs_year_is_a_lookup_every_engine_computes_alike(default_formulas, default_values):
    """Before: SUMPRODUCT(MAX(...)), which Gnumeric does not evaluate as an array (it gave 0)."""
    for sheet in default_formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if isinstance(text, str):
                    assert not re.search(r"SUMPRODUCT\(\s*(MAX|MIN)\(", text), f"{sheet.title}!{cell.coordinate}"
    dashboard = default_formulas[wording("dashboard")["sheet"]]
    label = wording("dashboard")["jobs_year_label"]
    row = next(cells for cells in dashboard.iter_rows() if cells[0].value == label)
    year_cell = row[1]
    assert type(year_cell.value).__name__ == "ArrayFormula"
    assert default_values[dashboard.title][year_cell.coordinate].value == 2018


def test_check_takes_only_an_asked_for_na_as_a_gap():
    assert is_deliberate_gap("IF(ISNUMBER(B5),B5,NA())", "#N/A", "#N/A")
    # A lookup that finds nothing is an error, whatever was cached.
    assert not is_deliberate_gap("INDEX(A:A,MATCH(1,B:B,0))", "#N/A", "#N/A")
    # A gap the workbook did not cache is a cached value gone wrong.
    assert not is_deliberate_gap("IF(ISNUMBER(B5),B5,NA())", 5.0, "#N/A")
