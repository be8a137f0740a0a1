"""The tool overrides private methods of XlsxWriter and reads its undocumented state, all of it in
``workbook/writing/hooks.py``. XlsxWriter may change those in any release, so ``pyproject.toml``
caps its version, and these tests say clearly which hook a new XlsxWriter broke before any
workbook comes out wrong."""

from __future__ import annotations

import inspect
import re
import tomllib
from io import BytesIO

import xlsxwriter
from packaging.requirements import Requirement
from packaging.version import Version

from helpers import REPO
from workbook.writing import hooks

#: The module whose classes extend XlsxWriter's.
HOOKING_MODULES = (hooks,)


def xlsxwriter_subclasses() -> list[type]:
    found = []
    for module in HOOKING_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and any(base.__module__.startswith("xlsxwriter")
                                                         for base in cls.__mro__[1:]):
                found.append(cls)
    return found


def broken_hooks(cls: type) -> list[str]:
    """What is wrong with each private method ``cls`` overrides, as a sentence naming both sides."""
    base = next(base for base in cls.__mro__[1:] if base.__module__.startswith("xlsxwriter"))
    problems = []
    for name, ours in vars(cls).items():
        if not (name.startswith("_") and not name.startswith("__") and callable(ours)):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}.{name}"
        theirs = getattr(base, name, None)
        if theirs is None:
            problems.append(f"{where} overrides {base.__module__}.{base.__qualname__}.{name}, which XlsxWriter "
                            f"{xlsxwriter.__version__} no longer has")
            continue
        expected = _parameter_names(theirs)
        if _parameter_names(ours) != expected:
            problems.append(f"{where}{inspect.signature(ours)} overrides {base.__qualname__}.{name}, whose signature "
                            f"in XlsxWriter {xlsxwriter.__version__} is now {inspect.signature(theirs)}")
    return problems


def _parameter_names(function) -> list[str]:
    return [parameter.name for parameter in inspect.signature(function).parameters.values()]


def test_there_are_hooks_to_check():
    names = {cls.__name__ for cls in xlsxwriter_subclasses()}
    assert {"LimitedWorksheet", "SealingWorkbook", "_SealingPackager"} <= names


def test_every_overridden_private_method_still_exists_with_the_same_parameters():
    problems = [problem for cls in xlsxwriter_subclasses() for problem in broken_hooks(cls)]
    assert not problems, ("XlsxWriter changed what the tool hooks into; adapt the override or keep the version "
                          "pyproject.toml allows:\n" + "\n".join(problems))


def test_a_vanished_or_changed_method_is_named_clearly():
    class Base(xlsxwriter.worksheet.Worksheet):
        pass

    Base.__module__ = "xlsxwriter.changed"

    class Hooked(Base):
        def _no_longer_in_xlsxwriter(self):
            pass

        def _write_string(self, row, col, text):
            pass

    problems = broken_hooks(Hooked)
    assert len(problems) == 2
    assert "Hooked._no_longer_in_xlsxwriter overrides" in problems[0] and "no longer has" in problems[0]
    assert "Hooked._write_string" in problems[1] and "signature" in problems[1]


def test_the_private_attributes_read_are_still_there():
    workbook = xlsxwriter.Workbook(BytesIO(), {"in_memory": True})
    sheet = workbook.add_worksheet()
    assert isinstance(workbook.custom_properties, list), "hooks.py rewrites Workbook.custom_properties"
    assert callable(getattr(sheet, "_escape_control_characters", None)), \
        "hooks.py escapes a formula's text result with Worksheet._escape_control_characters"
    for name in ("_write_number", "_write_string", "_write_blank"):
        parameters = _parameter_names(getattr(xlsxwriter.worksheet.Worksheet, name))
        assert parameters[:3] == ["self", "row", "col"] and len(parameters) == 5, \
            f"hooks.cell_writers writes cells with Worksheet.{name}(row, col, value, format)"
    assert hasattr(xlsxwriter.worksheet, "CellNumberTuple") and hasattr(sheet, "constant_memory"), \
        "hooks.store_numbers stores a number in Worksheet.table as a CellNumberTuple"
    assert isinstance(sheet.row_info, dict) and isinstance(sheet.col_info, dict) and \
        callable(getattr(xlsxwriter.utility, "xl_rowcol_to_cell_fast", None)), \
        "LimitedWorksheet._write_cell styles a number cell by Worksheet.row_info and col_info, as XlsxWriter does"
    packager = workbook._get_packager()
    assert isinstance(packager.filenames, list), "hooks.py reads Packager.filenames: (source, part name, binary)"
    workbook.close()


