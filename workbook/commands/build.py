"""``tech-trade build``: data folder -> model -> workbook, written atomically."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_rowcol_to_cell

from workbook import progress
from workbook.writing import register
from workbook.atomic import atomic_write_path
from workbook.dataset.load import load_dataset
from workbook.paths import OutputFile, output_file
from workbook.reading.own import CHARTS_PROPERTY, OwnContent, charts_property, load_own, parts_properties
from workbook.model import SnapshotModel, build_model
from workbook.errors import TechTradeError
from workbook.reading.inputs import (PARTIAL_YEARS_PROPERTY, data_digest, fingerprint, made_by_properties,
                                     partial_years_property, read_inputs)
from workbook.model.partners import tech_partner_rows
from workbook.dataset.schema import (ALL_FILES, CATEGORIES, DESTINATIONS, EXPORTS, IMPORTS, OPTIONAL_FILES,
                                     PARTNER_EXPORTS, PARTNER_IMPORTS, PUBLISHED, STATES)
from workbook.reading.opendocument import is_ods
from workbook.spreadsheet import quote_sheet_name
from workbook.sheets import ReportSheet, own_sheets
from workbook.sheets import (balance, categories, checks, cover, dashboard, data_tables, destinations, key_findings,
                             notes, partners, states, tile_map, trend)
from workbook.templates_loader import wording
from workbook.writing.hooks import defined_names
from workbook.writing.xlsx import Book, theme_colour

if TYPE_CHECKING:
    import pandas as pd


#: Census rows (exports and imports together) up to which the workbook is assembled in
#: memory: a few MiB of XML, and a build a quarter quicker on file systems where deleting its
#: temporary files is slow. Larger workbooks go through temporary files, keeping memory down.
IN_MEMORY_ROWS = 100_000

#: The sheets between the Cover and the Notes, in reading order: modules that are each a
#: ReportSheet. The input tables follow the Notes, their tabs coloured apart from the sheets a reader reads.
REPORT_SHEETS: tuple[ReportSheet, ...] = (
    dashboard,
    key_findings,
    states,
    categories,
    partners,
    destinations,
    balance,
    trend,
    tile_map,
    checks,
)


def build_workbook(data_dir: Path, year: int | None = None, out: Path | OutputFile | None = None, force: bool = False,
                   protect: bool = False, ods: bool = False, companions: tuple[str, ...] = ()) -> Path:
    """Load and check the data, compute every figure, and write the workbook.

    ``out`` defaults to ``tech-trade-snapshot-EDITION.xlsx`` in the current folder (the
    edition is the snapshot year + 1 unless the data's settings.csv names it); a folder takes
    that name inside it, and a file must end in .xlsx. ``companions`` are the suffixes of files
    written beside it afterwards (``.pdf``), checked with it before the workbook is written.
    Nothing is written until the data has loaded cleanly, the file appears at ``out``
    only once it is complete, and a workbook at ``out`` that was edited since the tool
    wrote it (or that the tool did not write) is kept unless ``force``. With ``ods``, so is an
    .ods beside it (``write_ods`` then writes the .ods edition there).
    """
    target = out if isinstance(out, OutputFile) else output_file(out, ".xlsx", "the workbook")
    with progress.step(f"loaded and checked {data_dir}") as step:
        data = load_dataset(Path(data_dir))
        own = load_own(Path(data_dir))
        step.result = f"years {data.years[0]}–{data.years[-1]}" if data.years else "no years"
    with progress.step("set up the model") as step:
        model = build_model(data, year)
        step.result = f"snapshot year {model.year}, edition {model.edition}"
    out = target.path(default_output(model).name)
    for companion in (out.with_suffix(suffix) for suffix in companions):
        if companion.is_dir():
            raise TechTradeError(f"{companion}: is a folder, so the file written beside {out} cannot take its name")
    if not force:
        with progress.step(f"checked {out} holds no edits to keep"):
            refuse_to_overwrite_edits(out)
        if ods:
            with progress.step(f"checked {ods_path(out)} holds no edits to keep"):
                refuse_to_overwrite_edits(ods_path(out))
    with progress.step(f"computed every figure and wrote {out}"), atomic_write_path(out) as tmp, \
            cycle_collection_paused():
        write_workbook(model, tmp, data_checksum(Path(data_dir)), protect=protect, own=own)
    if own.has_formulas and own.inputs_digest != data_digest(model_inputs(model), model_settings(model)):
        # The analyst's formulas carry the values they had when extracted; over other data
        # they are right only once recalculated, which Excel does on opening (the file asks
        # it to) and LibreOffice does when told to.
        print(f"tech-trade: note: the data differ from those the own sheets' formulas were last computed on; "
              f"their values show once {out} is recalculated (Excel does so on opening; in LibreOffice, "
              "Data > Calculate > Recalculate Hard), and `tech-trade check` lists them until then", file=sys.stderr)
    return out


def ods_path(workbook_path: Path) -> Path:
    """Where the .ods edition of a workbook goes: beside it, under the same name."""
    return Path(workbook_path).with_suffix(".ods")


def default_output(model: SnapshotModel) -> Path:
    """``tech-trade-snapshot-EDITION.xlsx`` in the current folder."""
    return Path(f"tech-trade-snapshot-{model.edition}.xlsx")


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while the workbook is written.

    XlsxWriter keeps every cell as a small tuple until the file is closed: hundreds of
    thousands of objects that the collector would scan again and again, though none is
    ever garbage. Paused, a build is a tenth to a sixth quicker; it frees the same memory,
    since writing a workbook makes no reference cycles to collect.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def refuse_to_overwrite_edits(out: Path) -> None:
    """Raise unless ``out`` is absent or a workbook this tool wrote and nobody has edited since."""
    if not out.exists():
        return
    keep = "keep it (name another --out), or use --force to replace it"
    advice = f"{keep}; `tech-trade extract {out} --out DIR` takes its inputs back as data"
    # Imported here: a build onto no earlier file (the usual one) needs no reader, and one onto an
    # .xlsx not the OpenDocument one (which brings LibreOffice's engine and the validation copy).
    if is_ods(out):
        from workbook.checking.ods import is_sealed_and_untouched
    else:
        from workbook.reading.sealed import is_sealed_and_untouched

    try:
        # A file exactly as the tool wrote it holds no edits: no need to read it back.
        if is_sealed_and_untouched(out):
            return
        existing = read_inputs(out)
    except TechTradeError:
        raise TechTradeError(f"{out}: exists and is not a workbook tech-trade wrote; {keep}") from None
    if not existing.made_by_tool:
        # extract reads only the tool's own workbooks: it is no advice here.
        raise TechTradeError(f"{out}: exists and is not a workbook tech-trade wrote; {keep}")
    if existing.own:
        raise TechTradeError(f"{out}: holds the analyst's own sheets, notes or names; keep it, or use --force to "
                             f"replace it; `tech-trade extract {out} --out DIR` now keeps them with the inputs, "
                             "and `build --data DIR` puts them back")
    if existing.fingerprint() != existing.stored_fingerprint:
        raise TechTradeError(f"{out}: has been edited since tech-trade wrote it (inputs or formulas changed); {advice}")


def write_pdf(workbook_path: Path, pdf_path: Path, appendix: bool = False) -> Path:
    """Print the workbook to ``pdf_path`` through LibreOffice, as each sheet's print setup says.

    The PDF is the report a reader is sent: the reader's sheets only. The input tables
    (the data sheets, thousands of rows of Census figures) follow them only with
    ``appendix``. LibreOffice writes into a private folder first, so an earlier PDF
    stays whole until the new one is complete.
    """
    # Imported here: a build without --pdf does not run LibreOffice.
    from workbook.engines.libreoffice import convert_to_pdf

    pdf_path = Path(pdf_path)
    if pdf_path.resolve() == Path(workbook_path).resolve():
        raise TechTradeError(f"{pdf_path}: is the workbook the PDF is printed from; name the PDF apart")
    leave_out = [*([] if appendix else [spec.sheet_name for spec in data_tables.ALL_DATA_SHEETS]),
                 *sheets_with_nothing_to_print(Path(workbook_path))]
    with tempfile.TemporaryDirectory(prefix=".tech-trade-pdf-", dir=pdf_path.parent or ".") as folder:
        printed = convert_to_pdf(Path(workbook_path), Path(folder), leave_out=leave_out)
        os.replace(printed, pdf_path)
    return pdf_path


def sheets_with_nothing_to_print(workbook_path: Path) -> list[str]:
    """The reader's sheets that hold nothing for the workbook's snapshot year: Partners where the
    partner data does not cover it (``HasPartnerData`` is 0), a page holding one line; the Notes
    print that line instead. Read from the workbook's own values, which the build just computed."""
    # Imported here, as the PDF alone needs it.
    from workbook.reading.openpyxl_reading import load_workbook

    book = load_workbook(workbook_path, data_only=True, read_only=True)
    try:
        defined = book.defined_names.get(register.HAS_PARTNER_DATA)
        places = list(defined.destinations) if defined is not None else []
        has_partner_data = [book[sheet][cell.replace("$", "")].value for sheet, cell in places]
    finally:
        book.close()
    return [wording(partners.WORDING)["sheet"]] if has_partner_data == [0] else []


def bundled_data_dir() -> Path:
    """The data folder that comes with the tool (the repository's ``data/``)."""
    return Path(str(resources.files("workbook.data")))


def data_checksum(data_dir: Path) -> str:
    """SHA-256 over the data files, by name, so a reader can tell which data a workbook shows."""
    digest = hashlib.sha256()
    for schema in (*ALL_FILES, *OPTIONAL_FILES):
        path = data_dir / schema.filename
        if path.exists():
            digest.update(schema.filename.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_workbook(model: SnapshotModel, path: Path, checksum: str, protect: bool = False,
                   own: OwnContent | None = None) -> None:
    rows = len(model.data.exports) + len(model.data.imports)
    book = Book.create(path, protect=protect, in_memory=rows <= IN_MEMORY_ROWS, year=model.year,
                       edition=model.edition)
    # Sheets are added in reading order first: the Cover, what a reader reads, the Notes,
    # then the input tables.
    cover_sheet = book.add_sheet(wording(cover.WORDING)["sheet"])
    report_sheets = [(report, book.add_sheet(wording(report.WORDING)["sheet"])) for report in REPORT_SHEETS]
    notes_sheet = book.add_sheet(wording(notes.WORDING)["sheet"])
    data_sheets = {spec: book.add_sheet(spec.sheet_name) for spec in data_tables.ALL_DATA_SHEETS}
    for sheet in (cover_sheet, *(sheet for _, sheet in report_sheets), notes_sheet):
        sheet.set_tab_color(theme_colour("tab_reader"))
    for sheet in data_sheets.values():
        sheet.set_tab_color(theme_colour("tab_inputs"))

    reading = [cover.ContentsEntry(wording(section)["sheet"], wording(section)["contents"])
               for section in (*(report.WORDING for report in REPORT_SHEETS), notes.WORDING)]
    inputs = [cover.ContentsEntry(spec.sheet_name, spec.words["contents"]) for spec in data_tables.ALL_DATA_SHEETS]
    # The settings are defined first: every other sheet's formulas use them.
    year_row = cover.write(book, cover_sheet, model, reading, inputs)
    notes_layout = notes.write_head(book, notes_sheet, model, checksum)
    # Sheets that summarise others (Dashboard, Checks) read the values the other
    # sheets wrote under defined names, so they are written after them.
    for report, sheet in sorted(report_sheets, key=lambda entry: entry[0].SUMMARISES_OTHERS):
        report.write(book, sheet, model)
    for spec, sheet in data_sheets.items():
        first, last = data_tables.write(book, sheet, model, spec)
        if spec is data_tables.YEAR_LIST:
            cover.restrict_year(cover_sheet, year_row, (
                f"={quote_sheet_name(spec.sheet_name)}!"
                f"{xl_rowcol_to_cell(first, 0, True, True)}:{xl_rowcol_to_cell(last, 0, True, True)}"))
    # The Notes list every defined name, so they are finished last.
    notes.finish(notes_layout)
    # What is the tool's, listed before the analyst's own work is put back after it.
    for name, value in parts_properties([sheet.get_name() for sheet in book.workbook.worksheets()],
                                        [name for name, _ in defined_names(book.workbook)]).items():
        book.workbook.set_custom_property(name, value)
    book.workbook.set_custom_property(CHARTS_PROPERTY, charts_property(
        {sheet.get_name(): len(sheet.charts) for sheet in book.workbook.worksheets()}))
    if model.data.partial_years:
        book.workbook.set_custom_property(PARTIAL_YEARS_PROPERTY, partial_years_property(model.data.partial_years))
    own_sheets.write_own(book, own or OwnContent())
    # The marks by which build, extract and diff know their own workbooks, and an edited one.
    written = fingerprint(model_inputs(model), model_settings(model), book.formula_counts())
    for name, value in made_by_properties(written).items():
        book.workbook.set_custom_property(name, value)
    book.close()


def model_inputs(model: SnapshotModel) -> dict[str, pd.DataFrame]:
    """The input tables as the workbook holds them, in the data schema."""
    data = model.data
    frames = {STATES.filename: data.states, CATEGORIES.filename: data.categories, EXPORTS.filename: data.exports,
              IMPORTS.filename: data.imports, PUBLISHED.filename: data.published,
              DESTINATIONS.filename: data.destinations,
              # The workbook holds the tech category's partner rows (see data_tables.PARTNER_EXPORTS).
              PARTNER_EXPORTS.filename: tech_partner_rows(data.partner_exports, model.tech_naics3),
              PARTNER_IMPORTS.filename: tech_partner_rows(data.partner_imports, model.tech_naics3)}
    return {table.data_file.filename: frames[table.data_file.filename]
            for table in register.INPUT_TABLES if table.data_file is not None}


def model_settings(model: SnapshotModel) -> dict[str, object]:
    """The settings as the workbook holds them, by their names in settings.csv; the edition only
    where it is an input, not the formula that follows the snapshot year."""
    settings = {setting.setting: getattr(model, setting.model_attribute) for setting in register.SETTINGS}
    return {name: value for name, value in settings.items() if value is not None}
