"""Recalculate a workbook in IronCalc, a spreadsheet engine that follows Excel's rules.

LibreOffice differs from Excel where it matters to a formula's result: TRUE=1 holds in
LibreOffice and not in Excel, and a function given a range where it expects one value reads
one cell in Excel (implicit intersection). IronCalc (PyPI ``ironcalc``, a Rust engine, no
LibreOffice needed) follows Excel, so a formula it computes differently from its cached
value is one that Excel may show differently too.

IronCalc runs in a process of its own, as LibreOffice does: it holds Python's lock while it
works, so in this process it would keep ``check`` from reading the workbook meanwhile; and a
fault inside the native engine then ends that process, not the check. The child prints the
values of every formula cell (and of every cell of the sheets asked for whole) as JSON.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbook.engines.child import output_within, stop
from workbook.errors import MissingToolError

#: The version the workbook's formulas are measured with (pyproject.toml pins it).
IRONCALC_VERSION = "0.9.1"
INSTALL_HINT = f"pip install ironcalc=={IRONCALC_VERSION}"

#: Seconds a recalculation may take before it is abandoned (the 10x workbook takes about 4).
RECALCULATION_TIMEOUT = 300

#: Values read as an en-US Excel reads them; the workbook holds no dates that a zone would move.
_LOCALE, _TIME_ZONE = "en", "UTC"

#: The folder that holds the ``workbook`` package, for the child process to import it from.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]

Value = float | str | bool | None


class IronCalcError(Exception):
    """IronCalc could not open or recalculate the workbook: its message, as one line."""


@dataclass(frozen=True)
class EngineValue:
    """A cell's value after recalculation: a number, text, a boolean, None for an empty cell, or
    an error's text (``#DIV/0!``) when ``error``."""

    value: Value
    error: bool = False


class IronCalcWorkbook:
    """The values IronCalc computed, by sheet title, row and column (from 1): every formula cell,
    and every cell of the sheets asked for whole; any other cell reads as empty."""

    def __init__(self, sheet_titles: Sequence[str], cells: dict[tuple[str, int, int], EngineValue]) -> None:
        self.sheet_titles = list(sheet_titles)
        self._cells = cells

    def value(self, sheet: str, row: int, column: int) -> EngineValue:
        return self._cells.get((sheet, row, column), EngineValue(None))


def require_ironcalc() -> None:
    """Raise MissingToolError, saying how to install it, when IronCalc cannot be imported."""
    try:
        import ironcalc  # noqa: F401
    except ImportError:
        raise MissingToolError(f"IronCalc is not installed: {INSTALL_HINT}") from None


def recalculate(path: Path, whole_sheets: Sequence[str] = ()) -> IronCalcWorkbook:
    """Recalculate every formula of ``path`` in IronCalc and return the values."""
    with recalculation_started(path, whole_sheets) as result:
        return result()


@contextlib.contextmanager
def recalculation_started(path: Path, whole_sheets: Sequence[str] = ()) -> Iterator[Callable[[], IronCalcWorkbook]]:
    """Start recalculating ``path`` in a child process; yield what waits for its values.

    The child is stopped if the block is left before its result was taken.
    """
    require_ironcalc()
    environment = {**os.environ,
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook.engines.ironcalc", str(Path(path).resolve()), *whole_sheets],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        errors="replace", env=environment)

    def result() -> IronCalcWorkbook:
        finished = output_within(process, RECALCULATION_TIMEOUT)
        if finished is None:
            raise IronCalcError(f"it took more than {RECALCULATION_TIMEOUT} s; stopped it")
        output, errors = finished
        if process.returncode != 0:
            lines = [line.strip() for line in errors.splitlines() if line.strip()]
            raise IronCalcError(lines[-1] if lines else f"exit status {process.returncode}")
        return _parse(output)

    try:
        yield result
    finally:
        stop(process)


def _parse(output: str) -> IronCalcWorkbook:
    try:
        answer = json.loads(output)
        titles = [str(title) for title in answer["sheets"]]
        cells = {(titles[sheet], int(row), int(column)): EngineValue(value, bool(error))
                 for sheet, row, column, value, error in answer["cells"]}
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise IronCalcError(f"its answer could not be read ({error})") from None
    return IronCalcWorkbook(titles, cells)


def _values(path: str, whole_sheets: Sequence[str]) -> dict[str, object]:
    """In the child: load and recalculate ``path``; every formula cell's value, and every cell of ``whole_sheets``."""
    import ironcalc

    model = ironcalc.load_from_xlsx(path, _LOCALE, _TIME_ZONE)
    model.evaluate()
    titles = [properties.get("name", "") for properties in model.get_worksheets_properties()]
    whole = {index for index, title in enumerate(titles) if title in set(whole_sheets)}
    cells: list[list[object]] = []
    for sheet, row, column in model.get_all_cells():
        if sheet in whole or model.get_cell_formula(sheet, row, column) is not None:
            value = model.get_cell_value(sheet, row, column)
            is_error = model.get_cell_type(sheet, row, column) == ironcalc.CellType.ErrorValue
            cells.append([sheet, row, column, value, is_error and isinstance(value, str)])
    return {"version": ironcalc.__version__, "sheets": titles, "cells": cells}


def _main(arguments: list[str]) -> int:
    try:
        answer = _values(arguments[0], arguments[1:])
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a panic inside the engine reaches Python as a BaseException
        print(f"{type(error).__name__}: {' '.join(str(error).split()) or 'no message'}", file=sys.stderr)
        return 1
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
