"""The quick ways through the build give exactly what the careful ways give.

Each was added for speed at a million rows (see benchmarks/README.md): a loader that
lets pandas' C parser read plain files, a formula writer that skips XlsxWriter's
rewriting where it changes nothing, Census tables pivoted once and kept numeric, and
a fingerprint hashed piece by piece. Here each is held to the plain definition.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from helpers import DATA
from workbook.reading import inputs
from workbook.dataset import load
from workbook.errors import InputError
from workbook.model.census_rows import wide_by_year
from workbook.dataset.schema import DESTINATIONS, EXPORTS, IMPORTS, PARTNER_EXPORTS, PARTNER_IMPORTS, STATES
from workbook.sheets.data_tables import cell_values
from workbook.writing.hooks import _CLASSIC_FUNCTIONS, LimitedWorksheet

HEADER = "year,state_code,naics3,value_usd"


def careful(path: Path, schema=EXPORTS) -> tuple[str, object]:
    """What the loader gives without its plain-file reading: the table and lines, or the error."""
    original = load._read_plain_table
    load._read_plain_table = lambda path, schema: None
    try:
        return "table", load._read_table_lines(path, schema)
    except InputError as error:
        return "error", str(error)
    finally:
        load._read_plain_table = original


def quick(path: Path, schema=EXPORTS) -> tuple[str, object]:
    try:
        return "table", load._read_table_lines(path, schema)
    except InputError as error:
        return "error", str(error)


def assert_same(path: Path, schema=EXPORTS) -> None:
    (kind, got), (expected_kind, expected) = quick(path, schema), careful(path, schema)
    assert kind == expected_kind, (got, expected)
    if kind == "error":
        assert got == expected
        return
    pd.testing.assert_frame_equal(got[0], expected[0], check_exact=True)
    assert list(got[0].dtypes) == list(expected[0].dtypes)
    np.testing.assert_array_equal(got[1], expected[1])
    assert got[1].dtype == expected[1].dtype


def census_file(tmp_path: Path, lines: list[str], ending: str = "\n", prefix: str = "") -> Path:
    path = tmp_path / "census_exports.csv"
    path.write_bytes((prefix + ending.join(lines) + ending).encode("utf-8"))
    return path


BODY = ["2016,AK,111,1105483", "2016,AK,112,433768", "2016,AL,111,0", "2017,AK,111,7"]


@pytest.mark.parametrize("name", ["census_exports.csv", "census_imports.csv"])
def test_the_bundled_census_files_read_as_plain_files_give_the_careful_tables(name: str):
    schema = EXPORTS if name == "census_exports.csv" else IMPORTS
    assert load._read_plain_table(DATA / name, schema) is not None
    assert_same(DATA / name, schema)


@pytest.mark.parametrize("lines, ending, prefix", [
    ([HEADER, *BODY], "\n", ""),
    ([HEADER, *BODY], "\r\n", ""),
    ([HEADER, *BODY], "\n", "\ufeff"),
    ([" naics3 , year,value_usd,state_code"] + [",".join([r.split(",")[2], r.split(",")[0], r.split(",")[3],
                                                          r.split(",")[1]]) for r in BODY], "\n", ""),
    ([HEADER, "2016, AK ,0111,+5", "2016,NA,111, 6 "], "\n", ""),
])
def test_plain_files_give_the_careful_tables(tmp_path: Path, lines, ending, prefix):
    path = census_file(tmp_path, lines, ending, prefix)
    assert load._read_plain_table(path, EXPORTS) is not None
    assert_same(path)


@pytest.mark.parametrize("row", [
    "2016,AK,113,", "2016,AK,113,1.5", "2016,AK,113,nan", "2016,AK,113,inf", "2016,AK,113,-5", "2016,AK,113,1e999",
    "2016,AK,113,2000000000000000", "2016,AK,113,99999999999999999999", "2016,AK,113,1,234", "2016,AK,113",
    '2016,"AK",113,5', "2016,A*,113,5", "2016,#N/A,113,5", "2016,,113,5", "1989,AK,113,5", "2016,ak,111,5",
    "2016,AK,111,5", "2016,A\x01K,113,5", "   ", "",
])
def test_files_with_a_problem_give_the_careful_message(tmp_path: Path, row: str):
    assert_same(census_file(tmp_path, [HEADER, *BODY[:2], row, *BODY[2:]]))


def test_files_past_a_sheet_are_left_to_the_careful_reading(tmp_path: Path):
    path = census_file(tmp_path, [HEADER] + ["2020,AK,334,1"] * (load.MAX_DATA_ROWS + 1))
    assert load._read_plain_table(path, EXPORTS) is None


@pytest.mark.parametrize(("name", "schema"), [("states.csv", STATES), ("partner_exports.csv", PARTNER_EXPORTS),
                                              ("partner_imports.csv", PARTNER_IMPORTS)])
def test_files_with_text_columns_read_as_plain_files_give_the_careful_tables(name: str, schema):
    assert load._read_plain_table(DATA / name, schema) is not None
    assert_same(DATA / name, schema)


PARTNER_HEADER = "year,naics3,country,value_usd"
PARTNER_BODY = ["2020,334,Canada,5", '2020,334,"Korea, South",7', "2021,334,Mexico,9"]


@pytest.mark.parametrize("row", [
    '2020,111,"Bahamas, The",3', '2020,111,"Mexico",3', '2020,111,"Line\nbreak",3', '2020,111,"Say ""hi""",3',
    '2020,111,Say "hi",3', '2020,111, "Spaced",3', '2020,111,"Spaced" ,3', '2020,111,"=Canada",3', "2020,111,*,3",
    '2020,111,"Unclosed,3', "2020,111,,3", "2020,111,#N/A,3", '2020,334,"Canada",4', "2020,334,canada,4",
    "2020,111,Canada,-1", "2020,111,Canada,lots", "2020,111,Canada ,3", "2020,111," + "x" * 101 + ",3",
])
def test_partner_files_with_quoted_or_bad_fields_give_the_careful_table_or_message(tmp_path: Path, row: str):
    path = tmp_path / "partner_exports.csv"
    path.write_text("\n".join([PARTNER_HEADER, *PARTNER_BODY, row]) + "\n", encoding="utf-8")
    assert_same(path, PARTNER_EXPORTS)


