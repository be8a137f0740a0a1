"""Reads a response of the Census International Trade API, saved as it came (JSON).

A response is an array whose first row is the header and whose other rows are records,
every value a string, one record a line::

    [["STATE","NAICS","NAICS_LDESC","ALL_VAL_YR","COMM_LVL","CTY_CODE","time"],
    ["AK","111","Agricultural Products","1105483","NA3","-","2016-12"],
    ...]

The variables asked for (``get=``) come first, then the predicates (``COMM_LVL``,
``CTY_CODE``, ``time``). Two endpoints are read:

- ``timeseries/intltrade/exports/statenaics`` (``ALL_VAL_YR``) and ``…/imports/statenaics``
  (``GEN_VAL_YR``) with ``COMM_LVL=NA3`` and ``CTY_CODE=-`` (all countries): state trade.
- ``timeseries/intltrade/exports/naics`` and ``…/imports/naics`` with ``CTY_CODE`` and
  ``CTY_NAME``: U.S. trade by partner country. The total ``-`` is checked against the sum
  of the countries; groupings of countries (codes starting with 0, or with an X, such as
  the European Union or a continent) are left out.

``time`` is ``YYYY-MM``; the ``_YR`` values are year to date, so ``YYYY-12`` is the calendar
year and any other month a partial year. A row number in a message is the record's place
in the array, the header being row 1: the line, as the API writes one record a line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.errors import InputError
from workbook.dataset.importers.census_tables import (EXPORTS, IMPORTS, MONTHS, PARTNER, STATE, CensusTable,
                                                      check_state_code, tidy_frame, value_column)
from workbook.dataset.load import _read_text
from workbook.dataset.schema import (FIRST_YEAR, LARGEST_AMOUNT_USD, LAST_YEAR, MATCHED_TEXT_LENGTH, Column,
                                     source_format)
from workbook.spreadsheet import CONTROL_CHARACTERS, ERROR_VALUES

if TYPE_CHECKING:
    import pandas as pd

#: The year-to-date value of each flow that the workbook's figures are.
MEASURES = {"ALL_VAL_YR": EXPORTS, "GEN_VAL_YR": IMPORTS}
#: Values an analyst may ask for by mistake, and why each is not the one wanted.
WRONG_MEASURES = {
    "ALL_VAL_MO": "total exports of one month, not year to date",
    "GEN_VAL_MO": "general imports of one month, not year to date",
    "CON_VAL_YR": "imports for consumption",
    "CON_VAL_MO": "imports for consumption of one month",
    "GEN_CIF_YR": "general imports including cost, insurance and freight",
    "CON_CIF_YR": "imports for consumption including cost, insurance and freight",
}
_MEASURES_WANTED = "ALL_VAL_YR (total exports, year to date) or GEN_VAL_YR (general imports, year to date)"
API_LAYOUT = "an International Trade API response"
#: Census's code for trade it could not assign to a state.
UNIDENTIFIED_STATE = "XX"
ALL_COUNTRIES = "-"
NAICS3_LEVEL = "NA3"

_STATE_COLUMNS = ("STATE", "NAICS", "NAICS_LDESC", "COMM_LVL", "CTY_CODE", "time")
_PARTNER_COLUMNS = ("CTY_CODE", "CTY_NAME", "NAICS", "NAICS_LDESC", "time")
_TIME = re.compile(r"(\d{4})-(\d{2})")
_DIGITS = re.compile(r"\d+")
_COUNTRY_CODE = re.compile(r"[1-9]\d{3}")
_CONTROL_CHARACTERS = re.compile(CONTROL_CHARACTERS)

_RESPONSE = source_format("a response of the Census International Trade API (a JSON array whose first row is the "
                          "header)", (Column("STATE", "text"),))


def looks_like_census_api(text: str) -> bool:
    return text.lstrip().startswith("[")


def read_census_api(path: Path, partial_years: bool = False) -> CensusTable:
    """Read and check one saved response; see the module's documentation for what it holds."""
    path = Path(path)
    text = _read_text(path, _RESPONSE)
    records = _records(path, text)
    header = records[0]
    flow, measure = _flow(path, header)
    level = STATE if "STATE" in header else PARTNER
    wanted = _STATE_COLUMNS if level == STATE else _PARTNER_COLUMNS
    for name in wanted:
        if name not in header:
            raise InputError(path, row=1, column=name, expected=(
                f"missing variable (expected {', '.join(wanted[:3])}, {measure}, {', '.join(wanted[3:])})"))
    position = {name: header.index(name) for name in (*wanted, measure, "COMM_LVL") if name in header}
    rows: dict[str, list[object]] = {name: [] for name in ("year", "state_code", "state_name", "naics3", "naics3_label",
                                                   "country", value_column(flow))}
    partial: dict[int, str] = {}
    # A record's key: (year, state, naics3) by state, (year, naics3, country code) by partner.
    seen: dict[tuple[int, str | int, str | int], int] = {}
    world: dict[tuple[int, int], tuple[int, int]] = {}
    countries: dict[tuple[int, int], int] = {}
    for row_number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            raise InputError(path, row=row_number, value=json.dumps(record), expected=(
                f"{len(record)} values, expected {len(header)} ({', '.join(header)})"))
        field = {name: record[index] for name, index in position.items()}
        for name, value in field.items():
            if not isinstance(value, str):
                raise InputError(path, row=row_number, column=name, value=json.dumps(value),
                                 expected="expected a string, as the API writes every value")
            if _CONTROL_CHARACTERS.search(value):
                raise InputError(path, row=row_number, column=name, value=value,
                                 expected="expected text without control characters (a spreadsheet cannot hold them)")
            if value.strip().upper() in ERROR_VALUES:
                raise InputError(path, row=row_number, column=name, value=value, expected=(
                    "expected text, not a spreadsheet error value (a formula showing it would look broken)"))
        year, partial_label = _time(path, row_number, field["time"])
        if partial_label is not None:
            partial[year] = partial_label
        if "COMM_LVL" in field and field["COMM_LVL"] != NAICS3_LEVEL:
            raise InputError(path, row=row_number, column="COMM_LVL", value=field["COMM_LVL"], expected=(
                f"expected {NAICS3_LEVEL} (NAICS 3-digit categories; ask with COMM_LVL={NAICS3_LEVEL})"))
        naics3 = _naics3(path, row_number, field["NAICS"])
        label = field["NAICS_LDESC"].strip()
        if not label:
            raise InputError(path, row=row_number, column="NAICS_LDESC", expected="a value is required")
        value = _amount(path, row_number, measure, field[measure])
        if level == STATE:
            code = field["STATE"].strip()
            if field["CTY_CODE"] != ALL_COUNTRIES:
                raise InputError(path, row=row_number, column="CTY_CODE", value=field["CTY_CODE"], expected=(
                    f"expected {ALL_COUNTRIES} (all countries; ask with CTY_CODE={ALL_COUNTRIES}): a state's trade "
                    "by country is not kept"))
            if code == UNIDENTIFIED_STATE:
                continue
            check_state_code(path, row_number, "STATE", code)
            key: tuple[int, str | int, str | int] = (year, code, naics3)
        else:
            country_code, country = field["CTY_CODE"].strip(), field["CTY_NAME"].strip()
            key = (year, naics3, country_code)
            if country_code == ALL_COUNTRIES:
                world[(year, naics3)] = (value, row_number)
            elif _COUNTRY_CODE.fullmatch(country_code):
                if not country or len(country) > MATCHED_TEXT_LENGTH:
                    raise InputError(path, row=row_number, column="CTY_NAME", value=country, expected=(
                        f"expected a country's name of 1 to {MATCHED_TEXT_LENGTH} characters"))
                countries[(year, naics3)] = countries.get((year, naics3), 0) + value
        if key in seen:
            raise InputError(path, row=row_number, column=",".join(key_columns(level)), value=", ".join(map(str, key)),
                             expected=f"duplicate record: the same {', '.join(key_columns(level))} as row {seen[key]}")
        seen[key] = row_number
        if level == PARTNER and not _COUNTRY_CODE.fullmatch(str(key[2])):
            continue  # The world total (checked below) and groupings of countries.
        if value == 0 or (partial_label is not None and not partial_years):
            continue
        rows["year"].append(year)
        rows["naics3"].append(naics3)
        rows["naics3_label"].append(label)
        rows[value_column(flow)].append(value)
        if level == STATE:
            rows["state_code"].append(key[1])
            rows["state_name"].append(key[1])
        else:
            rows["country"].append(country)
    for (year, naics3), (total, row_number) in world.items():
        summed = countries.get((year, naics3), 0)
        if summed != total:
            raise InputError(path, row=row_number, column=measure, value=str(total), expected=(
                f"the total for all countries differs from the sum of the countries ({summed:,}) by "
                f"{total - summed:+,}: a record is missing or a value was changed"))
    if not seen:
        raise InputError(path, row=2, expected="the response has a header but no records")
    frame = tidy_frame(rows, level, flow)
    if level == STATE:
        frame = _named_states(frame)
    return CensusTable(path=path, flow=flow, level=level, frame=frame, partial=partial, partial_kept=partial_years,
                       layout=API_LAYOUT)


