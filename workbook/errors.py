"""The errors the tool reports to its user as one line, with exit status 2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Exit statuses, documented in README.
EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1
EXIT_USAGE_OR_INPUT = 2
#: ``extract`` found the analyst's work that cannot be carried (a chart on an own sheet) and wrote nothing.
EXIT_WOULD_LOSE = 3
#: Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal's number, as shells report it.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
#: Standard output (or error) closed before the command was done (``tech-trade … | head -1``):
#: 128 + SIGPIPE, the status a shell shows for a program stopped by a pipe nobody reads.
EXIT_OUTPUT_CLOSED = 141


class TechTradeError(Exception):
    """An error the user can act on; its text is the whole message."""


class MissingToolError(TechTradeError):
    """An external program the command needs (LibreOffice, the validator) is not installed."""


class FormatLimitError(TechTradeError):
    """Something the workbook would hold breaks a limit of the .xlsx format (a sheet name,
    a cell's text, the rows of a sheet, a defined name); raised before it is written."""


class WouldLoseError(TechTradeError):
    """Taking a workbook's edits back would drop some of the analyst's work (listed, one line each)."""

    def __init__(self, losses: list[str]) -> None:
        self.losses = losses
        super().__init__("\n".join(losses))
class UndefinedReferenceError(TechTradeError):
    """A formula names a table, a column of a table or a defined name that the workbook being
    written does not define; raised before the file is written, naming the formula and its cell."""


class UnportableFormulaError(TechTradeError):
    """A formula breaks one of Excel's rules, or reads differently in Excel (or an engine that
    follows Excel's rules) than in LibreOffice; raised before the file is written, naming the
    formula, its cell and the rule (workbook/writing/excel_rules.py)."""


class UnsafeWorkbookError(TechTradeError):
    """A file given to read back is not a workbook the tool will open: damaged, too big,
    hostile (a zip bomb, XML entities), or carrying macros, encryption or external links."""


@dataclass
class InputError(TechTradeError):
    """A value in an input file that breaks the file's schema.

    ``row`` is the line number in the file as a text editor shows it (the header is
    line 1), so the user can go straight to it.
    """

    file: Path | str
    expected: str
    row: int | None = None
    column: str | None = None
    value: object = None
    #: Where in a file that is not a table the value stands (a sheet and cell of a kept own sheet).
    place: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.place is not None:
            where.append(self.place)
        found = "" if self.value is None else f"{_shorten(self.value)!r}: "
        return one_line(f"{', '.join(where)}: {found}{self.expected}")


#: Characters that break a line, in a terminal or in a log, as the escapes that show them.
_LINE_BREAKS = {ord(character): repr(character)[1:-1]
                for character in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: object) -> str:
    """``text`` as one line: a line break in a file name, a column or a value is shown escaped."""
    return str(text).translate(_LINE_BREAKS)


def _shorten(value: object, limit: int = 60) -> object:
    """Keep a message one readable line even when the bad value is huge."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}… ({len(value):,} characters)"
    return value