@pytest.mark.parametrize("formula", [
    "=SUMIFS(INDEX(CensusExports[[#Data]],0,MATCH((SnapshotYear)&\"\",CensusExports[[#Headers]],0)),"
    "CensusExports[State code],$A15,CensusExports[NAICS3],C$14)",
    "{=SUM(A1:A3)}", "SUM(A1)", '="FILTER(" & A1', "=FILTER(A1:A3,B1:B3)", "=_xlfn.XLOOKUP(A1,B1:B3,C1:C3)",
    "=XLOOKUP(A1,B1:B3,C1:C3)", "=A.DROP(A1)", "=RANK.EQ(A1,A1:A3)", "=CONCAT(A1,B1)", "=STDEV.S(A1:A3)",
    "=ISSINGLE(A1)", "=sum(A1:A2)", '=IF(A1>0,"Yes","No")',
])
@pytest.mark.parametrize("future", [False, True])
def test_formulas_are_prepared_as_xlsxwriter_prepares_them(tmp_path: Path, formula: str, future: bool):
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    ours = workbook.add_worksheet("ours", worksheet_class=LimitedWorksheet)
    theirs = workbook.add_worksheet("theirs")
    for sheet in (ours, theirs):
        sheet.use_future_functions = future
    assert ours._prepare_formula(formula) == Worksheet._prepare_formula(theirs, formula)
    assert ours._prepare_formula(formula, True) == Worksheet._prepare_formula(theirs, formula, True)
    workbook.close()


@pytest.mark.parametrize("name", sorted(_CLASSIC_FUNCTIONS))
def test_each_function_written_as_it_is_is_one_xlsxwriter_leaves_alone(tmp_path: Path, name: str):
    # The quick way passes a formula of these functions through untouched: XlsxWriter must do the same,
    # future functions or not, and nested in another call.
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    theirs = workbook.add_worksheet("theirs")
    theirs.use_future_functions = True
    for formula in (f"{name}(A1)", f"SUM({name}(A1),1)"):
        assert Worksheet._prepare_formula(theirs, "=" + formula, True) == formula
    workbook.close()


@pytest.mark.parametrize("formula", [
    "=SUMIFS(INDEX(CensusExports[[#Data]],0,MATCH((SnapshotYear)&\"\",CensusExports[[#Headers]],0)),"
    "CensusExports[State code],$A15,CensusExports[NAICS3],C$14)",
    "{=SUM(A1:A3)}", "SUM(A1)", "=FILTER(A1:A3,B1:B3)", "=SORT(A1:A3)", '=IF(A1>0,"SORT(","No")', "=X.SORT(A1)",
    "=RANK(A1,A1:A3)", "=LAMBDA(x,x)(1)",
])
def test_formulas_are_stored_as_xlsxwriter_stores_them(tmp_path: Path, formula: str):
    workbook = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    ours = workbook.add_worksheet("ours", worksheet_class=LimitedWorksheet)
    theirs = workbook.add_worksheet("theirs")
    assert ours.write_formula(2, 3, formula, None, 7) == theirs.write_formula(2, 3, formula, None, 7)
    assert ours.table == theirs.table
    assert (ours.dim_rowmin, ours.dim_colmax) == (theirs.dim_rowmin, theirs.dim_colmax)
    workbook.close()