def key_columns(level: str) -> tuple[str, ...]:
    return ("time", "STATE", "NAICS") if level == STATE else ("time", "NAICS", "CTY_CODE")


def _records(path: Path, text: str) -> list[list[Any]]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        cut = text.lstrip().startswith("[") and not text.rstrip().endswith("]")
        raise InputError(path, row=error.lineno, expected=(
            "expected a complete JSON array, but the file ends in the middle of it (the response was cut short: "
            "fetch it again)" if cut else f"expected JSON as the API writes it ({error.msg}, column {error.colno})"
        )) from None
    if not isinstance(records, list) or not records or not all(isinstance(record, list) for record in records):
        raise InputError(path, row=1, expected=(
            "expected a JSON array of rows, the first the header, as the International Trade API answers"))
    if not all(isinstance(name, str) for name in records[0]):
        raise InputError(path, row=1, value=json.dumps(records[0]), expected="expected a header of variable names")
    return records


def _flow(path: Path, header: list[str]) -> tuple[str, str]:
    measures = [name for name in header if name in MEASURES]
    wrong = [name for name in header if name in WRONG_MEASURES]
    if wrong and not measures:
        raise InputError(path, row=1, column=wrong[0], expected=(
            f"a value the workbook does not use ({WRONG_MEASURES[wrong[0]]}): expected {_MEASURES_WANTED}"))
    if len(measures) != 1:
        raise InputError(path, row=1, value=", ".join(header), expected=f"expected one value: {_MEASURES_WANTED}")
    return MEASURES[measures[0]], measures[0]


