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
