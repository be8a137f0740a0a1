"""Drive LibreOffice Calc over UNO as an analyst would: open a workbook, edit, recalculate, save, read.

Runs under the system Python that has LibreOffice's ``uno`` module
(``/usr/bin/python3`` with Debian's python3-uno), not under the project's
interpreter, so it imports nothing from the project. It reads one request as
JSON on standard input and writes one answer as JSON on standard output::

    {"soffice": "/usr/bin/soffice", "workbook": "/path/in.xlsx", "timeout": 300,
     "actions": [{"op": "set", "sheet": "Census exports", "cell": "K17", "value": 5e10},
                 {"op": "read_name", "name": "TechExportsUS"},
                 {"op": "save", "path": "/path/out.xlsx"}]}

    {"results": [null, 1.23e11, null]}

Every action gets one entry in ``results``, in order. Actions:

``set``            sheet, cell, and ``value`` (a number or text, entered as a value)
                   or ``formula`` (entered as a formula, e.g. ``"=A1*2"``)
``set_range``      sheet, ``cell`` (top-left) and ``rows`` (lists of numbers or text):
                   several values at once, as a paste of values does
``set_name``       name (a defined name of one cell), and value or formula
``insert_rows``    sheet, ``before`` (1-based row number), count: whole sheet rows, as
                   right-click on a row header -> Insert Rows Above does
``insert_columns`` sheet, ``before`` (column letters), count: whole sheet columns, as
                   right-click on a column header -> Insert Columns Before does
``copy``           sheet, ``source`` (a range), ``target`` (its top-left cell): copy and
                   paste, formulas adjusted as a paste adjusts them
``read``           sheet and ``cell`` (one value) or ``range`` (rows of values)
``read_name``      name: the value of a defined name's cell
``formula``        sheet, cell: the cell's formula as Calc shows it (or its value if none)
``table_range``    table: the range of a table (a database range to Calc), e.g. "A4:M1685"
``save``           path: store as .xlsx (filter "Calc MS Excel 2007 XML"), or as .ods (filter
                   "calc8") when the path ends in .ods
``add_sheet``      name, and ``position`` (0-based; default: after the last sheet)
``comment``        sheet, cell, text: a note on the cell, as Insert -> Comment does
``column_width``   sheet, ``column`` (letters), ``width`` in 1/100 mm
``number_format``  sheet, ``cell`` (or a range), ``format`` (a format code, en-US)
``add_chart``      sheet, name, ``range``: a chart of the range, as Insert -> Chart does

Before the first ``read``, ``read_name`` or ``save`` after an edit, every formula
is recalculated (``calculateAll``, as Ctrl+Shift+F9 does). Values read are
numbers, text, or for an error cell the error as Calc shows it (``#N/A``,
``Err:502``); a blank cell reads as null.

soffice runs headless with a throwaway user profile of its own and a pipe name
unique to this run, and is stopped (its whole process group killed if need be)
whatever happens, including a timeout. On failure the answer is
``{"error": "..."}`` and the exit status 1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.table.CellContentType import EMPTY, FORMULA, TEXT

XLSX_FILTER = "Calc MS Excel 2007 XML"
ODS_FILTER = "calc8"
#: Seconds soffice may take to accept connections after it starts.
CONNECT_TIMEOUT = 60
#: Seconds soffice may take to quit after it is asked to.
QUIT_TIMEOUT = 20


class DriverError(Exception):
    pass


def _props(**values) -> tuple:
    props = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        props.append(prop)
    return tuple(props)


class Office:
    """One soffice process with a private profile, and the UNO desktop it serves."""

    def __init__(self, soffice: str):
        self.profile = tempfile.mkdtemp(prefix="tech-trade-analyst-lo-")
        self.pipe = f"tech_trade_analyst_{uuid.uuid4().hex}"
        # soffice's own messages go to a file, so that no pipe can fill up and stall it.
        self.log = Path(self.profile) / "soffice.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [soffice, f"-env:UserInstallation={(Path(self.profile) / 'profile').as_uri()}",
                 "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                 f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                # A group of its own: soffice starts soffice.bin as a child, and both must go.
                start_new_session=True,
            )
        # The caller kills this group too should this driver itself be killed.
        print(f"soffice process group {self.process.pid}", file=sys.stderr, flush=True)
        self.desktop = None
        self.expired = False

    def expire(self) -> None:
        """The session's time is up: stop soffice, which makes the waiting UNO call fail."""
        self.expired = True
        self.kill()

    def connect(self) -> None:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise DriverError(f"soffice exited with status {self.process.returncode} before accepting: "
                                  f"{self.log.read_text(errors='replace').strip()[-500:]}")
            try:
                context = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise DriverError(f"soffice did not accept a connection within {CONNECT_TIMEOUT} s") from None
                time.sleep(0.2)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def close(self) -> None:
        """Ask soffice to quit; kill its process group if it does not; remove the profile."""
        if self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception:  # the bridge drops as soffice quits; it may also be gone already
                pass
        try:
            self.process.wait(timeout=QUIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        self.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def kill(self) -> None:
        """Kill soffice and its children."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=QUIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass


class Session:
    """One open workbook and the actions done on it."""

    def __init__(self, desktop, workbook: str):
        if not Path(workbook).is_file():
            raise DriverError(f"{workbook}: no such file")
        url = uno.systemPathToFileUrl(str(Path(workbook).resolve()))
        self.doc = desktop.loadComponentFromURL(url, "_blank", 0, _props(Hidden=True, ReadOnly=False))
        if self.doc is None:
            raise DriverError(f"LibreOffice could not open {workbook}")
        self.dirty = True

    def run(self, action: dict):
        op = action["op"]
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            raise DriverError(f"unknown action {op!r}")
        return handler(action)

    # ------------------------------------------------------------ helpers

    def sheet(self, name: str):
        sheets = self.doc.Sheets
        if not sheets.hasByName(name):
            raise DriverError(f"no sheet named {name!r}")
        return sheets.getByName(name)

    def named_cell(self, name: str):
        ranges = self.doc.NamedRanges
        if not ranges.hasByName(name):
            raise DriverError(f"no defined name {name!r}")
        address = ranges.getByName(name).getReferredCells().getRangeAddress()
        sheet = self.doc.Sheets.getByIndex(address.Sheet)
        return sheet.getCellByPosition(address.StartColumn, address.StartRow)

    def recalculate(self) -> None:
        if self.dirty:
            self.doc.calculateAll()
            self.dirty = False

    @staticmethod
    def value_of(cell):
        kind = cell.getType()
        if kind == EMPTY:
            return None
        if kind == FORMULA:
            if cell.getError() != 0:
                return cell.getString()
            # FormulaResultType2: 1 VALUE, 2 TEXT (com.sun.star.sheet.FormulaResult).
            return cell.getString() if cell.FormulaResultType2 == 2 else cell.getValue()
        if kind == TEXT:
            return cell.getString()
        return cell.getValue()

    @staticmethod
    def enter(cell, action: dict) -> None:
        if "formula" in action:
            cell.setFormula(action["formula"])
        elif isinstance(action["value"], str):
            cell.setString(action["value"])
        else:
            cell.setValue(float(action["value"]))

    # ------------------------------------------------------------ actions

    def op_set(self, action):
        self.enter(self.sheet(action["sheet"]).getCellRangeByName(action["cell"]), action)
        self.dirty = True

    def op_set_range(self, action):
        rows = action["rows"]
        sheet = self.sheet(action["sheet"])
        start = sheet.getCellRangeByName(action["cell"]).getCellAddress()
        block = sheet.getCellRangeByPosition(start.Column, start.Row,
                                             start.Column + len(rows[0]) - 1, start.Row + len(rows) - 1)
        # As a paste of values does: numbers stay numbers, text stays text; "" leaves a blank cell.
        # Calc takes numbers as doubles only: a large Python int would cross UNO as a 64-bit integer.
        block.setDataArray(tuple(tuple(value if isinstance(value, str) else float(value) for value in row)
                                 for row in rows))
        self.dirty = True

    def op_set_name(self, action):
        self.enter(self.named_cell(action["name"]), action)
        self.dirty = True

    def op_insert_rows(self, action):
        self.sheet(action["sheet"]).getRows().insertByIndex(int(action["before"]) - 1, int(action.get("count", 1)))
        self.dirty = True

    def op_insert_columns(self, action):
        sheet = self.sheet(action["sheet"])
        index = sheet.getCellRangeByName(f"{action['before']}1").getCellAddress().Column
        sheet.getColumns().insertByIndex(index, int(action.get("count", 1)))
        self.dirty = True

    def op_copy(self, action):
        sheet = self.sheet(action["sheet"])
        source = sheet.getCellRangeByName(action["source"]).getRangeAddress()
        target = sheet.getCellRangeByName(action["target"]).getCellAddress()
        sheet.copyRange(target, source)
        self.dirty = True

    def op_read(self, action):
        self.recalculate()
        sheet = self.sheet(action["sheet"])
        if "cell" in action:
            return self.value_of(sheet.getCellRangeByName(action["cell"]))
        block = sheet.getCellRangeByName(action["range"])
        address = block.getRangeAddress()
        return [[self.value_of(block.getCellByPosition(col, row))
                 for col in range(address.EndColumn - address.StartColumn + 1)]
                for row in range(address.EndRow - address.StartRow + 1)]

    def op_read_name(self, action):
        self.recalculate()
        return self.value_of(self.named_cell(action["name"]))

    def op_formula(self, action):
        cell = self.sheet(action["sheet"]).getCellRangeByName(action["cell"])
        return cell.getFormula() if cell.getType() == FORMULA else self.value_of(cell)

    def op_table_range(self, action):
        ranges = self.doc.DatabaseRanges
        if not ranges.hasByName(action["table"]):
            raise DriverError(f"no table named {action['table']!r}")
        area = ranges.getByName(action["table"]).getDataArea()
        first = f"{_column_letters(area.StartColumn)}{area.StartRow + 1}"
        return f"{first}:{_column_letters(area.EndColumn)}{area.EndRow + 1}"

    def op_add_sheet(self, action):
        sheets = self.doc.Sheets
        sheets.insertNewByName(action["name"], int(action.get("position", sheets.getCount())))
        self.dirty = True

    def op_comment(self, action):
        sheet = self.sheet(action["sheet"])
        address = sheet.getCellRangeByName(action["cell"]).getCellAddress()
        sheet.getAnnotations().insertNew(address, action["text"])

    def op_column_width(self, action):
        sheet = self.sheet(action["sheet"])
        index = sheet.getCellRangeByName(f"{action['column']}1").getCellAddress().Column
        sheet.getColumns().getByIndex(index).Width = int(action["width"])

    def op_number_format(self, action):
        locale = uno.createUnoStruct("com.sun.star.lang.Locale")
        locale.Language, locale.Country = "en", "US"
        formats = self.doc.getNumberFormats()
        key = formats.queryKey(action["format"], locale, False)
        if key == -1:
            key = formats.addNew(action["format"], locale)
        self.sheet(action["sheet"]).getCellRangeByName(action["cell"]).NumberFormat = key

    def op_add_chart(self, action):
        sheet = self.sheet(action["sheet"])
        place = uno.createUnoStruct("com.sun.star.awt.Rectangle")
        place.X, place.Y, place.Width, place.Height = 1000, 4000, 12000, 7000
        address = sheet.getCellRangeByName(action["range"]).getRangeAddress()
        sheet.getCharts().addNewByName(action["name"], place, (address,), True, True)

    def op_save(self, action):
        self.recalculate()
        path = Path(action["path"]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        chosen = ODS_FILTER if path.suffix.lower() == ".ods" else XLSX_FILTER
        self.doc.storeToURL(uno.systemPathToFileUrl(str(path)), _props(FilterName=chosen, Overwrite=True))
        return str(path)

    def close(self) -> None:
        try:
            self.doc.close(True)
        except Exception:  # soffice quits next in any case
            pass


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def main() -> int:
    request = json.load(sys.stdin)
    timeout = float(request.get("timeout", 300))
    office, watchdog = None, None
    try:
        office = Office(request.get("soffice") or shutil.which("soffice") or "soffice")
        # A UNO call blocks while soffice works, so the timeout is a thread that kills soffice.
        watchdog = threading.Timer(timeout, office.expire)
        watchdog.daemon = True
        watchdog.start()
        office.connect()
        session = Session(office.desktop, request["workbook"])
        try:
            results = []
            for index, action in enumerate(request["actions"]):
                try:
                    results.append(session.run(action))
                except DriverError:
                    raise
                except Exception as error:  # a UNO exception: say which action failed
                    raise DriverError(f"action {index} {json.dumps(action)[:200]} failed: "
                                      f"{type(error).__name__}: {error}") from error
        finally:
            session.close()
        answer, status = {"results": results}, 0
    except Exception as error:
        expired = office is not None and office.expired
        reason = f"timed out after {timeout:g} s" if expired else f"{type(error).__name__}: {error}"
        answer = {"error": reason, "traceback": traceback.format_exc()}
        status = 1
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if office is not None:
            office.close()
    json.dump(answer, sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
