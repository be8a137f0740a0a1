"""`tech-trade build --pdf` prints a report: the reader's sheets, readable, at most 20 pages.

Measured from the PDF itself: ``pdftotext -bbox`` gives every word's box, and a word's
font size is its box's height / 1.164 (see BOX_PER_POINT). The PDF is built once for the session.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from openpyxl.utils import range_boundaries

from helpers import open_workbook, related, run_cli, sheet_part
from workbook.commands.build import bundled_data_dir, data_checksum, write_pdf
from workbook.engines.libreoffice import hide_sheets
from workbook.engines.pdf_tags import chart_descriptions
from workbook.sheets.data_tables import ALL_DATA_SHEETS
from workbook.templates_loader import wording

MAX_PAGES = 20
#: Points: the median printed text of every page, and the smallest tenth of it.
MIN_MEDIAN_SIZE, MIN_SMALL_SIZE = 7.0, 6.0
#: A word's box is this many times its font size tall: the ascent and descent of DejaVu Sans,
#: the font LibreOffice prints the cells' Arial in where no metric-compatible font is installed.
BOX_PER_POINT = 1.164
#: Points: the Dashboard's smallest printed text, its tiles' small print and footer included.
MIN_DASHBOARD_SIZE = 8.0
#: Points at the right of every page that no printed word may reach (the narrowest margin is 0.4 inch).
RIGHT_MARGIN = 0.4 * 72 - 2
#: Points from the page's foot within which the footer's words lie.
FOOTER_BAND = 40
#: Figures a reader must never see: a vanished sign or a non-zero figure shown as zero.
MISLEADING = re.compile(r"-\$0\.0+B|\$0\.0+B|-0\.0+%|\$0\.0+M")

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@dataclass(frozen=True)
class Word:
    text: str
    size: float
    top: float
    right: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def footer(self) -> str:
        return " ".join(word.text for word in self.words if word.top > self.height - FOOTER_BAND)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def read_pages(pdf: Path) -> list[Page]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(boxes), start=1):
        words = [Word(unescape(text), (float(y_max) - float(y_min)) / BOX_PER_POINT, float(y_min), float(x_max))
                 for _, y_min, x_max, y_max, text in _WORD.findall(body)]
        pages.append(Page(number, float(width), float(height), words))
    return pages


@pytest.fixture(scope="module")
def pages(default_pdf) -> list[Page]:
    return read_pages(default_pdf[1])


@pytest.fixture(scope="module")
def reading_text(default_pdf) -> str:
    """The PDF's text in reading order: a chart title wrapped onto two lines stays together."""
    text = subprocess.run(["pdftotext", str(default_pdf[1]), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_pdf_starts_with_the_cover(reading_text):
    text = reading_text
    assert text.startswith(wording("cover")["title"].format(edition=2021, year=2020))


def test_the_cover_prints_on_one_page_and_the_cover_and_notes_in_text_of_8_points_or_more(pages):
    def on(sheet: str) -> list[Page]:
        return [page for page in pages if f" {wording(sheet)['sheet']} Page " in f" {page.footer} "]

    cover, notes = on("cover"), on("notes")
    assert len(cover) == 1 and notes
    for page in cover + notes:
        smallest = min(word.size for word in page.words)
        assert smallest >= 8, f"page {page.number} ({page.footer}): {smallest:.1f} pt"


def test_the_default_pdf_has_at_most_20_pages(pages):
    assert 0 < len(pages) <= MAX_PAGES, f"{len(pages)} pages"


def test_every_page_is_printed_at_a_readable_size(pages):
    for page in pages:
        sizes = sorted(word.size for word in page.words)
        assert sizes, f"page {page.number} is empty"
        median, smallest_tenth = statistics.median(sizes), sizes[len(sizes) // 10]
        assert median >= MIN_MEDIAN_SIZE, f"page {page.number} ({page.footer}): median text {median:.1f} pt"
        assert smallest_tenth >= MIN_SMALL_SIZE, f"page {page.number} ({page.footer}): tenth at {smallest_tenth:.1f} pt"


def test_no_text_runs_into_the_right_margin(pages):
    # The right margin of every sheet is at least 0.4 inch: text reaching into it was cut at the page edge.
    for page in pages:
        cut = [word.text for word in page.words if word.right > page.width - RIGHT_MARGIN]
        assert cut == [], f"page {page.number} ({page.footer}): {cut[:5]}"


def test_every_footer_names_its_sheet_and_page(default_pdf, pages):
    inputs = {spec.sheet_name for spec in ALL_DATA_SHEETS}
    sheets = [name for name in open_workbook(default_pdf[0], read_only=True).sheetnames if name not in inputs]
    for page in pages:
        assert f"Page {page.number} of {len(pages)}" in page.footer, page.footer
        assert any(name in page.footer for name in sheets), page.footer


def test_the_dashboard_prints_on_exactly_one_page(pages):
    dashboard = wording("dashboard")["sheet"]
    on_dashboard = [page.number for page in pages if f" {dashboard} " in f" {page.footer} "]
    assert len(on_dashboard) == 1, on_dashboard


def test_the_trend_prints_on_two_pages(pages):
    trend = wording("trend")["sheet"]
    assert len([page for page in pages if f" {trend} " in f" {page.footer} "]) == 2


def test_every_word_of_the_dashboard_prints_at_8_points_or_more(pages):
    dashboard = wording("dashboard")["sheet"]
    [page] = [page for page in pages if f" {dashboard} " in f" {page.footer} "]
    small = sorted((round(word.size, 1), word.text) for word in page.words if word.size < MIN_DASHBOARD_SIZE)
    assert small == [], small[:10]


def test_the_pdf_prints_the_reader_sheets_and_not_the_input_tables(default_pdf, reading_text):
    book = open_workbook(default_pdf[0], data_only=True)
    inputs = {spec.sheet_name for spec in ALL_DATA_SHEETS}
    for sheet in book.worksheets:
        title = " ".join(str(sheet["A1"].value).split())
        if sheet.title in inputs:
            assert title not in reading_text, f"{sheet.title}: an input table is printed without --pdf-appendix"
        else:
            assert title in reading_text, f"{sheet.title}: {title!r} is not in the PDF"


def chart_titles(path: Path) -> list[tuple[str, str]]:
    """(sheet, title) of every chart: its own title, or, where the chart has none (a sheet writes
    a live title in the cell above it), that cell's cached text."""
    values = open_workbook(path, data_only=True)
    titles = []
    with zipfile.ZipFile(path) as archive:
        for sheet in values.sheetnames:
            part = sheet_part(path, sheet)
            folder, name = part.rsplit("/", 1)
            if f"{folder}/_rels/{name}.rels" not in archive.namelist():
                continue  # a sheet that links to nothing draws no chart
            for drawing in related(archive, part, "drawing"):
                folder, name = drawing.rsplit("/", 1)
                rels = archive.read(f"{folder}/_rels/{name}.rels").decode()
                targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="\.\./charts/([^"]+)"', rels))
                for anchor in archive.read(drawing).decode().split("</xdr:twoCellAnchor>")[:-1]:
                    row, col = (int(re.search(rf"<xdr:{tag}>(\d+)</xdr:{tag}>", anchor).group(1)) for tag in ("row", "col"))
                    chart_id = re.search(r'r:id="([^"]+)"', anchor).group(1)
                    chart = archive.read(f"xl/charts/{targets[chart_id]}").decode()
                    own = chart.split("<c:plotArea>")[0]
                    if "<c:title>" in own:
                        title = " ".join(re.findall(r"<a:t>([^<]*)</a:t>", own) or re.findall(r"<c:v>([^<]*)</c:v>", own))
                    else:
                        title = str(values[sheet].cell(row, col + 1).value or "")
                    titles.append((sheet, " ".join(unescape(title).split())))
    return titles


def test_every_chart_is_printed_with_its_title(default_pdf, reading_text):
    titles = chart_titles(default_pdf[0])
    assert len(titles) >= 8, titles
    for sheet, title in titles:
        assert title and title in reading_text, f"{sheet}: chart {title!r} is not in the PDF"


@pytest.fixture(scope="module")
def build_2019(tmp_path_factory, require_libreoffice) -> tuple[Path, str]:
    """2019: no partner data, no published figures. (workbook, the PDF's text in reading order)."""
    out = tmp_path_factory.mktemp("pdf-2019") / "snapshot-2019.xlsx"
    result = run_cli("build", "--year", 2019, "--pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    text = " ".join(subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    return out, text


def test_a_year_without_partner_or_published_figures_prints_every_chart_title_whole(build_2019):
    # The titles that say there is no partner data or no published figure are the longest.
    out, text = build_2019
    for sheet, title in chart_titles(out):
        assert title and title in text, f"{sheet}: chart {title!r} is not printed whole"


def test_a_year_without_partner_data_says_so_in_a_few_lines_not_a_page(build_2019):
    # The Dashboard's two chart titles and a line on Checks (the Partners page is left out, the
    # Notes say why): not in every cell of a table that cannot be filled.
    _, text = build_2019
    assert text.lower().count("no partner data") <= 4, text.lower().count("no partner data")



def test_a_year_without_partner_data_leaves_the_partners_page_out_and_the_notes_say_so(build_2019):
    # The Partners sheet would print a page holding one line; the Notes print that line instead.
    out, text = build_2019
    footers = [page.footer for page in read_pages(out.with_suffix(".pdf"))]
    partners_sheet = wording("partners")["sheet"]
    assert not [footer for footer in footers if f" {partners_sheet} " in f" {footer} "], footers
    assert wording("partners")["title"].format(year=2019) not in text
    assert wording("notes")["no_partner_data"].format(year=2019) in text


def test_a_year_with_partner_data_prints_the_partners_sheet(pages):
    partners_sheet = wording("partners")["sheet"]
    assert [page for page in pages if f" {partners_sheet} " in f" {page.footer} "]

#: What a spreadsheet user does, which a reader of the printed report cannot.
INSTRUCTIONS = ("Sort and filter", "right-click", "Insert Rows Above", "(+ above them)", "(1: yes, 0: no)",
                "Enter a value", "as a new row inside the table")


def test_the_report_prints_no_spreadsheet_instructions_and_ends_with_its_provenance(reading_text):
    for phrase in INSTRUCTIONS:
        assert phrase.lower() not in reading_text.lower(), phrase
    checksum = data_checksum(bundled_data_dir())
    assert checksum in reading_text
    # The provenance closes the report: the checksum on its last page, nothing for analysts after it.
    assert reading_text.rindex(checksum) > len(reading_text) - 2000


def test_no_chart_reaches_outside_its_sheets_print_area(default_pdf):
    book = open_workbook(default_pdf[0])
    charts = 0
    for sheet in book.worksheets:
        for chart in sheet._charts:
            charts += 1
            assert sheet.print_area, f"{sheet.title} has a chart but no print area"
            area = sheet.print_area if isinstance(sheet.print_area, str) else sheet.print_area[0]
            first_col, first_row, last_col, last_row = range_boundaries(area.split(",")[0].split("!")[-1])
            end = chart.anchor._from if not hasattr(chart.anchor, "to") else chart.anchor.to
            # Anchors count from 0, print areas from 1.
            assert end.col + 1 <= last_col and end.row + 1 <= last_row, (
                f"{sheet.title}: a chart reaches column {end.col + 1}, row {end.row + 1}, past its print area "
                f"{sheet.print_area}")
    assert charts


def test_no_figure_prints_as_a_vanished_sign_or_a_false_zero(pages):
    for page in pages:
        found = MISLEADING.findall(page.text)
        assert not found, f"page {page.number} ({page.footer}) prints {found}"


def test_the_appendix_prints_the_input_tables_after_the_report(default_pdf, tmp_path, pages):
    pdf = write_pdf(default_pdf[0], tmp_path / "with-appendix.pdf", appendix=True)
    with_appendix = read_pages(pdf)
    assert len(with_appendix) > len(pages)
    text = " ".join(page.text for page in with_appendix[len(pages):])
    for spec in ALL_DATA_SHEETS:
        assert spec.words["title"].split()[0] in text, spec.sheet_name


def test_a_print_copy_hides_the_input_tables_and_their_print_areas(default_pdf, tmp_path):
    copy = tmp_path / "copy.xlsx"
    hidden = {spec.sheet_name for spec in ALL_DATA_SHEETS}
    hide_sheets(default_pdf[0], copy, hidden)
    book = open_workbook(copy)
    for sheet in book.worksheets:
        if sheet.title in hidden:
            assert sheet.sheet_state == "hidden" and not sheet.print_area, sheet.title
        else:
            assert sheet.sheet_state == "visible", sheet.title
    # The workbook itself is left as it was.
    assert all(sheet.sheet_state == "visible" for sheet in open_workbook(default_pdf[0]).worksheets)


def test_a_missing_libreoffice_is_named_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "snapshot.xlsx"
    result = run_cli("build", "--pdf", "--out", out, env={"TECH_TRADE_SOFFICE": str(tmp_path / "no-soffice")})
    assert result.returncode == 2
    assert "LibreOffice" in result.stderr and "\n" not in result.stderr.strip()
    assert not out.exists() and not out.with_suffix(".pdf").exists()



#: A printed figure that carries a unit of its own: "$1.2B", "-$12.3M", "$79K", "12.3M".
FIGURE_WITH_UNIT = re.compile(r"^[+\-–]?\$?[\d,]+(\.\d+)?[BMK]$|^[+\-–]?\$[\d,]+\.\d+$")


def test_on_the_states_trend_and_partners_pages_every_money_column_carries_one_unit(pages):
    # The unit is named once, above the column ("$ millions"); a figure never carries its own,
    # so a column cannot switch from $ billions to $ millions by size.
    sheets = [wording(sheet)["sheet"] for sheet in ("states", "trend", "partners")]
    seen = set()
    for page in pages:
        sheet = next((name for name in sheets if f" {name} Page " in f" {page.footer} "), None)
        if sheet is None:
            continue
        seen.add(sheet)
        body = [word.text for word in page.words if word.top <= page.height - FOOTER_BAND]
        with_unit = [text for text in body if FIGURE_WITH_UNIT.match(text)]
        assert with_unit == [], f"page {page.number} ({sheet}): {with_unit[:5]}"
        if sheet == wording("states")["sheet"]:
            # The units row repeats with the header on every page of the table.
            assert "millions" in body, f"page {page.number}: no unit above the columns"
    assert seen == set(sheets), seen


def test_no_printed_word_runs_two_years_together(pages):
    # A chart's year axis printed as one run of digits ("2016201720182019...") is unreadable.
    run_together = re.compile(r"(19|20)\d\d(19|20)\d\d")
    for page in pages:
        found = [word.text for word in page.words if run_together.search(word.text)]
        assert found == [], f"page {page.number} ({page.footer}): {found[:3]}"


def test_the_pdf_is_tagged_with_its_title_and_language(default_pdf):
    # A tagged PDF (LibreOffice's PDF/UA option) gives a screen reader the structure to follow.
    info = subprocess.run(["pdfinfo", str(default_pdf[1])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+Tech Trade Snapshot 2021$", info, re.M), info
    assert b"/Lang(en-US)" in default_pdf[1].read_bytes()


def figure_descriptions(pdf: Path) -> list[str]:
    """The alternative text (/Alt) of each Figure of the PDF's structure tree, in order; the
    latest version of each structure element (an incremental update writes new ones after)."""
    data = pdf.read_bytes()
    latest: dict[int, bytes] = {}
    for found in re.finditer(rb"(\d+) 0 obj\s*<<(/Type/StructElem\s*/S/Figure\b.*?)>>\s*endobj", data, re.S):
        latest[int(found.group(1))] = found.group(2)
    order = [int(found.group(1)) for found in re.finditer(rb"(\d+) 0 obj\s*<</Type/StructElem\s*/S/Figure\b", data)]
    descriptions = []
    for number in dict.fromkeys(order):
        alt = re.search(rb"/Alt\s*<FEFF([0-9A-F]*)>", latest[number])
        descriptions.append(bytes.fromhex(alt.group(1).decode()).decode("utf-16-be") if alt else "")
    return descriptions


def test_every_chart_of_the_pdf_carries_its_alternative_text_in_the_structure_tree(default_pdf):
    # LibreOffice 7.4 tags each chart as a Figure without its description; the tool adds it (/Alt),
    # which a screen reader reads out. (poppler's pdfinfo -struct-text prints text, not /Alt.)
    expected = chart_descriptions(default_pdf[0])
    assert len(expected) >= 8 and all(expected)
    assert figure_descriptions(default_pdf[1]) == expected
