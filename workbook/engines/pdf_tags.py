"""Complete the tagged PDF LibreOffice prints: each chart's alternative text on its Figure.

LibreOffice 7.4 writes a tagged PDF (PDF/UA) with a Figure in the structure tree for each
chart, but without the chart's description (its ``/Alt``), which a screen reader reads
out in place of the picture. The workbook holds every chart's description; this module
puts them on the Figures, in print order, as an incremental update of the PDF (the
original bytes stay as LibreOffice wrote them, new versions of the Figures follow).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from posixpath import dirname, join, normpath

from defusedxml.ElementTree import fromstring

_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
}
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

#: A structure element of the kind Figure, as LibreOffice writes it: one object, its dictionary first.
_FIGURE = re.compile(rb"(\d+) 0 obj\s*<<(/Type/StructElem\s*/S/Figure\b.*?)>>\s*endobj", re.S)
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def chart_descriptions(workbook: Path) -> list[str]:
    """The alternative text of every chart on the workbook's visible sheets, in print order:
    sheet by sheet, each sheet's charts in the order they were drawn. None for a file that is not
    an .xlsx (an .ods keeps its charts' descriptions in a form LibreOffice prints itself)."""
    if not zipfile.is_zipfile(workbook):
        return []
    with zipfile.ZipFile(workbook) as archive:
        if "xl/workbook.xml" not in archive.namelist():
            return []
        def part(name: str) -> bytes:
            return archive.read(name)

        def targets(owner: str) -> dict[str, str]:
            rels = join(dirname(owner), "_rels", owner.rsplit("/", 1)[-1] + ".rels")
            if rels not in archive.namelist():
                return {}
            return {rel.get("Id", ""): normpath(join(dirname(owner), rel.get("Target", "")))
                    for rel in fromstring(part(rels)).findall("rel:Relationship", _NS)}

        sheets = targets("xl/workbook.xml")
        descriptions = []
        for sheet in fromstring(part("xl/workbook.xml")).findall("main:sheets/main:sheet", _NS):
            if sheet.get("state", "visible") != "visible":
                continue
            sheet_part = sheets[sheet.get(_R_ID, "")]
            drawings = fromstring(part(sheet_part)).findall("main:drawing", _NS)
            for drawing in drawings:
                drawing_part = targets(sheet_part)[drawing.get(_R_ID, "")]
                for frame in fromstring(part(drawing_part)).iter(f"{{{_NS['xdr']}}}graphicFrame"):
                    properties = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", _NS)
                    descriptions.append("" if properties is None else properties.get("descr", ""))
    return descriptions


def add_figure_descriptions(pdf: Path, descriptions: list[str]) -> bool:
    """Give the PDF's Figures, in order, these descriptions as their alternative text.

    Returns False, and leaves the PDF as it is, where the PDF has not one Figure per
    description (a picture the tool did not draw, or a chart not printed): a description
    on the wrong picture would mislead more than none.
    """
    data = pdf.read_bytes()
    figures = list(_FIGURE.finditer(data))
    trailer = _TRAILER.search(data)
    if len(figures) != len(descriptions) or trailer is None or not descriptions:
        return False
    update = bytearray(b"\n")
    offsets = []
    for figure, description in zip(figures, descriptions):
        number = int(figure.group(1))
        dictionary = re.sub(rb"/Alt\s*(\([^)]*\)|<[^>]*>)", b"", figure.group(2))
        offsets.append((number, len(data) + len(update)))
        update += b"%d 0 obj\n<<%s/Alt %s>>\nendobj\n" % (number, dictionary.rstrip(), _text_string(description))
    xref_offset = len(data) + len(update)
    update += b"xref\n"
    for number, offset in sorted(offsets):
        update += b"%d 1\n%010d 00000 n \n" % (number, offset)
    # The trailer of the update: the original's, pointing back at the original cross-reference.
    original = re.sub(rb"/Prev\s+\d+", b"", trailer.group(1)).strip()
    update += b"trailer\n<<%s\n/Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (original, trailer.group(2), xref_offset)
    pdf.write_bytes(data + bytes(update))
    return True


def _text_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, in hexadecimal."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"
