"""Render README's pictures from a real build: pages of the default PDF as PNGs.

Run from the repository root: ``python3 docs/render_pictures.py [PICTURE...]`` (needs
LibreOffice and poppler-utils; with names, only those pictures). It builds the default
workbook with ``tech-trade build --pdf --ods`` and renders the first page of each pictured
sheet, found by the sheet's name in the page footer; the .ods edition's picture is a page
of the .ods as LibreOffice prints it, at a lower resolution.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from workbook.templates_loader import wording

DOCS = Path(__file__).resolve().parent
#: Picture file -> the wording file of the sheet it shows.
PICTURES = {"dashboard.png": "dashboard", "key_findings.png": "key_findings", "map.png": "map"}
RESOLUTION = 80
#: The .ods edition's picture: a page of the .ods, printed by LibreOffice.
ODS_PICTURES = {"ods_dashboard.png": "dashboard"}
ODS_RESOLUTION = 60


def main(wanted: list[str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "snapshot.xlsx"
        subprocess.run([sys.executable, "-m", "workbook", "build", "--pdf", "--ods", "--out", str(workbook)],
                       check=True)
        pdf = workbook.with_suffix(".pdf")
        _render(pdf, {name: sheet for name, sheet in PICTURES.items() if not wanted or name in wanted}, RESOLUTION)
        chosen = {name: sheet for name, sheet in ODS_PICTURES.items() if not wanted or name in wanted}
        if chosen:
            from workbook.engines.libreoffice import convert_to_pdf

            printed = convert_to_pdf(workbook.with_suffix(".ods"), Path(folder) / "ods")
            _render(printed, chosen, ODS_RESOLUTION)
    return 0


def _render(pdf: Path, pictures: dict[str, str], resolution: int) -> None:
    footers = _footers(pdf)
    for picture, sheet_words in pictures.items():
        sheet = wording(sheet_words)["sheet"]
        page = next(number for number, footer in enumerate(footers, start=1) if f" {sheet} Page " in footer)
        stem = pdf.parent / "page"
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(stem)], check=True)
        (DOCS / picture).write_bytes(stem.with_suffix(".png").read_bytes())
        print(f"wrote docs/{picture} from page {page} of {pdf.name} ({sheet})")


def _footers(pdf: Path) -> list[str]:
    """Each page's last line of text: its footer, which names the sheet and the page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    return [" " + " ".join(([line for line in page.splitlines() if line.strip()] or [""])[-1].split()) for page in pages]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
