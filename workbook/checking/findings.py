"""One finding of ``tech-trade check``, whichever part of the check made it.

Every part reports alike: where (a cell ``States!C5``, a sheet's object
``Dashboard: chart "Chart 1"``, a part of the file and an XPath, or the file itself), what is
wrong, which part of the check found it (and which engines, where a recalculation did), and
whether it is a problem or a note. A line of the
check's output is a finding as :meth:`Finding.__str__` gives it.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from enum import Enum


class FoundBy(Enum):
    """The part of the check that made a finding."""

    #: The formulas against their cached values and the engines' recalculation (and what stops that).
    FORMULAS = "formulas"
    #: The inputs, read as ``extract`` reads them, against the data schema.
    INPUTS = "inputs"
    #: The statuses of the Checks sheet, as recalculated.
    STATUSES = "statuses"
    #: The Office Open XML schema validator.
    SCHEMA = "schema"
    #: Alternative text, tables, titles and contrast.
    ACCESSIBILITY = "accessibility"
    #: The charts the build drew, counted against those the file holds.
    CHARTS = "charts"


#: The parts whose findings a line names first ("schema: ...", "accessibility: ...").
_NAMED = frozenset({FoundBy.SCHEMA, FoundBy.ACCESSIBILITY})


@dataclass(frozen=True)
class Finding:
    """One finding: where it is, what is wrong, which part of the check found it, and its kind."""

    location: str
    message: str
    found_by: FoundBy
    # What a finding is besides, named where it is made: Finding(where, what, FoundBy.SCHEMA, note=True).
    _: KW_ONLY
    #: A known quirk of another program's output, reported but not counted as a problem.
    note: bool = False
    #: The engines whose recalculation shows it, as the message names them; none where no
    #: recalculation is involved.
    engines: tuple[str, ...] = ()

    @property
    def schema(self) -> bool:
        return self.found_by is FoundBy.SCHEMA

    def __str__(self) -> str:
        prefix = f"{self.found_by.value}: " if self.found_by in _NAMED else ""
        return f"{prefix}{self.location}: {self.message}"
