"""Reads a USA Trade Online CSV download ("State Exports by NAICS Commodities" and its imports twin).

Such a file starts with title lines (the report's name, "Current date: …", "Measures: …"),
then the header ``State, Commodity, Country, Time, <measure>``. States are named ("All
States" for the whole country), commodities are "334 Computer & Electronic Products" with
an "All Commodities" total, countries are named with a "World Total", times are calendar
years ("2025") or a year to date ("2026 through January"), and values are quoted with
thousands separators ("1,429,995,404,019"). Downloads differ in small ways (quoted title
lines, a trailing comma in the header), which are taken as they come.

Totals rows ("All Commodities", "World Total") are checked against the sum of their parts
and left out. "All States" with countries gives U.S. trade by partner country; named states
with "World Total" give state trade.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbook.errors import InputError
from workbook.dataset.importers.census_tables import (EXPORTS, IMPORTS, MONTHS, PARTNER, STATE, CensusTable,
                                                      check_state_code, tidy_frame, value_column)
from workbook.dataset.load import _read_rows
from workbook.dataset.schema import (FIRST_YEAR, LARGEST_AMOUNT_USD, LAST_YEAR, MATCHED_TEXT_LENGTH, Column,
                                     source_format)
from workbook.spreadsheet import CONTROL_CHARACTERS, ERROR_VALUES

HEADER = ("State", "Commodity", "Country", "Time")
ALL_STATES, ALL_COMMODITIES, WORLD_TOTAL = "All States", "All Commodities", "World Total"

#: The measures the workbook's figures are: total exports (domestic + foreign, free alongside
#: ship) and general imports (customs value). Any other is refused, never taken in their place.
MEASURES = {
    "Total Exports Value ($US)": EXPORTS,
    "Customs Value (Gen) ($US)": IMPORTS,
}
#: Measures an analyst may tick by mistake, and why each is not the one wanted.
WRONG_MEASURES = {
    "Customs Value (Cons) ($US)": "imports for consumption",
    "CIF Value (Gen) ($US)": "imports including cost, insurance and freight",
    "CIF Value (Cons) ($US)": "imports for consumption including cost, insurance and freight",
    "Domestic Exports Value ($US)": "domestic exports only",
    "Foreign Exports Value ($US)": "foreign exports (re-exports) only",
}
_MEASURES_WANTED = " or ".join(f"{measure} ({flow})" for measure, flow in MEASURES.items())

#: The rows read, column by column: state, commodity ((naics3, label), None for All Commodities),
#: country, time ((year, None), or (year, "2026 through January")), value and the line they stand on.
_Parsed = dict[str, list[Any]]
#: A row's state, commodity, country and time.
_RowKey = tuple[str, tuple[int, str] | None, str, tuple[int, str | None]]

_COMMODITY = re.compile(r"(\d{3}) (\S.*)")
_YEAR = re.compile(r"\d{4}")
_YEAR_TO_DATE = re.compile(rf"(\d{{4}}) through ({'|'.join(MONTHS)})")
_VALUE = re.compile(r"\d{1,3}(,\d{3})*|\d+")
_CONTROL_CHARACTERS = re.compile(CONTROL_CHARACTERS)

_DOWNLOAD = source_format("a USA Trade Online download (title lines, then the header State, Commodity, Country, Time, "
                          "and the measure)", tuple(Column(name, "text") for name in HEADER))


def looks_like_usa_trade_online(rows: list[list[str]]) -> bool:
    """True where the first records hold the download's header (after its title lines)."""
    return any(_header_at(row) for row in rows[:10])


def _header_at(row: list[str]) -> bool:
    return tuple(field.strip() for field in row[:4]) == HEADER


def read_usa_trade_online(path: Path, partial_years: bool = False) -> CensusTable:
    """Read and check one download; see the module's documentation for what it holds."""
    path = Path(path)
    rows, lines = _read_rows(path, _DOWNLOAD)
    header_index = next((index for index, row in enumerate(rows[:10]) if _header_at(row)), None)
    if header_index is None:
        raise InputError(path, row=lines[0], value=",".join(rows[0]),
                         expected=f"expected the header {', '.join(HEADER)}, <measure> within the first lines")
    header = _without_trailing_empty(rows[header_index])
    header_line = lines[header_index]
    flow, measure = _flow(path, header, header_line, rows[:header_index], lines)

    parsed: _Parsed = {"state": [], "commodity": [], "country": [], "time": [], "value": [], "line": []}
    for row, line in zip(rows[header_index + 1:], lines[header_index + 1:]):
        fields = _without_trailing_empty(row)
        if len(fields) != len(header):
            raise InputError(path, row=line, value=",".join(row),
                             expected=f"{len(fields)} fields, expected {len(header)} ({', '.join(header)})")
        state, commodity, country, time, value = (field.strip() for field in fields)
        for column, text in (("State", state), ("Commodity", commodity), ("Country", country)):
            _check_text(path, line, column, text)
        parsed["state"].append(state)
        parsed["commodity"].append(_commodity(path, line, commodity))
        parsed["country"].append(country)
        parsed["time"].append(_time(path, line, time))
        parsed["value"].append(_amount(path, line, measure, value))
        parsed["line"].append(line)
    if not parsed["line"]:
        raise InputError(path, row=header_line + 1, expected="the download has a header but no data rows")
    _check_unique(path, parsed)
    level = _level(path, parsed)
    _check_totals(path, parsed, level)
    return _table(path, parsed, flow, level, partial_years)


