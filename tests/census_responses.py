"""International Trade API responses made from the shared Census tables, as the API writes them:
a JSON array whose first row is the header, every value a string, one record a line."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pandas as pd

from helpers import SHARED

#: The shared Census data beside the repository; TECH_TRADE_SHARED names the shared folder where it lies elsewhere.
CENSUS = Path(os.environ.get("TECH_TRADE_SHARED", SHARED)) / "data" / "census"
STATE_FILES = {"exports": CENSUS / "state_exports_by_naics3_2016_2025.csv",
               "imports": CENSUS / "state_imports_by_naics3_2016_2025.csv"}
PARTNER_FILES = {"exports": CENSUS / "us_exports_by_naics3_country_2020_2025.csv",
                 "imports": CENSUS / "us_imports_by_naics3_country_2020_2025.csv"}
USA_TRADE_ONLINE = {"exports": CENSUS / "usa-trade-online" / "State Exports by NAICS Commodities.csv",
                    "imports": CENSUS / "usa-trade-online" / "State Imports by NAICS Commodities.csv"}
VALUE = {"exports": "ALL_VAL_YR", "imports": "GEN_VAL_YR"}


@cache
def shared_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"state_code": str, "country": str}, keep_default_na=False)


def as_api_writes_it(records: list[list[str]]) -> bytes:
    return ("[" + ",\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "]").encode("utf-8")


def state_response(flow: str, year: int, month: int = 12) -> bytes:
    """``timeseries/intltrade/FLOW/statenaics?get=STATE,NAICS,NAICS_LDESC,VALUE&COMM_LVL=NA3&CTY_CODE=-&time=YEAR-MM``."""
    table = shared_table(STATE_FILES[flow])
    rows = table[table["year"] == year]
    header = ["STATE", "NAICS", "NAICS_LDESC", VALUE[flow], "COMM_LVL", "CTY_CODE", "time"]
    records = [[row.state_code, str(row.naics3), row.naics3_label, str(getattr(row, f"{flow}_usd")), "NA3", "-",
                f"{year}-{month:02d}"] for row in rows.itertuples()]
    return as_api_writes_it([header, *records])


@cache
def country_codes() -> dict[str, str]:
    """A four-digit code for each country (the API's CTY_CODE); made up, as only their form matters here."""
    names = sorted(set(shared_table(PARTNER_FILES["exports"])["country"])
                   | set(shared_table(PARTNER_FILES["imports"])["country"]))
    return {name: str(1000 + index) for index, name in enumerate(names)}


def partner_response(flow: str, year: int, naics3: int = 334) -> bytes:
    """``timeseries/intltrade/FLOW/naics?get=CTY_CODE,CTY_NAME,NAICS_LDESC,VALUE&NAICS=334&COMM_LVL=NA3&time=YEAR-12``,
    with the total for all countries (``-``) and a grouping of countries, as the API gives them, the predicates'
    values after the variables'."""
    table = shared_table(PARTNER_FILES[flow])
    rows = table[(table["year"] == year) & (table["naics3"] == naics3)]
    value = f"{flow}_usd"
    header = ["CTY_CODE", "CTY_NAME", "NAICS_LDESC", VALUE[flow], "NAICS", "COMM_LVL", "time"]
    label = rows["naics3_label"].iloc[0]
    tail = [str(naics3), "NA3", f"{year}-12"]
    records = [["-", "TOTAL FOR ALL COUNTRIES", label, str(int(rows[value].sum())), *tail],
               ["0003", "EUROPEAN UNION", label, "1", *tail]]
    # The API writes country names in capitals ("KOREA, SOUTH").
    records += [[country_codes()[row.country], row.country.upper(), label, str(getattr(row, value)), *tail]
                for row in rows.itertuples()]
    return as_api_writes_it([header, *records])


def write_state_responses(folder: Path, years=range(2016, 2026)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for flow in ("exports", "imports"):
        for year in years:
            path = folder / f"{flow}-statenaics-{year}-12.json"
            path.write_bytes(state_response(flow, year))
            paths.append(path)
    return paths
