"""Render README's pictures from a real build: the Dashboard and the Map as PNGs.

Run from the repository root: ``python3 docs/render_pictures.py`` (needs LibreOffice and
poppler-utils). It builds the default workbook, prints it to PDF through LibreOffice
as `tech-trade build --pdf` does, finds each sheet's first page by its title and
renders that page.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
#: Picture file -> the start of the title on the sheet's first page.
PICTURES = {"dashboard.png": "Tech Trade Snapshot 2020: the story at a glance",
            "key_findings.png": "Key findings, 2020: the release, drafted live",
            "map.png": "Tech exports by state, 2020: tile map"}
RESOLUTION = 80


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "snapshot.xlsx"
        subprocess.run([sys.executable, "-m", "workbook", "build", "--pdf", "--out", str(workbook)], check=True)
        pdf = workbook.with_suffix(".pdf")
        pages = int(next(line.split()[-1] for line in subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Pages:")))
        for picture, title in PICTURES.items():
            page = next(number for number in range(1, pages + 1) if _page_text(pdf, number).startswith(title))
            stem = Path(folder) / "page"
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(stem)], check=True)
            (DOCS / picture).write_bytes(stem.with_suffix(".png").read_bytes())
            print(f"wrote docs/{picture} from page {page}")
    return 0


def _page_text(pdf: Path, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


if __name__ == "__main__":
    raise SystemExit(main())