def _without_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end > len(HEADER) + 1 and row[end - 1].strip() == "":
        end -= 1
    return row[:end]


def _flow(path: Path, header: list[str], header_line: int, titles: list[list[str]], lines: list[int]) -> tuple[str, str]:
    """exports or imports, from the header's measure (and the "Measures:" title line, which must agree)."""
    measures = [name.strip() for name in header[len(HEADER):]]
    if len(measures) != 1:
        raise InputError(path, row=header_line, value=", ".join(measures), expected=(
            f"expected one measure after {', '.join(HEADER)}: {_MEASURES_WANTED}"))
    measure = measures[0]
    if measure not in MEASURES:
        why = f" ({WRONG_MEASURES[measure]})" if measure in WRONG_MEASURES else ""
        raise InputError(path, row=header_line, column=measure or "#5", expected=(
            f"a measure the workbook does not use{why}: expected {_MEASURES_WANTED}"))
    for title, line in zip(titles, lines):
        text = ",".join(title).strip(", ")
        if text.startswith("Measures:") and text.removeprefix("Measures:").strip() != measure:
            raise InputError(path, row=line, value=text, expected=(
                f"the title's measure differs from the header's ({measure}): is the file edited by hand?"))
    return MEASURES[measure], measure


def _check_text(path: Path, line: int, column: str, text: str) -> None:
    if text == "":
        raise InputError(path, row=line, column=column, expected="a value is required")
    if _CONTROL_CHARACTERS.search(text):
        raise InputError(path, row=line, column=column, value=text,
                         expected="expected text without control characters (a spreadsheet cannot hold them)")
    if text.upper() in ERROR_VALUES:
        raise InputError(path, row=line, column=column, value=text,
                         expected="expected text, not a spreadsheet error value (a formula showing it would look broken)")
    if len(text) > MATCHED_TEXT_LENGTH:
        raise InputError(path, row=line, column=column, value=text, expected=(
            f"expected at most {MATCHED_TEXT_LENGTH} characters (formulas match this text, and Excel matches "
            "at most 255)"))


def _commodity(path: Path, line: int, text: str) -> tuple[int, str] | None:
    """(naics3, label), or None for the All Commodities total."""
    if text == ALL_COMMODITIES:
        return None
    match = _COMMODITY.fullmatch(text)
    if match is None or not 100 <= int(match[1]) <= 999:
        raise InputError(path, row=line, column="Commodity", value=text, expected=(
            f"expected a NAICS-3 commodity such as \"334 Computer & Electronic Products\", or {ALL_COMMODITIES} "
            "(choose NAICS 3-digit commodities in USA Trade Online)"))
    return int(match[1]), match[2].strip()


