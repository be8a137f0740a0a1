"""``tech-trade extract``: take an edited workbook's inputs back as data files.

Reads the input tables and settings of a workbook the tool made (after edits in
Excel or LibreOffice), checks them exactly as ``build`` checks ``data/``, and only
then writes them into the output folder, so a refused workbook writes nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from workbook.dataset.data_files import write_data_file
from workbook.errors import InputError, TechTradeError, WouldLoseError
from workbook.reading.inputs import (PARTIAL_YEARS_PROPERTY, WorkbookInputs, input_tables, partial_years_from_property,
                                     read_inputs)
from workbook.dataset.load import load_dataset
from workbook.reading.own import OWN_FOLDER, load_own, write_own
from workbook.dataset.schema import PARTIAL_YEARS, PARTNER_EXPORTS, PARTNER_IMPORTS, SETTINGS
from workbook.paths import make_folder


def extract_workbook(path: Path, out_dir: Path, allow_loss: bool = False) -> list[Path]:
    """Write the inputs of ``path``, and the analyst's own work in it, into ``out_dir``.

    Own sheets holding what data files cannot carry (charts, pictures, pivot tables, form
    controls) stop it before anything is written, unless ``allow_loss``; then each loss is
    still said on standard error.
    """
    return write_extracted(read_own_workbook(path), out_dir, allow_loss)


def write_extracted(inputs: WorkbookInputs, out_dir: Path, allow_loss: bool = False) -> list[Path]:
    """What ``extract_workbook`` writes, from inputs already read (and known to be the tool's own)."""
    path = inputs.path
    if inputs.own.losses and not allow_loss:
        raise WouldLoseError(inputs.own.losses)
    for loss in inputs.own.losses:
        print(f"tech-trade: not carried: {loss}", file=sys.stderr)
    out_dir = Path(out_dir)
    make_folder(out_dir, "--out")
    with tempfile.TemporaryDirectory(prefix=".tech-trade-extract-", dir=out_dir) as staging_name:
        staging = Path(staging_name)
        staged = [write_data_file(inputs.frames[spec.schema.filename], spec.schema, staging)
                  for spec in input_tables()]
        settings = pd.DataFrame({"setting": list(inputs.settings), "value": list(inputs.settings.values())})
        staged.append(write_data_file(settings, SETTINGS, staging))
        partial_years = partial_years_from_property(inputs.properties.get(PARTIAL_YEARS_PROPERTY))
        if partial_years:
            staged.append(write_data_file(pd.DataFrame({"year": list(partial_years),
                                                        "through_month": list(partial_years.values())}),
                                          PARTIAL_YEARS, staging))
        if inputs.own:
            write_own(inputs.own, staging)
        try:
            load_dataset(staging)
            load_own(staging)
        except InputError as error:
            raise TechTradeError(
                f"{path}: {_table_of(Path(error.file).name)} does not pass the data checks, so nothing was written: "
                f"{str(error).replace(str(staging) + os.sep, '')}") from None
        written: list[Path] = []
        for file in staged:
            os.replace(file, out_dir / file.name)
            written.append(out_dir / file.name)
        if not partial_years:
            # Every year of the Census files just written is whole: an earlier list of partial years is stale.
            (out_dir / PARTIAL_YEARS.filename).unlink(missing_ok=True)

        # The own folder is replaced whole: what the analyst removed from the workbook stays removed.
        own_folder = out_dir / OWN_FOLDER
        if own_folder.exists():
            shutil.rmtree(own_folder)
        if inputs.own:
            os.replace(staging / OWN_FOLDER, own_folder)
            written += sorted(own_folder.iterdir())
    return written


def partial_files_note(path: Path, written: list[Path]) -> str | None:
    """What the data files written from ``path`` cannot carry back whole, said in one line: the workbook
    holds the partner rows of the tech category alone (see ``data_tables.PARTNER_EXPORTS``), so the
    partner files extracted from it hold those, not the other categories' rows of the data it was built from."""
    partner_files = [file for file in written if file.name in (PARTNER_EXPORTS.filename, PARTNER_IMPORTS.filename)]
    if not partner_files:
        return None
    return (f"{' and '.join(str(file) for file in partner_files)} hold the tech category's partner rows alone, "
            f"as {path} does: the other categories' partner rows are not in the workbook; copy them from the "
            "data it was built from to keep them")


def _table_of(filename: str) -> str:
    """The workbook table a data file is extracted from, to name it in a message."""
    tables = {spec.schema.filename: spec.table for spec in input_tables()}
    if filename in tables:
        return f"the {tables[filename]} table"
    return "the settings (Cover and Notes)" if filename == SETTINGS.filename else "the analyst's own sheets and notes"


def read_own_workbook(path: Path) -> WorkbookInputs:
    """The inputs of ``path``, refusing a workbook the tool did not make."""
    return own_inputs(read_inputs(path))


def own_inputs(inputs: WorkbookInputs) -> WorkbookInputs:
    """``inputs``, refused unless the workbook they were read from is one the tool made."""
    path = inputs.path
    if not inputs.made_by_tool:
        raise TechTradeError(f"{path}: not a workbook tech-trade made (it has no tech-trade document properties); "
                             "extract and diff read only the tool's own workbooks")
    return inputs
