"""The tool reads workbooks back with openpyxl with every sheet's charts and pictures left unread.

openpyxl's own chart reader stops on some charts other programs write (LibreOffice's
chart of a single column raised IndexError and took ``extract`` and ``check`` down
with it). ``workbook/reading/openpyxl_reading.py`` stands in for the reader function that
reads a drawing's charts and pictures; these tests fail, naming it, if openpyxl moves
or changes that function, and show a chart openpyxl cannot read no longer stops a read.
"""

from __future__ import annotations

import inspect
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.reader.excel
import pytest
import xlsxwriter

from hostile_files import replace_part
from workbook.reading.openpyxl_reading import HOOKED, load_workbook


def test_the_function_stood_in_for_is_where_openpyxl_calls_it_with_the_same_arguments():
    reader = openpyxl.reader.excel
    assert hasattr(reader, HOOKED), (
        f"openpyxl {openpyxl.__version__} has no openpyxl.reader.excel.{HOOKED}: "
        "workbook/reading/openpyxl_reading.py must stand in for whatever now reads a drawing's charts")
    assert list(inspect.signature(getattr(reader, HOOKED)).parameters) == ["archive", "path"], (
        f"openpyxl.reader.excel.{HOOKED} changed its arguments: check workbook/reading/openpyxl_reading.py")
    assert HOOKED in inspect.getsource(reader.ExcelReader.read_worksheets), (
        f"openpyxl's ExcelReader no longer calls {HOOKED}: check workbook/reading/openpyxl_reading.py")


def workbook_with_an_unreadable_chart(path: Path) -> Path:
    """A sheet of figures and a chart whose plot area holds no chart openpyxl knows."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Mine")
    sheet.write_column("A1", [1, 2, 3])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Mine!$A$1:$A$3"})
    sheet.insert_chart("C1", chart)
    book.close()
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()
    stripped = re.sub(r"<c:barChart>.*</c:barChart>", "", xml, flags=re.DOTALL)
    assert stripped != xml
    return replace_part(path, "xl/charts/chart1.xml", stripped.encode())


def test_a_chart_openpyxl_cannot_read_no_longer_stops_reading_the_workbook(tmp_path: Path):
    path = workbook_with_an_unreadable_chart(tmp_path / "chart.xlsx")
    with warnings.catch_warnings(), pytest.raises(IndexError):
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path)
    original = getattr(openpyxl.reader.excel, HOOKED)
    book = load_workbook(path)
    assert [cell.value for cell in book["Mine"]["A"]] == [1, 2, 3]
    assert getattr(openpyxl.reader.excel, HOOKED) is original


def test_check_reads_a_workbook_with_such_a_chart(tmp_path: Path):
    from helpers import run_cli

    path = workbook_with_an_unreadable_chart(tmp_path / "chart.xlsx")
    result = run_cli("check", path)
    assert "not an .xlsx workbook" not in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_the_one_loader_lets_openpyxls_harmless_warnings_pass(tmp_path: Path):
    path = tmp_path / "plain.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Mine").write_column("A1", [1, 2, 3])
    book.close()
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    # Without its named styles, as Gnumeric writes a workbook: openpyxl supplies its own, and says so.
    unstyled = re.sub(r"<cellStyles .*?</cellStyles>", "", styles, flags=re.DOTALL)
    assert unstyled != styles
    path = replace_part(path, "xl/styles.xml", unstyled.encode())
    with pytest.warns(UserWarning, match="Workbook contains no default style"):
        openpyxl.load_workbook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for read_only in (False, True):
            assert load_workbook(path, read_only=read_only).sheetnames == ["Mine"]
