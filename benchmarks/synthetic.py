"""Synthetic data folders shaped like ``data/``, at a multiple of its Census rows.

The real data has 10 years and 32 NAICS-3 categories for 53 state codes, about
16,400 rows per Census file. A larger size adds earlier years (up to 30) and more
categories (finer product categories, as NAICS-4/6 would give, kept to the
schema's 3-digit codes: products below 900, special provisions from 900). Every
value is a real one: a new category repeats a real category of the same kind
times a fixed factor, an earlier year repeats a real year shrunk by 3% a year,
and rows missing in the real data stay missing. So the loader accepts the folder
as it accepts ``data/``, and the workbook's figures have the real data's spread.

Run on its own to write a folder: ``python3 benchmarks/synthetic.py 10 /tmp/data10``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
#: The data's own last year: earlier years are added before the real first year.
REAL_YEARS = 10
MAX_YEARS = 30
FIRST_SPECIAL_CODE = 900
#: 3-digit codes: 100 to 999.
MAX_CATEGORIES = 900
#: Each year before the real ones is this much smaller than the year after it.
YEARLY_SHRINK = 0.97
SEED = 20_260_101


@dataclass(frozen=True)
class Shape:
    """How a synthetic folder is made: the years and categories of its Census tables."""

    factor: float
    years: int
    categories: int

    @property
    def label(self) -> str:
        return f"{self.factor:g}x"


def shape_for(factor: float) -> Shape:
    """Years and categories that give about ``factor`` times the real Census rows.

    Years grow first (10, 20, 30: the tables widen, as a longer history does), then
    categories make up the rest (the tables lengthen, as finer categories do).
    """
    real_categories = len(pd.read_csv(DATA / "categories.csv"))
    years = REAL_YEARS if factor < 3 else 2 * REAL_YEARS if factor < 20 else MAX_YEARS
    categories = max(real_categories, round(real_categories * factor * REAL_YEARS / years))
    if categories > MAX_CATEGORIES:
        raise ValueError(f"{factor}x needs {categories} categories; 3-digit codes allow at most 900")
    return Shape(factor, years, categories)


def describe(folder: Path, factor: float | str = "real") -> dict:
    """What a data folder holds: its years, categories, states and rows per Census file."""
    exports = pd.read_csv(folder / "census_exports.csv", usecols=["year"])
    return {"factor": factor, "years": int(exports["year"].nunique()),
            "categories": len(pd.read_csv(folder / "categories.csv")),
            "states": len(pd.read_csv(folder / "states.csv")),
            "census_exports_rows": len(exports),
            "census_imports_rows": len(pd.read_csv(folder / "census_imports.csv", usecols=["year"]))}


def write_folder(shape: Shape, folder: Path) -> dict:
    """Write a data folder of ``shape`` to ``folder``; return what it holds (rows per file and so on)."""
    folder.mkdir(parents=True, exist_ok=True)
    # The partner files are national, by category and country: they keep their real size at every
    # multiple (their categories are real ones, which every synthetic categories.csv keeps).
    for name in ("states.csv", "published_figures.csv", "destinations.csv", "partner_exports.csv",
                 "partner_imports.csv"):
        shutil.copyfile(DATA / name, folder / name)
    rng = np.random.default_rng(SEED)
    categories, sources, factors = _categories(shape, rng)
    categories.to_csv(folder / "categories.csv", index=False)
    for name in ("census_exports.csv", "census_imports.csv"):
        _trade(pd.read_csv(DATA / name), shape, sources, factors).to_csv(folder / name, index=False)
    return describe(folder, shape.factor)


def _categories(shape: Shape, rng: np.random.Generator) -> tuple[pd.DataFrame, dict[int, int], dict[int, float]]:
    """categories.csv with the real categories and new ones, each new one's source and factor."""
    real = pd.read_csv(DATA / "categories.csv")
    extra = shape.categories - len(real)
    taken = set(real["naics3"])
    special_share = (real["kind"] == "special").mean()
    free_special = [code for code in range(FIRST_SPECIAL_CODE, 1000) if code not in taken]
    free_product = [code for code in range(100, FIRST_SPECIAL_CODE) if code not in taken]
    n_special = min(len(free_special), round(extra * special_share))
    n_product = extra - n_special
    if n_product > len(free_product):
        raise ValueError(f"{shape.categories} categories do not fit the 3-digit codes")
    # Spread the new codes over the free ones, as finer categories would sit between the real ones.
    new_codes = ([free_product[i] for i in np.linspace(0, len(free_product) - 1, n_product).round().astype(int)]
                 if n_product else [])
    new_codes += free_special[:n_special]
    by_kind = {kind: real.loc[real["kind"] == kind, "naics3"].tolist() for kind in ("product", "special")}
    sources, factors, rows = {}, {}, []
    for index, code in enumerate(sorted(new_codes)):
        kind = "special" if code >= FIRST_SPECIAL_CODE else "product"
        source = by_kind[kind][index % len(by_kind[kind])]
        sources[code] = source
        factors[code] = float(rng.uniform(0.05, 1.5))
        rows.append({"naics3": code, "label": f"Synthetic category {code} (like {source})", "kind": kind})
    categories = pd.concat([real, pd.DataFrame(rows, columns=real.columns)], ignore_index=True)
    return categories.sort_values("naics3", kind="stable"), sources, factors


def _trade(real: pd.DataFrame, shape: Shape, sources: dict[int, int], factors: dict[int, float]) -> pd.DataFrame:
    first_real, last_real = int(real["year"].min()), int(real["year"].max())
    frames = [real]
    for code, source in sources.items():
        copy = real[real["naics3"] == source].copy()
        copy["naics3"] = code
        copy["value_usd"] = (copy["value_usd"] * factors[code]).round()
        frames.append(copy)
    years = pd.concat(frames, ignore_index=True)
    history = [years]
    for back in range(1, shape.years - REAL_YEARS + 1):
        year = first_real - back
        source_year = last_real - (back - 1) % REAL_YEARS
        copy = years[years["year"] == source_year].copy()
        copy["year"] = year
        copy["value_usd"] = (copy["value_usd"] * YEARLY_SHRINK ** (source_year - year)).round()
        history.append(copy)
    trade = pd.concat(history, ignore_index=True)
    trade["value_usd"] = trade["value_usd"].astype("int64")
    return trade.sort_values(["year", "state_code", "naics3"], kind="stable").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("factor", type=float, help="multiple of the real Census rows, e.g. 10")
    parser.add_argument("folder", type=Path, help="the data folder to write")
    args = parser.parse_args(argv)
    print(json.dumps(write_folder(shape_for(args.factor), args.folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