def _time(path: Path, line: int, text: str) -> tuple[int, str | None]:
    """(year, None) for a calendar year, (year, "2026 through January") for a year to date."""
    if _YEAR.fullmatch(text):
        year, partial = int(text), None
    elif match := _YEAR_TO_DATE.fullmatch(text):
        year = int(match[1])
        # Year to date through December is the calendar year.
        partial = None if match[2] == "December" else text
    else:
        raise InputError(path, row=line, column="Time", value=text, expected=(
            "expected a calendar year (2025) or a year to date (2026 through January); a month or quarter on its "
            "own is not a year's trade (choose annual or year-to-date figures in USA Trade Online)"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(path, row=line, column="Time", value=text,
                         expected=f"expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year, partial


def _amount(path: Path, line: int, measure: str, text: str) -> int:
    if not _VALUE.fullmatch(text):
        raise InputError(path, row=line, column=measure, value=text, expected=(
            "expected an amount in whole U.S. dollars, as USA Trade Online writes it (1,429,995,404,019)"))
    amount = int(text.replace(",", ""))
    if amount > LARGEST_AMOUNT_USD:
        raise InputError(path, row=line, column=measure, value=text,
                         expected=f"expected an amount in whole U.S. dollars of at most {LARGEST_AMOUNT_USD:,.0f}")
    return amount


def _check_unique(path: Path, parsed: _Parsed) -> None:
    seen: dict[_RowKey, int] = {}
    for index, line in enumerate(parsed["line"]):
        key = (parsed["state"][index].casefold(), parsed["commodity"][index],
               parsed["country"][index].casefold(), parsed["time"][index])
        if key in seen:
            raise InputError(path, row=line, column="State,Commodity,Country,Time", value=_row_name(parsed, index),
                             expected=f"duplicate row: the same state, commodity, country and time as row {seen[key]}")
        seen[key] = line


def _row_name(parsed: _Parsed, index: int) -> str:
    commodity = parsed["commodity"][index]
    year, partial = parsed["time"][index]
    return ", ".join([parsed["state"][index], ALL_COMMODITIES if commodity is None else f"{commodity[0]} {commodity[1]}",
                      parsed["country"][index], partial or str(year)])


def _level(path: Path, parsed: _Parsed) -> str:
    """partner where the file is All States by country; state where it is named states' World Total."""
    states = set(parsed["state"])
    if states == {ALL_STATES}:
        return PARTNER
    for index, country in enumerate(parsed["country"]):
        state = parsed["state"][index]
        if state != ALL_STATES and country != WORLD_TOTAL:
            raise InputError(path, row=parsed["line"][index], column="Country", value=country, expected=(
                f"expected {WORLD_TOTAL} for a named state: the data holds a state's trade with the world, and "
                f"trade by country for {ALL_STATES} only"))
    return STATE


def _check_totals(path: Path, parsed: _Parsed, level: str) -> None:
    """Each total row equals the sum of its parts: All Commodities of the categories, World
    Total of the countries. A mismatch means a part is missing or the file was edited."""
    values: dict[_RowKey, int] = {}
    lines: dict[_RowKey, int] = {}
    for index, line in enumerate(parsed["line"]):
        key = (parsed["state"][index], parsed["commodity"][index], parsed["country"][index], parsed["time"][index])
        values[key], lines[key] = parsed["value"][index], line
    by_category: dict[_RowKey, int] = {}
    by_country: dict[_RowKey, int] = {}
    for (state, commodity, country, time), value in values.items():
        total: _RowKey
        if commodity is not None:
            total = (state, None, country, time)
            by_category[total] = by_category.get(total, 0) + value
        if country != WORLD_TOTAL and level == PARTNER:
            total = (state, commodity, WORLD_TOTAL, time)
            by_country[total] = by_country.get(total, 0) + value
    mismatches: dict[_RowKey, tuple[int, str, str]] = {}
    for sums, parts, column in ((by_category, "categories", "Commodity"), (by_country, "countries", "Country")):
        for key in sums.keys() & values.keys():
            if values[key] != sums[key] and key not in mismatches:
                mismatches[key] = (sums[key], parts, column)
    if not mismatches:
        return
    # An edited total fails twice: against its own parts, and as a part of the total above it.
    # Name that one; a changed category or country row shows only in the totals above it.
    def above(key: _RowKey) -> list[_RowKey]:
        state, commodity, country, time = key
        return [*([(state, None, country, time)] if commodity is not None else []),
                *([(state, commodity, WORLD_TOTAL, time)] if country != WORLD_TOTAL and level == PARTNER else [])]

    ordered = sorted(mismatches, key=lines.__getitem__)
    key = next((key for key in ordered if any(total in mismatches for total in above(key))), ordered[0])
    summed, parts, column = mismatches[key]
    raise InputError(path, row=lines[key], column=column, value=f"{values[key]:,}", expected=(
        f"the total differs from the sum of its {parts} ({summed:,}) by {values[key] - summed:+,}: a row is missing "
        "or a value was changed"))


def _table(path: Path, parsed: _Parsed, flow: str, level: str, partial_years: bool) -> CensusTable:
    import us

    rows: dict[str, list[object]] = {name: [] for name in ("year", "state_code", "state_name", "naics3", "naics3_label",
                                                   "country", value_column(flow))}
    partial: dict[int, str] = {}
    codes: dict[str, str] = {}
    for index, line in enumerate(parsed["line"]):
        commodity, country, state = parsed["commodity"][index], parsed["country"][index], parsed["state"][index]
        year, partial_label = parsed["time"][index]
        if partial_label is not None:
            partial[year] = partial_label
        # Totals were checked; a zero is no trade, which the tidy tables leave out.
        if commodity is None or parsed["value"][index] == 0 or (partial_label is not None and not partial_years):
            continue
        if level == PARTNER:
            if country == WORLD_TOTAL:
                continue
        else:
            if state == ALL_STATES:
                # All States includes trade not assigned to a state: not a state's figure.
                continue
            if state not in codes:
                found = us.states.lookup(state, field="name")
                if found is None:
                    raise InputError(path, row=line, column="State", value=state, expected=(
                        "expected the name of a state, the District of Columbia or a territory as USA Trade Online "
                        "writes it"))
                check_state_code(path, line, "State", found.abbr)
                codes[state] = found.abbr
            rows["state_code"].append(codes[state])
            rows["state_name"].append(state)
        rows["year"].append(year)
        rows["naics3"].append(commodity[0])
        rows["naics3_label"].append(commodity[1])
        rows["country"].append(country)
        rows[value_column(flow)].append(parsed["value"][index])
    full_years = {year for year, partial_label in parsed["time"] if partial_label is None}
    for year in set(partial) & full_years:
        line = parsed["line"][parsed["time"].index((year, partial[year]))]
        raise InputError(path, row=line, column="Time", value=partial[year], expected=(
            f"the file holds both {year} and {partial[year]}: a year is either whole or to date"))
    return CensusTable(path=path, flow=flow, level=level, frame=tidy_frame(rows, level, flow), partial=partial,
                       partial_kept=partial_years, layout="a USA Trade Online download")
