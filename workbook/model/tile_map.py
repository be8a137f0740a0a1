"""Figures of the Map sheet: each state's tile, where it sits and what it shows, and the colour scale.

A tile shows the state's tech exports as the States sheet computes them, so its
cached value is the States figure; the scale's three points are the lowest value,
the median and a high percentile of the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbook.errors import InputError
from workbook.dataset.load import FIRST_DATA_LINE
from workbook.model import SnapshotModel
from workbook.model.states import state_figures
from workbook.dataset.schema import STATES

#: The colour scale tops out at this percentile (as the spreadsheet's PERCENTILE takes
#: it), not at the largest value: a few very large exporters would otherwise leave
#: every other tile in the palest colours.
SCALE_TOP_PERCENTILE = 0.9


@dataclass(frozen=True)
class Tile:
    code: str
    #: Position on the map grid, from (0, 0) at the top left.
    row: int
    col: int
    tech_exports: float


@dataclass(frozen=True)
class MapFigures:
    #: One tile per state code, top to bottom, then left to right.
    tiles: tuple[Tile, ...]
    scale_lowest: float
    scale_median: float
    scale_top: float

    @property
    def rows(self) -> int:
        return 1 + max(tile.row for tile in self.tiles)

    @property
    def cols(self) -> int:
        return 1 + max(tile.col for tile in self.tiles)

    def tile(self, code: str) -> Tile:
        return next(tile for tile in self.tiles if tile.code == code)


def map_figures(model: SnapshotModel) -> MapFigures:
    """The Map sheet's figures for the model's snapshot year (``model.figures(map_figures)``)."""
    states = model.data.states
    _check_one_state_per_tile(model)
    tech_exports = model.figures(state_figures).table["tech_exports"]
    tiles = sorted(
        (Tile(code=code, row=int(row), col=int(col), tech_exports=float(tech_exports[code]))
         for code, row, col in zip(states["state_code"], states["tile_row"], states["tile_col"])),
        key=lambda tile: (tile.row, tile.col),
    )
    values = tech_exports.to_numpy(dtype=float)
    return MapFigures(
        tiles=tuple(tiles),
        scale_lowest=float(values.min()),
        scale_median=float(np.median(values)),
        # numpy's default (linear) percentile is the spreadsheet's PERCENTILE (inclusive).
        scale_top=float(np.percentile(values, SCALE_TOP_PERCENTILE * 100)),
    )


def _check_one_state_per_tile(model: SnapshotModel) -> None:
    """Two states on one tile would hide one of them: refuse such data, saying where."""
    states = model.data.states
    seen: dict[tuple[int, int], str] = {}
    for index, (code, row, col) in enumerate(zip(states["state_code"], states["tile_row"], states["tile_col"])):
        position = (int(row), int(col))
        if position in seen:
            raise InputError(model.data.folder / STATES.filename, row=index + FIRST_DATA_LINE, column="tile_col",
                             value=code, expected=(f"a map tile of its own, but {seen[position]} is on the same tile "
                                                   f"(tile_row {position[0]}, tile_col {position[1]})"))
        seen[position] = code