def _time(path: Path, row: int, text: str) -> tuple[int, str | None]:
    match = _TIME.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise InputError(path, row=row, column="time", value=text,
                         expected="expected a month as YYYY-MM (2025-12 for the calendar year 2025)")
    year, month = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(path, row=row, column="time", value=text,
                         expected=f"expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year, (None if month == 12 else f"{year} through {MONTHS[month - 1]}")


def _naics3(path: Path, row: int, text: str) -> int:
    if not (_DIGITS.fullmatch(text) and len(text) == 3 and text[0] != "0"):
        raise InputError(path, row=row, column="NAICS", value=text, expected="expected a 3-digit NAICS code")
    return int(text)


def _amount(path: Path, row: int, measure: str, text: str) -> int:
    if not _DIGITS.fullmatch(text) or int(text) > LARGEST_AMOUNT_USD:
        raise InputError(path, row=row, column=measure, value=text, expected=(
            f"expected an amount in whole U.S. dollars (at most {LARGEST_AMOUNT_USD:,.0f}), as plain digits"))
    return int(text)


def _named_states(frame: pd.DataFrame) -> pd.DataFrame:
    """The state's name beside its code, as the tidy layout has it (from the ``us`` package)."""
    from workbook.dataset.reference import state_name

    names = {code: state_name(code) or code for code in frame["state_code"].unique()}
    frame["state_name"] = frame["state_code"].map(names).astype(object)
    return frame
