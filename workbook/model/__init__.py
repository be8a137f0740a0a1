"""Every figure the workbook shows, computed in pandas for the snapshot year.

The writers put these figures in the workbook as the cached values of the formulas
that compute them there, so a reader that never calculates still shows them, and
LibreOffice's recalculation must agree with them (``tech-trade check``).
"""

from __future__ import annotations

from dataclasses import dataclass


from workbook.load import Dataset
from workbook.model.states import StateFigures, state_figures

#: NAICS 334, "Computer & Electronic Products", is what the snapshot calls tech products.
TECH_NAICS3 = 334
#: The snapshot counts states that exported "more than $1 billion" of tech products.
OVER_THRESHOLD_USD = 1_000_000_000


@dataclass(frozen=True)
class SnapshotModel:
    year: int
    tech_naics3: int
    over_threshold_usd: float
    data: Dataset
    states: StateFigures

    @property
    def years(self) -> list[int]:
        return self.data.years


def build_model(data: Dataset, year: int, tech_naics3: int = TECH_NAICS3,
                over_threshold_usd: float = OVER_THRESHOLD_USD) -> SnapshotModel:
    data.require_year(year)
    return SnapshotModel(
        year=year,
        tech_naics3=tech_naics3,
        over_threshold_usd=over_threshold_usd,
        data=data,
        states=state_figures(data, year, tech_naics3, over_threshold_usd),
    )


__all__ = ["SnapshotModel", "build_model", "TECH_NAICS3", "OVER_THRESHOLD_USD"]
