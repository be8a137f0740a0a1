"""Render README's pictures from a real build: pages of the default PDF as PNGs.

Run from the repository root: ``python3 docs/render_pictures.py`` (needs LibreOffice and
poppler-utils). It builds the default workbook with ``tech-trade build --pdf`` and renders
the first page of each pictured sheet, found by the sheet's name in the page footer.
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


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "snapshot.xlsx"
        subprocess.run([sys.executable, "-m", "workbook", "build", "--pdf", "--out", str(workbook)], check=True)
        pdf = workbook.with_suffix(".pdf")
        footers = _footers(pdf)
        for picture, sheet_words in PICTURES.items():
            sheet = wording(sheet_words)["sheet"]
            page = next(number for number, footer in enumerate(footers, start=1) if f" {sheet} Page " in footer)
            stem = Path(folder) / "page"
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(stem)], check=True)
            (DOCS / picture).write_bytes(stem.with_suffix(".png").read_bytes())
            print(f"wrote docs/{picture} from page {page} ({sheet})")
    return 0


def _footers(pdf: Path) -> list[str]:
    """Each page's last line of text: its footer, which names the sheet and the page."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    return [" " + " ".join(([line for line in page.splitlines() if line.strip()] or [""])[-1].split()) for page in pages]


if __name__ == "__main__":
    raise SystemExit(main())