def test_what_a_workbook_being_written_holds_is_read_back():
    workbook = xlsxwriter.Workbook(BytesIO(), {"in_memory": True})
    sheet = workbook.add_worksheet("Data")
    sheet.add_table("B2:C4", {"name": "Figures", "columns": [{"header": "Code"},
                                                               {"header": "Twice", "formula": "=2*1"}]})
    sheet.write_string(2, 1, "TX")
    sheet.write_number(3, 1, 7)
    sheet.write_formula(2, 2, "=2*1", None, 2)
    sheet.conditional_format("B3:B4", {"type": "formula", "criteria": "=B3>Limit"})
    sheet.data_validation("D5", {"validate": "list", "source": "=Codes"})
    workbook.define_name("Limit", "=Data!$B$4")
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "=Data!$B$3:$B$4"})
    sheet.insert_chart("E2", chart)

    assert hooks.written_tables(sheet) == [hooks.WrittenTable("Figures", 1, 1, 3, 2, ("Code", "Twice"),
                                                              (None, "2*1"))], "Worksheet.tables"
    strings = hooks.shared_strings(workbook)
    assert [hooks.written_value(sheet, row, 1, strings) for row in (2, 3, 4)] == ["TX", 7, None], "Worksheet.table"
    assert hooks.written_value(sheet, 2, 1) is None, "text is read only with the shared strings"
    # (The table's column formula fills both of its rows.)
    assert hooks.written_value(sheet, 2, 2) == 2 and hooks.formula_cell_count(sheet) == 2, "Worksheet.table"
    assert list(hooks.conditional_formulas(sheet)) == [("=B3>Limit", (2, 1))], "Worksheet.cond_formats"
    assert list(hooks.validation_formulas(sheet)) == [("list", "value", "=Codes", (4, 3))], "Worksheet.validations"
    assert hooks.defined_names(workbook) == [("Limit", "Data!$B$4")], "Workbook.defined_names"
    last_row, last_col = hooks.covering_charts(sheet, 0, 0)
    assert last_row > 10 and last_col > 8, "Worksheet.charts and Worksheet._position_object_pixels"
    workbook.close()


def _sheet_xml(worksheet_class: type | None) -> bytes:
    """The first sheet's part of a small workbook with number and formula cells styled every way XlsxWriter
    styles one (by their own format, their row's, their column's, or not at all), formulas with results of every
    kind, and a text and a blank beside them."""
    import zipfile

    out = BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet("Data", worksheet_class=worksheet_class)
    bold, money, grey = (workbook.add_format(options) for options in
                         ({"bold": True}, {"num_format": "#,##0"}, {"bg_color": "#DDDDDD"}))
    sheet.set_column(3, 3, 12, money)
    sheet.set_row(5, None, grey)
    for row, value in enumerate((7, -0.5, 1e-300, 12345678901234567, 2.5e15)):
        sheet.write_number(row, 0, value)
        sheet.write_number(row, 1, value, bold)
        sheet.write_number(row, 3, value)
    sheet.write_number(5, 2, 3)
    sheet.write_number(5, 3, 4)
    sheet.write_string(6, 0, "TX & <NM>")
    sheet.write_blank(6, 2, None, bold)
    # Formulas with a number, a fraction, a logical, a text, an error and an empty text for their results, and
    # one with characters XML escapes.
    for col, (formula, result) in enumerate((("=A1+1", 8), ("=A2/3", 0.1 + 0.2), ('=IF(A1<2,"a&b","")', ""),
                                             ("=A1>1", True), ('="<"&A1', "<7"), ("=1/0", "#DIV/0!"),
                                             ("=A3*2", 2e-300), ('=IF(A1<2,LEN("a&b"),0)', 0))):
        sheet.write_formula(7, col, formula, None, result)
        sheet.write_formula(8, col, formula, bold, result)
    sheet.write_formula(5, 4, "=A1", None, 7)
    sheet.write_formula(6, 3, "=A1", None, 7)
    workbook.close()
    with zipfile.ZipFile(out) as package:
        return package.read("xl/worksheets/sheet1.xml")


class _CellsWrittenByXlsxWriter(hooks.LimitedWorksheet):
    """LimitedWorksheet with XlsxWriter's own writer of a cell."""

    _write_cell = xlsxwriter.worksheet.Worksheet._write_cell


def test_number_and_formula_cells_are_written_as_xlsxwriter_writes_them():
    # LimitedWorksheet writes a number cell, and a formula cell with a number for its result, in one step:
    # the same bytes as XlsxWriter's writer of a cell gives, whichever format styles it.
    assert _sheet_xml(hooks.LimitedWorksheet) == _sheet_xml(_CellsWrittenByXlsxWriter)
    # Beside it, a plain worksheet writes the same but for an empty text result, which the tool marks as text.
    assert _sheet_xml(None) == _sheet_xml(hooks.LimitedWorksheet).replace(b' t="str"><f>IF(', b"><f>IF(")


def test_pyproject_caps_xlsxwriter_below_a_version_not_yet_checked():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [requirement] = [Requirement(text) for text in project["dependencies"]
                     if re.match(r"xlsxwriter\b", text, re.IGNORECASE)]
    caps = [spec for spec in requirement.specifier if spec.operator in ("<", "<=", "~=", "==")]
    assert caps, f"{requirement} has no upper bound: a new XlsxWriter could change the private methods hooked"
    assert requirement.specifier.contains(Version(xlsxwriter.__version__)), \
        f"the XlsxWriter installed ({xlsxwriter.__version__}) is outside {requirement}"
