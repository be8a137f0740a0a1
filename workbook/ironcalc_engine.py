"""Recalculate a workbook in IronCalc, a spreadsheet engine that follows Excel's rules.

LibreOffice differs from Excel where it matters to a formula's result: TRUE=1 holds in
LibreOffice and not in Excel, and a function given a range where it expects one value reads
one cell in Excel (implicit intersection). IronCalc (PyPI ``ironcalc``, a Rust engine, no
LibreOffice needed) follows Excel, so a formula it computes differently from its cached
value is one that Excel may show differently too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.errors import MissingToolError

if TYPE_CHECKING:
    import ironcalc

#: The version the workbook's formulas are measured with (pyproject.toml pins it).
IRONCALC_VERSION = "0.9.1"
INSTALL_HINT = f"pip install ironcalc=={IRONCALC_VERSION}"

#: Values read as an en-US Excel reads them; the workbook holds no dates that a zone would move.
_LOCALE, _TIME_ZONE = "en", "UTC"


class IronCalcError(Exception):
    """IronCalc could not open or recalculate the workbook: its message, as one line."""


@dataclass(frozen=True)
class EngineValue:
    """A cell's value after recalculation: a number, text, a boolean, None for an empty cell, or
    an error's text (``#DIV/0!``) when ``error``."""

    value: float | str | bool | None
    error: bool = False


class IronCalcWorkbook:
    """A workbook loaded into IronCalc and recalculated; its values by sheet title, row and column (from 1)."""

    def __init__(self, model: ironcalc.Model, sheet_indexes: dict[str, int]) -> None:
        self._model = model
        self._sheet_indexes = sheet_indexes

    @property
    def sheet_titles(self) -> list[str]:
        return list(self._sheet_indexes)

    def value(self, sheet: str, row: int, column: int) -> EngineValue:
        import ironcalc

        index = self._sheet_indexes[sheet]
        value = self._model.get_cell_value(index, row, column)
        is_error = self._model.get_cell_type(index, row, column) == ironcalc.CellType.ErrorValue
        return EngineValue(value, error=is_error and isinstance(value, str))


def require_ironcalc() -> None:
    """Raise MissingToolError, saying how to install it, when IronCalc cannot be imported."""
    try:
        import ironcalc  # noqa: F401
    except ImportError:
        raise MissingToolError(f"IronCalc is not installed: {INSTALL_HINT}") from None


def recalculate(path: Path) -> IronCalcWorkbook:
    """Load ``path`` into IronCalc and recalculate every formula."""
    require_ironcalc()
    import ironcalc

    try:
        model = ironcalc.load_from_xlsx(str(path), _LOCALE, _TIME_ZONE)
        model.evaluate()
        sheets = [properties.get("name", "") for properties in model.get_worksheets_properties()]
    except ironcalc.WorkbookError as error:
        raise IronCalcError(_one_line(error)) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a panic inside the engine reaches Python as a BaseException
        raise IronCalcError(f"{type(error).__name__}: {_one_line(error)}") from None
    return IronCalcWorkbook(model, {title: index for index, title in enumerate(sheets)})


def version() -> str:
    import ironcalc

    return ironcalc.__version__


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or "no message"
