"""The tagged PDF's Figures get the charts' alternative text (workbook/engines/pdf_tags.py), without LibreOffice."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from workbook.engines.pdf_tags import add_figure_descriptions, chart_descriptions

#: A tagged PDF reduced to what the update reads: two Figures of the structure tree and a trailer.
PDF = (b"%PDF-1.6\n"
       b"5 0 obj\n<</Type/StructElem\n/S/Figure\n/P 9 0 R\n/K[1 ]\n>>\nendobj\n\n"
       b"6 0 obj\n<</Type/StructElem\n/S/Figure\n/P 9 0 R\n/K[2 ]\n>>\nendobj\n\n"
       b"xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 10/Root 8 0 R\n>>\nstartxref\n120\n%%EOF\n")


def test_each_figure_gets_its_chart_s_description_in_an_incremental_update(tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    assert add_figure_descriptions(pdf, ["Bar chart of the top ten states", "Line chart – by year"])
    data = pdf.read_bytes()
    assert data.startswith(PDF)  # what LibreOffice wrote stays as it was
    update = data[len(PDF):]
    alts = [bytes.fromhex(found.decode()).decode("utf-16-be") for found in re.findall(rb"/Alt <FEFF([0-9A-F]*)>", update)]
    assert alts == ["Bar chart of the top ten states", "Line chart – by year"]
    # The new cross-reference points at each new version, and the trailer back at the old one.
    xref = int(re.findall(rb"startxref\n(\d+)", data)[-1])
    assert data[xref:].startswith(b"xref\n5 1\n")
    for number, offset in re.findall(rb"(\d+) 1\n(\d{10}) 00000 n", data[xref:]):
        assert data[int(offset):].startswith(number + b" 0 obj")
    assert b"/Prev 120" in update


def test_figures_that_do_not_match_the_charts_are_left_as_they_are(tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    assert not add_figure_descriptions(pdf, ["only one description"])
    assert pdf.read_bytes() == PDF


def test_a_file_that_is_not_an_xlsx_has_no_chart_descriptions_to_give(tmp_path: Path):
    ods = tmp_path / "snapshot.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
    assert chart_descriptions(ods) == []
