"""``tech-trade build``: data folder -> model -> workbook, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from workbook.atomic import atomic_write_path
from workbook.libreoffice import convert_to_pdf
from workbook.load import load_dataset
from workbook.model import SnapshotModel, build_model
from workbook.schema import ALL_FILES
from workbook.sheets import (about, balance, categories, checks, dashboard, data_tables, destinations, states, tile_map,
                             trend)
from workbook.templates_loader import wording
from workbook.xlsx import Book


#: The sheets after About, in reading order; each module has WORDING (its section
#: in templates/wording/) and write(book, sheet, model). The data sheets follow them.
REPORT_SHEETS = (
    dashboard,
    states,
    categories,
    destinations,
    balance,
    trend,
    tile_map,
    checks,
)


def build_workbook(data_dir: Path, year: int, out: Path) -> Path:
    """Load and check the data, compute every figure, and write the workbook to ``out``.

    Nothing is written until the data has loaded cleanly, and the file appears at
    ``out`` only once it is complete.
    """
    data = load_dataset(Path(data_dir))
    model = build_model(data, year)
    out = Path(out)
    with atomic_write_path(out) as tmp:
        write_workbook(model, tmp, data_checksum(Path(data_dir)))
    return out


def write_pdf(workbook_path: Path, pdf_path: Path) -> Path:
    """Print the workbook to ``pdf_path`` through LibreOffice, as each sheet's print setup says.

    LibreOffice writes into a private folder first, so an earlier PDF stays whole
    until the new one is complete.
    """
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix=".tech-trade-pdf-", dir=pdf_path.parent or ".") as folder:
        printed = convert_to_pdf(Path(workbook_path), Path(folder))
        os.replace(printed, pdf_path)
    return pdf_path


def bundled_data_dir() -> Path:
    """The data folder that comes with the tool (the repository's ``data/``)."""
    return Path(str(resources.files("workbook.data")))


def data_checksum(data_dir: Path) -> str:
    """SHA-256 over the data files, by name, so a reader can tell which data a workbook shows."""
    digest = hashlib.sha256()
    for schema in ALL_FILES:
        digest.update(schema.filename.encode())
        digest.update((data_dir / schema.filename).read_bytes())
    return digest.hexdigest()


def write_workbook(model: SnapshotModel, path: Path, checksum: str) -> None:
    book = Book.create(path)
    # Sheets are added in reading order first; About is filled in last because it
    # lists the names the other sheets define.
    about_sheet = book.add_sheet(wording("about")["sheet"])
    report_sheets = [(module, book.add_sheet(wording(module.WORDING)["sheet"])) for module in REPORT_SHEETS]
    data_sheets = {spec: book.add_sheet(spec.sheet_name) for spec in data_tables.ALL_DATA_SHEETS}

    about.define_settings(book, about_sheet, model)
    # Sheets that summarise others (Dashboard, Checks) read the values the other
    # sheets wrote under defined names, so they are written after them.
    for module, sheet in sorted(report_sheets, key=lambda entry: getattr(entry[0], "SUMMARISES_OTHERS", False)):
        module.write(book, sheet, model)
    years_range = ""
    for spec, sheet in data_sheets.items():
        first, last = data_tables.write(book, sheet, model, spec)
        if spec is data_tables.YEAR_LIST:
            years_range = (f"={quote_sheetname(spec.sheet_name)}!"
                           f"{xl_rowcol_to_cell(first, 0, True, True)}:{xl_rowcol_to_cell(last, 0, True, True)}")
    contents = [about.ContentsEntry(wording(key)["sheet"], wording(key)["contents"])
                for key in ("about", *(module.WORDING for module in REPORT_SHEETS))]
    contents += [about.ContentsEntry(spec.sheet_name, spec.words["contents"]) for spec in data_tables.ALL_DATA_SHEETS]
    about.write(book, about_sheet, model, contents, checksum, years_range)
    book.close()
