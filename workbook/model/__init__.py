"""Every figure the workbook shows, computed in pandas for the snapshot year.

The writers put these figures in the workbook as the cached values of the formulas
that compute them there, so a reader that never calculates still shows them, and
LibreOffice's recalculation must agree with them (``tech-trade check``).

Each sheet's figures live in a module of their own (``workbook.model.states``, …)
as a function of the :class:`SnapshotModel`; ``model.figures(function)`` computes
them once and shares them with every sheet that shows them (a Dashboard shows
the States sheet's totals, Checks compares them with the published ones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from workbook.dataset.load import Dataset

#: The snapshot the press release describes; the default where neither --year nor settings.csv says.
DEFAULT_YEAR = 2020
#: NAICS 334, "Computer & Electronic Products", is what the snapshot calls tech products.
TECH_NAICS3 = 334
#: The snapshot counts states that exported "more than $1 billion" of tech products.
OVER_THRESHOLD_USD = 1_000_000_000

#: An edition is published the year after the year of its data.
EDITION_AFTER_DATA_YEAR = 1

Figures = TypeVar("Figures")


@dataclass(frozen=True)
class SnapshotModel:
    """The inputs of one build: the data, the snapshot year and the settings (the snapshot year on the Cover, the others on the Notes)."""

    year: int
    data: Dataset
    tech_naics3: int = TECH_NAICS3
    over_threshold_usd: float = OVER_THRESHOLD_USD
    #: The edition settings.csv fixes; None: the edition follows the snapshot year.
    fixed_edition: int | None = None
    #: Each function given to figures() and what it computed.
    _computed: dict[Callable[[SnapshotModel], Any], Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def edition(self) -> int:
        """The edition: "Tech Trade Snapshot 2021" shows the data of 2020, unless settings.csv says otherwise."""
        return self.fixed_edition if self.fixed_edition is not None else self.year + EDITION_AFTER_DATA_YEAR

    @property
    def years(self) -> list[int]:
        return self.data.years

    def figures(self, compute: Callable[[SnapshotModel], Figures]) -> Figures:
        """``compute(self)``, computed once per build."""
        if compute not in self._computed:
            self._computed[compute] = compute(self)
        # Each function's own result is kept under it, so it has the type the function returns.
        return cast(Figures, self._computed[compute])


def build_model(data: Dataset, year: int | None = None) -> SnapshotModel:
    """The model for ``year``, or for the snapshot year of the data's settings.csv, or 2020;
    the edition is the year after, unless settings.csv names it.

    settings.csv (written by ``extract``) carries the settings an analyst chose in a
    workbook, so that a rebuild shows what the edited workbook showed.
    """
    settings = data.settings
    year = year if year is not None else int(settings.get("snapshot_year", DEFAULT_YEAR))
    data.require_year(year)
    return SnapshotModel(year=year, data=data,
                         tech_naics3=int(settings.get("tech_category", TECH_NAICS3)),
                         over_threshold_usd=settings.get("over_threshold_usd", OVER_THRESHOLD_USD),
                         fixed_edition=int(settings["edition"]) if "edition" in settings else None)
