"""The yearly routine's last step: ``diff`` of last year's workbook and this year's lists what
Census revised in earlier years, beside the year that was added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from helpers import DATA, build_workbook, run_cli

OREGON_2020_AS_FIRST_PUBLISHED = 12_200_000_000


def last_years_data(folder: Path) -> Path:
    """data/ as it stood a year ago: no 2025 yet, and Oregon's 2020 tech exports before Census revised them."""
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    for name in ("census_exports.csv", "census_imports.csv"):
        frame = pd.read_csv(folder / name, dtype={"state_code": str}, keep_default_na=False)
        frame = frame[frame["year"] != 2025]
        if name == "census_exports.csv":
            oregon = (frame["year"] == 2020) & (frame["state_code"] == "OR") & (frame["naics3"] == 334)
            assert oregon.sum() == 1
            frame.loc[oregon, "value_usd"] = OREGON_2020_AS_FIRST_PUBLISHED
        frame.to_csv(folder / name, index=False, lineterminator="\n")
    return folder


def test_diff_of_two_editions_lists_the_revised_earlier_figure_and_the_added_year(tmp_path: Path):
    last_year = build_workbook(tmp_path / "last.xlsx", 2020, last_years_data(tmp_path / "last-data"))
    this_year = build_workbook(tmp_path / "this.xlsx", 2020)
    result = run_cli("diff", last_year, this_year)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    oregon = pd.read_csv(DATA / "census_exports.csv").query("year == 2020 and state_code == 'OR' and naics3 == 334")
    revised = [line for line in lines if " 2020 " in line]
    assert len(revised) == 1
    assert revised[0].endswith(f": CensusExports 2020 OR 334 value_usd: {OREGON_2020_AS_FIRST_PUBLISHED} -> "
                               f"{int(oregon['value_usd'].iloc[0])}")
    # Every other line is the year added: nothing else changed.
    others = [line for line in lines if line not in revised]
    assert others and all(" 2025 " in line or "2025" in line.split(": ")[-1] for line in others), others[:5]
