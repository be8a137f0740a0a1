"""``tech-trade build``: data folder -> model -> workbook, written atomically."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from workbook.atomic import atomic_write_path
from workbook.load import load_dataset
from workbook.model import SnapshotModel, build_model
from workbook.schema import ALL_FILES
from workbook.sheets import about, data_tables, states
from workbook.templates_loader import wording
from workbook.xlsx import Book


#: The sheets after About, in reading order; each module has WORDING (its section
#: in templates/wording/) and write(book, sheet, model). The data sheets follow them.
REPORT_SHEETS = (
    states,
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
    for module, sheet in report_sheets:
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
