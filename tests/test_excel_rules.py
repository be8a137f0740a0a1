"""Excel's rules are kept by every formula the tool writes: the writing layer refuses, when the
workbook is closed, a formula that Excel refuses or computes differently from LibreOffice
(workbook/writing/excel_rules.py), with status 2 and one line naming the sheet, the cell and the rule."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet

from helpers import DATA
from workbook.commands import build
from workbook.errors import EXIT_USAGE_OR_INPUT, UnportableFormulaError
from workbook.writing.excel_rules import FUTURE_FUNCTIONS, MAX_NESTING, MAX_TEXT_CONSTANT, problems_of
from workbook.sheets import states
from workbook.spreadsheet import MAX_FORMULA_LENGTH
from workbook.writing.xlsx import Book, TableColumn, live_text_formula, string_literal, write_formula, write_table

LONG_TEXT = "x" * (MAX_TEXT_CONSTANT + 1)
DEEP = "ABS(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1)

#: One formula breaking each rule, and the words of the message that names the rule.
PLANTED = {
    "a text constant over 255 characters": (f'"{LONG_TEXT}"', "holds a text constant of 256 characters"),
    "a comparison compared with a number": ('IF((A1<>"")=1,1,0)', "compares a logical value"),
    "a comparison compared with another": ("IF((A1=1)=(A2=2),1,0)", "compares a logical value"),
    "a logical function compared with TRUE": ("IF(ISNUMBER(A1)=TRUE,1,0)", "compares a logical value"),
    "a comparison added to a number": ('(A1<>"")+1', "uses a logical value (TRUE or FALSE) as a number with +"),
    "a count of one condition": ('(A1<>"")+(A2<>"")', "uses a logical value (TRUE or FALSE) as a number with +"),
    "a comparison given straight to SUMPRODUCT": ("SUMPRODUCT((A1:A3>0))", "straight to SUMPRODUCT"),
    "a comparison given straight to SUM": ("SUM(A1>0,A2>0)", "straight to SUM"),
    "functions nested deeper than 64": (DEEP, f"nests functions {MAX_NESTING + 1} deep"),
    "a newer function without its prefix": ("STDEV.S(A1:A3)", "calls STDEV.S without its prefix _xlfn."),
    "a dynamic-array function without its prefix": ("SUM(FILTER(A1:A3,A1:A3>0))", "prefix _xlfn._xlws."),
    "a table's data named alone": ("ROWS(Figures[[#Data]])", "uses Figures[[#Data]], a part of a table"),
    "a table's headers named alone": ('MATCH("Value",Figures[[#Headers]],0)', "uses Figures[[#Headers]]"),
    "a whole table named alone": ("ROWS(Figures[[#All]])", "uses Figures[[#All]]"),
    "a single-bracket part of a table": ("ROWS(Figures[#Data])", "which LibreOffice reads as #NAME?"),
    "a single-bracket headers": ('MATCH("Value",Figures[#Headers],0)', "uses Figures[#Headers], which LibreOffice"),
    "an empty structured reference": ("ROWS(Figures[])", "the empty structured reference Figures[]"),
    "a table named without brackets": ("ROWS(Figures)", "names the table Figures alone"),
    "a total row": ("Figures[[#Totals],[Value]]", "whose #Totals LibreOffice reads as #NAME?"),
    "a range between two INDEX results": ("SUM(INDEX(Figures[Value],1):INDEX(Figures[Value],2))",
                                          "builds a range from a function's result"),
    "a range from a cell to an INDEX result": ("SUM(A1:INDEX(Figures[Value],2))", "builds a range from a function"),
    "LEN given a range inside SUMPRODUCT": ("SUMPRODUCT(LEN(A1:A3))", "gives a range to LEN inside SUMPRODUCT"),
    "ABS given a table column inside SUMPRODUCT": ("SUMPRODUCT((A1:A3>0)*ABS(Figures[Value]))",
                                                   "gives a range to ABS inside SUMPRODUCT"),
    "N given a range inside SUMPRODUCT": ("SUMPRODUCT(N(A1:A3))", "gives a range to N inside SUMPRODUCT"),
    "ISNUMBER given a range inside SUMPRODUCT": ("SUMPRODUCT(--ISNUMBER(Figures[Value]))",
                                                 "gives a range to ISNUMBER inside SUMPRODUCT"),
}


# ---------------------------------------------------------------- the checker itself

@pytest.mark.parametrize("rule", PLANTED)
def test_the_checker_finds_each_rule_broken(rule: str):
    formula, named = PLANTED[rule]
    problems = problems_of(formula, {"figures"})
    assert problems and named in problems[0], problems


def test_the_checker_finds_a_formula_over_8192_characters():
    # (A cell's formula that long is refused as soon as it is written: tests/test_format_limits.py.)
    problems = problems_of("1" + "+1" * (MAX_FORMULA_LENGTH // 2))
    assert problems == ["has 8,193 characters, but Excel reads at most 8,192 in a formula"]


@pytest.mark.parametrize("formula", [
    f'"{"x" * MAX_TEXT_CONSTANT}"',
    f'"{"x" * MAX_TEXT_CONSTANT}"&"{"y" * MAX_TEXT_CONSTANT}"',
    # Doubled quotes are one character of the text.
    '"' + '""' * MAX_TEXT_CONSTANT + '"',
    '--(A1<>"")=1',
    '(--(A1<>""))=1',
    '(--(A1<>"")+--(A2<>""))=(--(A1<>"")+--(A2<>"")+--(A3<>""))',
    "N(A1=1)+1",
    "IF(A1=1,1,0)=1",
    "IF(A1=1,1,0)+IF(A2=2,1,0)",
    "SUMPRODUCT(--(A1:A3<>\"\"))",
    'SUMPRODUCT((A1:A3="differs")*(B1:B3<>""))',
    "SUMPRODUCT(--(A1:A3=1)*--(B1:B3=2))",
    "(A1=1)*(A2=2)",
    "IF(AND(A1>0,NOT(A2=1),OR(A3<>\"\",ISNUMBER(A4))),1,0)",
    "IF(Figures[[#This Row],[Value]]=1,1,0)",
    "SUM(Figures[Value])+Figures[@Value]+Figures[@[Value]]",
    "SUM(Figures[[Value]:[Other]])+COUNTA(Figures[[#Headers],[Value]:[Other]])+SUM(Figures[[#Data],[Value]])",
    "SUM(A1:A3)+SUM($A$1:$B$2)+SUM('Census exports'!A1:C3)+SUM(A:A)",
    "_xlfn.STDEV.S(A1:A3)+_xlfn._xlws.SORT(A1:A3)",
    "SUMPRODUCT(LEN(A1))",
    "LEN(A1:A3)",
    "SUMPRODUCT(SUMIFS(A1:A3,B1:B3,C1:C3))",
    "MATCH(1,(A1:A3=1)*(B1:B3=2),0)",
    "SUM(OFFSET(A1,0,0,3,1))",
    "-2^2%+{1,2;3,4}",
    "IF(\"a, (b)\"=A1,\"x\",\"y\")",
    "ABS(" * MAX_NESTING + "1" + ")" * MAX_NESTING,
    "1" + "+1" * ((MAX_FORMULA_LENGTH - 1) // 2),
])
def test_the_checker_accepts_what_every_engine_reads_alike(formula: str):
    assert problems_of(formula, {"figures"}) == []


def test_an_array_formula_reads_a_range_given_to_a_function_of_one_value_whole():
    assert problems_of("{=SUMPRODUCT(LEN(A1:A3))}") == []
    assert problems_of("=SUMPRODUCT(LEN(A1:A3))", array=True) == []


def test_the_list_of_newer_functions_holds_every_one_xlsxwriter_prefixes():
    source = inspect.getsource(Worksheet._prepare_formula)
    prefixed = {name: prefix for prefix, name in re.findall(r'"(_xlfn\.(?:_xlws\.)?)([A-Z0-9.]+)\(', source)}
    assert len(prefixed) > 100
    assert prefixed == FUTURE_FUNCTIONS


def test_long_text_is_written_as_constants_excel_reads():
    text = "A sentence of prose, \"quoted\" in places. " * 20
    literal = string_literal(text)
    assert problems_of(literal) == []
    assert literal.count("&") == len(text) // MAX_TEXT_CONSTANT
    pieces = re.findall(r'"((?:[^"]|"")*)"', literal)
    assert "".join(piece.replace('""', '"') for piece in pieces) == text
    # Characters beyond U+FFFF count twice, as Excel counts them.
    assert problems_of(string_literal("\U0001F30D" * 200)) == []
    assert problems_of(live_text_formula("In {year}, " + "x" * 600)) == []
    assert string_literal("short") == '"short"'


# ---------------------------------------------------------------- refused when the workbook is closed

def _book_with_a_table(path: Path) -> Book:
    book = Book.create(path)
    sheet = book.add_sheet("Data")
    write_table(book, sheet, 0, "Figures", [TableColumn("Value", "general_number", [1, 2, 3]),
                                            TableColumn("Other", "general_number", [4, 5, 6])])
    return book


@pytest.mark.parametrize("rule", PLANTED)
def test_a_formula_breaking_a_rule_stops_the_build(tmp_path: Path, rule: str):
    formula, named = PLANTED[rule]
    path = tmp_path / "planted.xlsx"
    book = _book_with_a_table(path)
    report = book.add_sheet("Report sheet")
    write_formula(report, 3, 2, "SUM(Figures[Value])", None, 6)
    write_formula(report, 4, 2, formula, None, 0)
    with pytest.raises(UnportableFormulaError) as raised:
        book.close()
    message = str(raised.value)
    assert message.startswith("'Report sheet'!C5: the formula =")
    assert named in message and message.endswith("; nothing was written")
    assert "\n" not in message
    assert not path.exists()


def test_the_same_formulas_kept_to_the_rules_are_written(tmp_path: Path):
    path = tmp_path / "kept.xlsx"
    book = _book_with_a_table(path)
    report = book.add_sheet("Report")
    write_formula(report, 0, 0, '--(Data!A2<>"")=1', None, True)
    write_formula(report, 1, 0, 'SUMPRODUCT((Figures[Value]>1)*(Figures[Other]<>""))', None, 2)
    write_formula(report, 2, 0, string_literal("y" * 600), None, "y" * 600)
    book.close()
    assert path.exists()


def test_array_formulas_table_columns_conditional_formats_and_validations_are_checked(tmp_path: Path):
    def refused(plant) -> str:
        book = _book_with_a_table(tmp_path / "planted.xlsx")
        plant(book, book.workbook.get_worksheet_by_name("Data"))
        with pytest.raises(UnportableFormulaError) as raised:
            book.close()
        return str(raised.value)

    assert refused(lambda book, sheet: sheet.write_array_formula(7, 1, 7, 1, '{=MAX(IF((A2:A4>1)=1,A2:A4))}', None, 0)) \
        .startswith("Data!B8: the formula {=MAX(IF((A2:A4>1)=1,A2:A4))} compares a logical value")
    too_long = "1" + "+1" * (MAX_FORMULA_LENGTH // 2)
    assert refused(lambda book, sheet: sheet.conditional_format(1, 0, 3, 0, {
        "type": "formula", "criteria": "=" + too_long, "format": book.formats["rule_ok"]})) \
        .endswith("has 8,193 characters, but Excel reads at most 8,192 in a formula; nothing was written")
    assert refused(lambda book, sheet: sheet.conditional_format(1, 0, 3, 0, {
        "type": "formula", "criteria": "=($A2>1)=1", "format": book.formats["rule_ok"]})) \
        .startswith("Data!A2: the formula =($A2>1)=1 compares a logical value")
    assert refused(lambda book, sheet: sheet.data_validation(6, 0, 6, 0, {
        "validate": "custom", "value": "=STDEV.S(A2:A4)>0"})) \
        .startswith("Data!A7: the formula =STDEV.S(A2:A4)>0 calls STDEV.S without its prefix")
    assert refused(lambda book, sheet: sheet.data_validation(6, 0, 6, 0, {
        "validate": "list", "source": "=INDEX(A2:A4,1):INDEX(A2:A4,2)"})) \
        .startswith("Data!A7: the formula =INDEX(A2:A4,1):INDEX(A2:A4,2) builds a range from a function's result")
    assert refused(lambda book, sheet: book.workbook.define_name("Everything", "=ROWS(Figures[[#All]])")) \
        .startswith("the defined name Everything: the formula =ROWS(Figures[[#All]]) uses Figures[[#All]]")

    book = Book.create(tmp_path / "column.xlsx")
    sheet = book.add_sheet("Data")
    write_table(book, sheet, 2, "Figures", [
        TableColumn("Value", "general_number", [1, 2]),
        TableColumn("Flag", "general_number", [0, 0], formula='(Figures[[#This Row],[Value]]>1)=1')])
    with pytest.raises(UnportableFormulaError, match=r"^Data!B4: the formula =\(Figures\[\[#This Row\],\[Value\]\]>1\)=1 "
                                                       "compares a logical value"):
        book.close()


def test_a_formula_planted_in_a_sheet_of_the_real_build_stops_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_states = states.write

    def write_with_a_count_of_one_condition(book, sheet, model):
        write_states(book, sheet, model)
        write_formula(sheet, 2, 8, 'IF((A5<>"")=1,"named","")', None, "")

    monkeypatch.setattr(states, "write", write_with_a_count_of_one_condition)
    out = tmp_path / "planted.xlsx"
    with pytest.raises(UnportableFormulaError,
                       match=r'^States!I3: the formula =IF\(\(A5<>""\)=1,"named",""\) compares a logical value'):
        build.build_workbook(DATA, out=out)
    assert list(tmp_path.iterdir()) == []


def test_the_command_stops_with_status_2_and_one_line_naming_the_rule(tmp_path: Path):
    script = (
        "import sys\n"
        "from workbook.commands.cli import main\n"
        "from workbook.sheets import states\n"
        "from workbook.writing.xlsx import write_formula\n"
        "write_states = states.write\n"
        "def planted(book, sheet, model):\n"
        "    write_states(book, sheet, model)\n"
        f"    write_formula(sheet, 2, 8, '\"{'x' * 300}\"', None, '{'x' * 300}')\n"
        "states.write = planted\n"
        "sys.exit(main(sys.argv[1:]))\n")
    out = tmp_path / "planted.xlsx"
    result = subprocess.run([sys.executable, "-c", script, "build", "--data", str(DATA), "--out", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == EXIT_USAGE_OR_INPUT
    assert result.stderr.startswith("tech-trade: error: States!I3: the formula =\"xxx")
    assert result.stderr.endswith("holds a text constant of 300 characters, but Excel reads at most 255 in one: "
                                  "join shorter constants with &; nothing was written\n")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
