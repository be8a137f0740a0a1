"""Work a running LibreOffice over UNO as an analyst works the Tech Trade menu.

Runs under the system Python that has LibreOffice's ``uno`` module (``/usr/bin/python3``
with Debian's python3-uno), so it imports nothing from the project. Unlike
``analyst/lo_driver.py`` it starts no soffice: it connects to one already running (started
by the tests with the extension installed) on the pipe it is given, so that documents stay
open from one call to the next. It reads one request as JSON on standard input and writes
one answer as JSON on standard output::

    {"pipe": "NAME", "actions": [{"op": "open", "path": "/tmp/w.xlsx"},
                                 {"op": "dispatch", "path": "/tmp/w.xlsx", "url": "vnd.tech-trade-snapshot:check"}]}

    {"results": [null, null]}

Actions (``path`` names an open document by its file):

``open``        path: open the workbook in a window of its own, as File > Open does
``dispatch``    path, url: run a command on the document's window, as its menu entry does
``set``         path, sheet, cell, formula: type a formula (or value) into a cell
``add_sheet``   path, name: a new sheet after the last, as Sheet > Insert Sheet at End does
``add_chart``   path, sheet, name, range: a chart of the range, as Insert > Chart does
``selection``   path: the active sheet and the selected range, e.g. ["States", "C5"]
``modified``    path: whether the document has unsaved changes
``documents``   the files of the open documents, each with its document's identity (a new one
                when a file is closed and opened again)
``close``       path: close the document, dropping unsaved changes
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_TIMEOUT = 60


def _props(**values) -> tuple:
    props = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        props.append(prop)
    return tuple(props)


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return context, context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


class Calc:
    def __init__(self, context, desktop):
        self.context = context
        self.desktop = desktop

    def documents(self) -> list:
        found = []
        enumeration = self.desktop.getComponents().createEnumeration()
        while enumeration.hasMoreElements():
            component = enumeration.nextElement()
            if hasattr(component, "getURL") and component.getURL():
                found.append(component)
        return found

    def document(self, path: str):
        url = uno.systemPathToFileUrl(str(Path(path).resolve()))
        for component in self.documents():
            if component.getURL() == url:
                return component
        raise LookupError(f"{path} is not open")

    def op_open(self, action):
        url = uno.systemPathToFileUrl(str(Path(action["path"]).resolve()))
        if self.desktop.loadComponentFromURL(url, "_blank", 0, _props(Hidden=True)) is None:
            raise RuntimeError(f"LibreOffice could not open {action['path']}")

    def op_dispatch(self, action):
        frame = self.document(action["path"]).getCurrentController().getFrame()
        helper = self.context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                                      self.context)
        helper.executeDispatch(frame, action["url"], "", 0, ())

    def op_set(self, action):
        sheet = self.document(action["path"]).Sheets.getByName(action["sheet"])
        sheet.getCellRangeByName(action["cell"]).setFormula(action["formula"])

    def op_add_sheet(self, action):
        sheets = self.document(action["path"]).Sheets
        sheets.insertNewByName(action["name"], sheets.getCount())

    def op_add_chart(self, action):
        sheet = self.document(action["path"]).Sheets.getByName(action["sheet"])
        place = uno.createUnoStruct("com.sun.star.awt.Rectangle")
        place.X, place.Y, place.Width, place.Height = 1000, 4000, 12000, 7000
        address = sheet.getCellRangeByName(action["range"]).getRangeAddress()
        sheet.getCharts().addNewByName(action["name"], place, (address,), True, True)

    def op_selection(self, action):
        controller = self.document(action["path"]).getCurrentController()
        address = controller.getSelection().getRangeAddress()
        sheet = controller.getActiveSheet().getName()
        cell = controller.getActiveSheet().getCellByPosition(address.StartColumn, address.StartRow)
        return [sheet, cell.AbsoluteName.split(".")[-1].replace("$", "")]

    def op_modified(self, action):
        return bool(self.document(action["path"]).isModified())

    def op_documents(self, action):
        return {uno.fileUrlToSystemPath(component.getURL()): component.RuntimeUID for component in self.documents()}

    def op_close(self, action):
        self.document(action["path"]).close(True)


def main() -> int:
    request = json.load(sys.stdin)
    try:
        calc = Calc(*_connect(request["pipe"]))
        results = []
        for action in request["actions"]:
            results.append(getattr(calc, "op_" + action["op"])(action))
        answer, status = {"results": results}, 0
    except Exception as error:
        answer, status = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}, 1
    json.dump(answer, sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
