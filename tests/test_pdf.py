"""`tech-trade build --pdf` prints the whole workbook through LibreOffice: every sheet, every chart."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import open_workbook, run_cli
from workbook.templates_loader import wording


@pytest.fixture(scope="module")
def printed(tmp_path_factory, require_libreoffice) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("pdf")
    result = run_cli("build", "--pdf", "--out", folder / "snapshot.xlsx")
    assert result.returncode == 0, result.stderr
    pdf = folder / "snapshot.pdf"
    assert pdf.exists()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    # Reading order, not layout: a chart title wrapped onto two lines stays together.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pdf, " ".join(text.split())


def test_the_pdf_starts_with_the_cover(printed):
    _, text = printed
    assert text.startswith(wording("cover")["title"].format(edition=2021, year=2020))


#: The height of a word's box in pdftotext -bbox per point of font size: the font's ascent and
#: descent, 1.16 em for DejaVu Sans (LibreOffice's stand-in for Arial here), 1.12 for Liberation
#: Sans; the larger makes the sizes measured the smaller.
BOX_PER_POINT = 1.17
#: Points at the bottom of a page that hold the footer (page furniture, set for every sheet).
FOOTER_BAND = 60


def _printed_words(pdf: Path) -> list[tuple[str, list[float]]]:
    """Each page's sheet (named in its footer) and the font sizes of the words above the footer."""
    import re

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        height = float(re.search(r'height="([0-9.]+)"', page).group(1))
        words = [(float(y0), float(y1), text) for y0, y1, text in
                 re.findall(r'<word xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)</word>',
                            page)]
        footer = [text for y0, _, text in words if y0 > height - FOOTER_BAND]
        sizes = [(y1 - y0) / BOX_PER_POINT for y0, y1, _ in words if y0 <= height - FOOTER_BAND]
        pages.append((" ".join(footer), sizes))
    return pages


def test_the_cover_prints_on_one_page_and_the_cover_and_notes_in_text_of_8_points_or_more(printed):
    pdf, _ = printed
    pages = _printed_words(pdf)
    cover = [sizes for footer, sizes in pages if f" {wording('cover')['sheet']} Page " in footer]
    notes = [sizes for footer, sizes in pages if f" {wording('notes')['sheet']} Page " in footer]
    assert len(cover) == 1 and notes
    for sizes in cover + notes:
        assert sizes and min(sizes) >= 8, min(sizes)


def test_every_sheet_is_printed_with_its_title(printed, default_workbook):
    _, text = printed
    book = open_workbook(default_workbook, data_only=True)
    for sheet in book.worksheets:
        title = " ".join(str(sheet["A1"].value).split())
        assert title in text, f"{sheet.title}: {title!r} is not in the PDF"


def test_every_chart_is_printed_with_its_title(printed, default_workbook):
    import re
    import zipfile

    _, text = printed
    with zipfile.ZipFile(default_workbook) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/chart")]
    assert charts, "the workbook has no charts"
    for chart in charts:
        # A title is either rich text or, where it follows the year, a cell's cached text.
        heading = chart.split("</c:title>")[0]
        title = " ".join(re.findall(r"<a:t>([^<]*)</a:t>", heading) or re.findall(r"<c:v>([^<]*)</c:v>", heading))
        assert title and " ".join(title.split()) in text, f"chart {title!r} is not in the PDF"


def test_a_missing_libreoffice_is_named_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "snapshot.xlsx"
    result = run_cli("build", "--pdf", "--out", out, env={"TECH_TRADE_SOFFICE": str(tmp_path / "no-soffice")})
    assert result.returncode == 2
    assert "LibreOffice" in result.stderr and "\n" not in result.stderr.strip()
    assert not out.exists() and not out.with_suffix(".pdf").exists()