def test_census_tables_are_pivoted_with_a_blank_for_a_year_without_trade():
    trade = pd.DataFrame({"year": [2016, 2017, 2016], "state_code": ["AK", "AK", "AL"], "naics3": [111, 111, 111],
                          "value_usd": [1.0, 2.0, 3.0]})
    wide = wide_by_year(trade)
    assert list(wide.columns) == ["state_code", "naics3", 2016, 2017]
    assert [cell_values(wide[column]) for column in wide.columns] == [["AK", "AL"], [111, 111], [1.0, 3.0], [2.0, None]]


def reference_fingerprint(frames: dict, settings: dict, formula_counts: dict) -> str:
    """The fingerprint as first defined: every value canonical, rows sorted by key, one JSON text."""
    schemas = {spec.schema.filename: spec.schema for spec in inputs.input_tables()}

    def rows(frame, schema):
        listed = [[inputs._canonical(value) for value in row] for row in frame[schema.column_names].itertuples(index=False)]
        positions = [schema.column_names.index(name) for name in schema.key]
        return sorted(listed, key=lambda row: [str(row[i]) for i in positions])

    content = {"tables": {name: rows(frame, schemas[name]) for name, frame in sorted(frames.items())},
               "settings": {name: inputs._canonical(value) for name, value in sorted(settings.items())},
               "formulas": dict(sorted(formula_counts.items()))}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def test_the_fingerprint_is_the_reference_fingerprint(monkeypatch):
    monkeypatch.setattr(inputs, "_JSON_ROWS", 3)
    data = load.load_dataset(DATA)
    destinations = pd.DataFrame({
        "flow": pd.Series(["services", None, "", "products", "products"], dtype=object),
        "country": pd.Series(["Japan", "Ireland", "b\u00e9\"", None, "Canada"], dtype="str"),
        "value_usd": [1.0, float("nan"), -0.0, 0.0, 12345678901234567.0],
    })
    mixed = destinations.assign(value_usd=pd.Series([1, 2.5, True, "7", None], dtype=object))
    frames = {"census_exports.csv": data.exports.head(500), "states.csv": data.states,
              DESTINATIONS.filename: destinations}
    for tables in (frames, {DESTINATIONS.filename: mixed}, {DESTINATIONS.filename: destinations.iloc[:0]}, {}):
        for settings, counts in (({"snapshot_year": 2020, "over_threshold_usd": 1e9}, {"States": 700, "Cover": 3}),
                                 ({}, {})):
            assert inputs.fingerprint(tables, settings, counts) == reference_fingerprint(tables, settings, counts)


def test_the_years_of_the_data_are_plain_numbers():
    years = load.load_dataset(DATA).years
    assert years == list(range(2016, 2026)) and all(type(year) is int for year in years)


def test_a_build_reads_formulas_with_openpyxls_tokenizer_and_imports_nothing_else_of_openpyxl(tmp_path: Path):
    # The tokenizer is loaded by itself (workbook/writing/excel_rules.py); openpyxl's package would
    # import its whole workbook model into every build.
    script = ("import sys, runpy\n"
              "sys.argv = ['tech-trade', '--quiet', 'build', '--data', sys.argv[1], '--out', sys.argv[2]]\n"
              "try:\n"
              "    runpy.run_module('workbook', run_name='__main__')\n"
              "except SystemExit as end:\n"
              "    assert not end.code, end.code\n"
              "from workbook.writing import excel_rules\n"
              "print(excel_rules.Tokenizer.__module__)\n"
              "print(sorted(name for name in sys.modules if name.split('.')[0] == 'openpyxl'))\n")
    result = subprocess.run([sys.executable, "-c", script, str(DATA), str(tmp_path / "snapshot.xlsx")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tokenizer_module, imported = result.stdout.splitlines()
    assert tokenizer_module == "workbook.writing._openpyxl_tokenizer"
    assert imported == "[]"
    assert (tmp_path / "snapshot.xlsx").exists()


@pytest.mark.parametrize("formula", ['=SUM(A1:B2)*-1%', '=IF(A1>1,"a ""b""",#N/A)', "='My sheet'!A1&T[[#This Row],[C]]",
                                     "={1,2;3,4}", "=A1:INDEX(B:B,3) B2:C3"])
def test_the_tokenizer_loaded_by_itself_reads_as_openpyxls_does(formula: str):
    from openpyxl.formula import Tokenizer as PackagedTokenizer

    from workbook.writing.excel_rules import Tokenizer

    def tokens(tokenizer) -> list[tuple[str, str, str]]:
        return [(token.value, token.type, token.subtype) for token in tokenizer(formula).items]
    assert tokens(Tokenizer) == tokens(PackagedTokenizer)
