"""What every reader of a Census file gives back: one tidy table of state or partner trade.

Each reader (:mod:`~workbook.dataset.importers.usa_trade_online`, :mod:`~workbook.dataset.importers.census_api`,
the tidy layout in :mod:`~workbook.dataset.importers.census`) checks its file and returns a
:class:`CensusTable`; ``import-census`` then writes the tables into ``data/`` whatever file
they came from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbook.errors import InputError

#: The flows Census reports, and the measure each stands for.
EXPORTS, IMPORTS = "exports", "imports"
#: State trade (by state of origin or destination, all countries) or U.S. trade by partner country.
STATE, PARTNER = "state", "partner"

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def value_column(flow: str) -> str:
    return f"{flow}_usd"


def tidy_columns(level: str, flow: str) -> list[str]:
    """The columns of the tidy layout: the shared Census tables' own."""
    if level == STATE:
        return ["year", "state_code", "state_name", "naics3", "naics3_label", value_column(flow)]
    return ["year", "naics3", "naics3_label", "country", value_column(flow)]


def tidy_key(level: str) -> list[str]:
    return ["year", "state_code", "naics3"] if level == STATE else ["year", "naics3", "country"]


@dataclass
class CensusTable:
    """One file's trade, checked: ``frame`` has :func:`tidy_columns` (year and naics3 whole
    numbers, values whole dollars), sorted by :func:`tidy_key`.

    ``partial`` names each year whose figures cover part of it only ({2026: "2026 through
    January"}): left out of ``frame`` unless the reader was asked to take partial years
    in (then ``frame`` holds them, and ``partial`` says which they are).
    """

    path: Path
    flow: str
    level: str
    frame: pd.DataFrame
    partial: dict[int, str] = field(default_factory=dict)
    #: True where ``frame`` holds the partial years.
    partial_kept: bool = False
    #: What the file is, for messages ("a USA Trade Online download").
    layout: str = ""

    @property
    def what(self) -> str:
        level = "by state" if self.level == STATE else "by partner country"
        return f"{self.flow} {level}"


def tidy_frame(rows: dict[str, list[object]], level: str, flow: str) -> pd.DataFrame:
    """Columns in the tidy layout's order and types, rows sorted by its key."""
    frame = pd.DataFrame({name: rows[name] for name in tidy_columns(level, flow)})
    for name in ("year", "naics3", value_column(flow)):
        frame[name] = frame[name].astype("int64")
    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].astype(object)
    return frame.sort_values(tidy_key(level), kind="stable").reset_index(drop=True)


def check_state_code(path: Path, row: int, column: str, code: str) -> None:
    """A state code the workbook can show: known to the ``us`` package and on the tile-grid map."""
    if code not in _known_state_codes():
        raise InputError(path, row=row, column=column, value=code,
                         expected="not a USPS code of a state, DC or a territory on the map")


@functools.cache
def _known_state_codes() -> frozenset[str]:
    from workbook.dataset.reference import state_name, tile_positions

    return frozenset(code for code in tile_positions() if state_name(code) is not None)
