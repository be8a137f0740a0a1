"""The Tech Trade menu in Calc: a UNO protocol handler that LibreOffice loads from the extension.

Copied into the extension as ``tech_trade_addin.py``. Each command runs the package's own
command (``tech-trade check``, ``extract``, ``build --data``) through
``tech_trade_addin_runner`` and shows what it printed; the extension computes nothing itself.
It reads the workbook as it stands in Calc: the file itself when it has no unsaved changes,
else a copy that Calc saves into a temporary folder (the document keeps its own file and state).

With the environment variable TECH_TRADE_ADDIN_UNATTENDED set to a folder, no dialog is shown:
each is appended as a line of JSON to ``dialogs.jsonl`` there, and each question takes its
answer from ``answers.json`` there (by the question's key), or its default. Tests run the menu
so, and so can a script.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import uno
import unohelper
from com.sun.star.awt import XActionListener, XCallback
from com.sun.star.frame import XDispatch, XDispatchProvider
from com.sun.star.lang import XInitialization, XServiceInfo

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.join(HERE, "pythonpath") not in sys.path:
    sys.path.append(os.path.join(HERE, "pythonpath"))

import tech_trade_addin_runner as runner  # noqa: E402  (the extension's pythonpath, just added)

if TYPE_CHECKING:
    # UNO's structs and interfaces the component's methods take, for the checker alone.
    from com.sun.star.awt import ActionEvent
    from com.sun.star.beans import PropertyValue
    from com.sun.star.frame import DispatchDescriptor, XStatusListener
    from com.sun.star.lang import EventObject
    from com.sun.star.util import URL

#: A UNO object as pyuno hands it over (a document, a frame, a dialog's model): the services
#: behind it, and so its methods and properties, are known only when it is used.
UnoObject = Any
#: A finding as ``check`` prints it, and the sheet and cell it names (None where it names none).
Finding = tuple[str, "tuple[str, str | None] | None"]

UNATTENDED_ENV_VAR = "TECH_TRADE_ADDIN_UNATTENDED"
XLSX_FILTER = "Calc MS Excel 2007 XML"

with open(os.path.join(HERE, "addin.json"), encoding="utf-8") as _settings:
    #: Written by ``tech-trade addin``: the wording, versions and the Python it was built with.
    SETTINGS = json.load(_settings)
WORDS = SETTINGS["wording"]
IMPLEMENTATION = SETTINGS["implementation"]
PROTOCOL = SETTINGS["protocol"]

#: The package, once found; looked for again after a failure (the analyst may install it meanwhile).
_found: list[runner.Package] = []


def _props(**values: object) -> tuple[PropertyValue, ...]:
    props: list[PropertyValue] = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name, prop.Value = name, value
        props.append(prop)
    return tuple(props)


class Commands(unohelper.Base, XDispatchProvider, XDispatch, XInitialization, XServiceInfo):
    """Dispatches ``vnd.tech-trade-snapshot:check`` (and ``extract``, ``rebuild``, ``about``)."""

    def __init__(self, context: UnoObject, *args: object) -> None:
        self.context = context
        self.frame: UnoObject = None
        self.hidden = False

    # ------------------------------------------------------------ UNO plumbing

    def initialize(self, args: tuple[object, ...]) -> None:
        if args:
            self.frame = args[0]

    # A null reference (None) where the protocol is not ours; the stubs do not allow one, hence the ignore.
    def queryDispatch(self, url: URL, target: str, flags: int) -> Commands | None:  # type: ignore[override]
        return self if url.Protocol == PROTOCOL else None

    # (Null references among them, as above.)
    def queryDispatches(  # type: ignore[override]
            self, requests: tuple[DispatchDescriptor, ...]) -> tuple[Commands | None, ...]:
        return tuple(self.queryDispatch(request.FeatureURL, request.FrameName, request.SearchFlags)
                     for request in requests)

    def addStatusListener(self, listener: XStatusListener, url: URL) -> None:
        pass

    def removeStatusListener(self, listener: XStatusListener, url: URL) -> None:
        pass

    def getImplementationName(self) -> str:
        return str(IMPLEMENTATION)

    def supportsService(self, name: str) -> bool:
        return name == "com.sun.star.frame.ProtocolHandler"

    def getSupportedServiceNames(self) -> tuple[str, ...]:
        return ("com.sun.star.frame.ProtocolHandler",)

    def dispatch(self, url: URL, args: tuple[PropertyValue, ...]) -> None:
        command = url.Path
        window = self.frame.getContainerWindow() if self.frame is not None else None
        self.hidden = window is not None and not window.isVisible()
        ui = Dialogs(self.context, self.frame, command)
        try:
            action = {"check": self.check, "extract": self.extract, "rebuild": self.rebuild,
                      "about": self.about}.get(command)
            if action is None:
                ui.error(WORDS["failed_title"], f"tech-trade: error: unknown command {command!r}")
                return
            # Calc waits while the command runs (a check takes seconds): its status bar says for what.
            indicator = self.frame.createStatusIndicator() if self.frame is not None else None
            if indicator is not None:
                indicator.start(WORDS["working"].format(command=WORDS[command]), 0)
            try:
                action(ui)
            finally:
                if indicator is not None:
                    indicator.end()
        except Exception as error:  # never a traceback in a dialog: one line, as the command line says it
            traceback.print_exc(file=sys.stderr)
            ui.error(WORDS["failed_title"], f"tech-trade: error: {type(error).__name__}: {' '.join(str(error).split())}")

    # ------------------------------------------------------------ commands

    def check(self, ui: Dialogs) -> None:
        document = self.spreadsheet(ui)
        package = document and self.package(ui)
        if not package:
            return
        with tempfile.TemporaryDirectory(prefix="tech-trade-addin-") as folder:
            path, copied = self.workbook_file(document, folder)
            recalculated = self.recalculated_copy(path, folder)
            outcome = runner.run(package, ["check", path, "--recalculated", recalculated])
            outcome = outcome.replace(recalculated, self.shown_name(document)).replace(path, self.shown_name(document))
        header = [WORDS["check_copy"]] if copied else []
        # A part of the check left out (its program is not installed) is said with the result.
        notes = [line for line in outcome.stderr if line.startswith("note:") or " left out: " in line]
        if outcome.status == 0:
            ui.show(WORDS["check_title"], [*header, WORDS["check_passed"], *notes])
        elif outcome.status == 1:
            findings = [(line, runner.finding_place(line)) for line in outcome.stdout]
            ui.findings(WORDS["check_title"], [*header, WORDS["check_found"].format(count=len(findings)), *notes],
                        findings, lambda place: self.select(document, place))
        else:
            ui.error(WORDS["check_title"], outcome.message())

    def extract(self, ui: Dialogs) -> None:
        document = self.spreadsheet(ui)
        package = document and self.package(ui)
        if not package:
            return
        beside = self.beside(document)
        folder = ui.choose_folder("extract_folder", WORDS["extract_title"],
                                  WORDS["extract_folder"].format(workbook=self.shown_name(document),
                                                                 folder=beside),
                                  WORDS["extract_pick"], beside)
        if folder is None:
            return
        with tempfile.TemporaryDirectory(prefix="tech-trade-addin-") as staging:
            path, _ = self.workbook_file(document, staging)
            outcome = runner.run(package, ["extract", path, "--out", folder])
            if outcome.status == 3:
                losses = list(outcome.stderr[:-1])
                text = WORDS["extract_loss"].format(lines="\n".join([*losses, outcome.message()]))
                if not ui.ask("allow_loss", WORDS["extract_title"], text.replace(path, self.shown_name(document)),
                              default=False):
                    return
                outcome = runner.run(package, ["extract", path, "--out", folder, "--allow-loss"])
            outcome = outcome.replace(path, self.shown_name(document))
        if outcome.status != 0:
            ui.error(WORDS["extract_title"], outcome.message())
            return
        ui.show(WORDS["extract_title"], [WORDS["extract_done"].format(folder=folder), *outcome.stderr,
                                          *outcome.stdout])

    def rebuild(self, ui: Dialogs) -> None:
        document = self.spreadsheet(ui)
        package = document and self.package(ui)
        if not package:
            return
        beside = self.beside(document)
        default = beside if os.path.isdir(beside) else os.path.dirname(beside)
        folder = ui.choose_folder("data_folder", WORDS["rebuild_title"],
                                  WORDS["rebuild_folder"].format(folder=default), WORDS["rebuild_pick"], default)
        if folder is None:
            return
        # The new workbook goes beside its data folder, under the name build gives it; for an .ods
        # open in Calc, with its .ods edition, which is what is opened then.
        where = os.path.dirname(os.path.abspath(folder))
        ods = self.is_ods(document)
        build = ["build", "--data", folder, *(["--ods"] if ods else [])]
        outcome = runner.run(package, build, cwd=where)
        if runner.asks_to_force(outcome):
            # Build keeps a workbook with edits unless told otherwise: the analyst decides.
            if not ui.ask("replace_edited", WORDS["rebuild_title"],
                          WORDS["rebuild_replace"].format(message=outcome.message()), default=False):
                ui.show(WORDS["rebuild_title"], [outcome.message(), WORDS["rebuild_kept"]])
                return
            outcome = runner.run(package, [*build, "--force"], cwd=where)
        if outcome.status != 0:
            ui.error(WORDS["rebuild_title"], outcome.message())
            return
        written = runner.written_paths(outcome, where)
        if ods:
            written = sorted(written, key=lambda path: not path.lower().endswith(".ods"))
        lines = [*outcome.stderr, *(f"wrote {path}" for path in written)]
        if written and self.open_document(written[0]) is not None and self.open_document(written[0]).isModified():
            ui.show(WORDS["rebuild_title"], [*lines, WORDS["rebuild_open_unsaved"].format(workbook=written[0])])
            return
        ui.show(WORDS["rebuild_title"], lines)
        if written:
            # Once this command is over: the window showing the old file may be the one it runs in.
            self.later(lambda: self.open_rebuilt(written[0]))

    def about(self, ui: Dialogs) -> None:
        package = self.package(ui)
        if not package:
            return
        lines = [WORDS["about_text"].format(version=package.version, extension_version=SETTINGS["version"],
                                            python=package.describe(), source=SETTINGS["source"])]
        document = self.document()
        if document is not None:
            made_by = self.made_by(document)
            if made_by:
                lines.append(WORDS["about_workbook"].format(version=made_by))
        ui.show(WORDS["about_title"], lines)

    # ------------------------------------------------------------ the document and the package

    def document(self) -> UnoObject:
        if self.frame is None or self.frame.getController() is None:
            return None
        return self.frame.getController().getModel()

    def spreadsheet(self, ui: Dialogs) -> UnoObject:
        document = self.document()
        if document is None or not document.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            ui.error(WORDS["failed_title"], WORDS["not_a_spreadsheet"])
            return None
        return document

    def package(self, ui: Dialogs) -> runner.Package | None:
        if _found:
            return _found[0]
        package, reasons = runner.find_package(HERE, SETTINGS.get("python"))
        if package is None:
            ui.error(WORDS["not_found_title"], WORDS["not_found"].format(
                python=runner.libreoffice_python() or "python3", install=WORDS["install"],
                tried="\n".join(reasons)))
            return None
        _found.append(package)
        return package

    @staticmethod
    def workbook_file(document: UnoObject, folder: str) -> tuple[str, bool]:
        """The workbook's file, or (when Calc holds unsaved changes, or it is no .xlsx or .ods) a copy
        that Calc saves into ``folder`` as .xlsx; and whether it is a copy. The document itself is
        left as it is."""
        url = document.getURL()
        if url and not document.isModified() and url.lower().endswith((".xlsx", ".ods")):
            return uno.fileUrlToSystemPath(url), False
        name = os.path.splitext(os.path.basename(uno.fileUrlToSystemPath(url)) if url else document.Title)[0]
        copy = os.path.join(folder, f"{name or 'workbook'}.xlsx")
        document.storeToURL(uno.systemPathToFileUrl(copy), _props(FilterName=XLSX_FILTER, Overwrite=True))
        return copy, True

    def recalculated_copy(self, path: str, folder: str) -> str:
        """The workbook at ``path`` recalculated in this Calc (as Data > Calculate > Recalculate Hard
        does) and saved into ``folder``: what the check compares its cached values with. It is
        done on a copy opened unseen, with macros and links off, so that the analyst's document
        is neither recalculated nor marked changed."""
        source = os.path.join(folder, "to-recalculate", os.path.basename(path))
        os.makedirs(os.path.dirname(source))
        shutil.copyfile(path, source)
        copy = self.desktop().loadComponentFromURL(
            uno.systemPathToFileUrl(source), "_blank", 0,
            # MacroExecMode.NEVER_EXECUTE and UpdateDocMode.NO_UPDATE: 0 both.
            _props(Hidden=True, ReadOnly=False, MacroExecutionMode=0, UpdateDocMode=0))
        if copy is None:
            raise RuntimeError(f"LibreOffice could not open a copy of {path}")
        try:
            copy.calculateAll()
            # Saved as .xlsx, and named so, whether the workbook is an .xlsx or an .ods.
            recalculated = os.path.join(folder, "recalculated", os.path.splitext(os.path.basename(path))[0] + ".xlsx")
            os.makedirs(os.path.dirname(recalculated))
            copy.storeToURL(uno.systemPathToFileUrl(recalculated), _props(FilterName=XLSX_FILTER, Overwrite=True))
        finally:
            copy.close(True)
        return recalculated

    @staticmethod
    def is_ods(document: UnoObject) -> bool:
        return str(document.getURL()).lower().endswith(".ods")

    @staticmethod
    def shown_name(document: UnoObject) -> str:
        url = document.getURL()
        return uno.fileUrlToSystemPath(url) if url else document.Title

    @staticmethod
    def beside(document: UnoObject) -> str:
        """The folder of data files beside the workbook: ``NAME-data`` for ``NAME.xlsx``."""
        url = document.getURL()
        path = uno.fileUrlToSystemPath(url) if url else os.path.join(os.path.expanduser("~"), document.Title)
        return os.path.splitext(path)[0] + "-data"

    @staticmethod
    def made_by(document: UnoObject) -> str | None:
        properties = document.getDocumentProperties().getUserDefinedProperties()
        name = SETTINGS["made_by_property"]
        if properties.getPropertySetInfo().hasPropertyByName(name):
            return str(properties.getPropertyValue(name))
        return None

    @staticmethod
    def select(document: UnoObject, place: tuple[str, str | None]) -> bool:
        """Show the finding's cell (or sheet) in Calc, selected."""
        sheet_name, cell = place
        if not document.Sheets.hasByName(sheet_name):
            return False
        sheet = document.Sheets.getByName(sheet_name)
        controller = document.getCurrentController()
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByName(cell or "A1"))
        return True

    def open_document(self, path: str) -> UnoObject:
        """The document open here on the file ``path``, or None."""
        url = uno.systemPathToFileUrl(path)
        components = self.desktop().getComponents().createEnumeration()
        while components.hasMoreElements():
            component = components.nextElement()
            if hasattr(component, "getURL") and component.getURL() == url:
                return component
        return None

    def open_rebuilt(self, path: str) -> None:
        """Open the rebuilt workbook, closing first a window that showed the file before (it has
        no unsaved changes: the command stopped short of this if it had)."""
        old = self.open_document(path)
        if old is not None:
            if old.isModified():
                return
            old.close(True)
        # In a window like the one the command came from: hidden there (a script's, or a test's
        # headless Calc, which cannot show one) means hidden here.
        self.desktop().loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                            _props(Hidden=self.hidden))

    def desktop(self) -> UnoObject:
        return self.context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.context)

    def later(self, work: Callable[[], object]) -> None:
        """Run ``work`` once the command has returned to Calc's event loop."""
        callback = self.context.ServiceManager.createInstanceWithContext("com.sun.star.awt.AsyncCallback",
                                                                         self.context)
        callback.addCallback(_Later(work), None)


class _Later(unohelper.Base, XCallback):
    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work

    def notify(self, data: object) -> None:
        try:
            self.work()
        except Exception:  # nobody to tell but the log: the command itself has ended
            traceback.print_exc(file=sys.stderr)


class Dialogs:
    """The dialogs of one command; with TECH_TRADE_ADDIN_UNATTENDED, records of them instead."""

    def __init__(self, context: UnoObject, frame: UnoObject, command: str) -> None:
        self.context = context
        self.frame = frame
        self.command = command
        self.unattended = os.environ.get(UNATTENDED_ENV_VAR) or None

    # ------------------------------------------------------------ unattended: records and answers

    def record(self, kind: str, title: str, **content: object) -> None:
        assert self.unattended is not None, "a record is kept only unattended"
        with open(os.path.join(self.unattended, "dialogs.jsonl"), "a", encoding="utf-8") as log:
            log.write(json.dumps({"command": self.command, "kind": kind, "title": title, **content}) + "\n")

    def answer(self, key: str, default: Any) -> Any:
        if not self.unattended:
            return default
        try:
            with open(os.path.join(self.unattended, "answers.json"), encoding="utf-8") as answers:
                return json.load(answers).get(key, default)
        except FileNotFoundError:
            return default

    # ------------------------------------------------------------ dialogs
    # Unattended, each dialog is still built, as it would be shown, and then closed unseen: what
    # a test runs is the dialog's own code, up to the analyst's click.

    def show(self, title: str, lines: list[str]) -> None:
        self.message_box("infobox", title, "\n".join(lines), record=dict(kind="info", lines=lines))

    def error(self, title: str, message: str) -> None:
        self.message_box("errorbox", title, message, record=dict(kind="error", lines=[message]))

    def ask(self, key: str, title: str, text: str, default: bool) -> bool:
        # pyuno imports a constants group as a module; its stubs declare a class, hence the ignores.
        from com.sun.star.awt.MessageBoxButtons import BUTTONS_YES_NO, DEFAULT_BUTTON_NO  # type: ignore[import-not-found]
        from com.sun.star.awt.MessageBoxResults import NO, YES  # type: ignore[import-not-found]
        given = bool(self.answer(key, default))
        answer = self.message_box("querybox", title, text, BUTTONS_YES_NO + DEFAULT_BUTTON_NO,
                                  record=dict(kind="question", key=key, lines=[text], answer=given),
                                  answer=YES if given else NO)
        return bool(answer == YES)

    def choose_folder(self, key: str, title: str, text: str, pick_title: str, default: str) -> str | None:
        """``default`` (Yes), another folder the analyst picks (No), or None (Cancel)."""
        from com.sun.star.awt.MessageBoxButtons import BUTTONS_YES_NO_CANCEL, DEFAULT_BUTTON_YES
        from com.sun.star.awt.MessageBoxResults import NO, YES
        # Unattended, the answer is the folder itself: the default (Yes) or another one (No).
        chosen = self.answer(key, default) if self.unattended else None
        choice = self.message_box("querybox", title, text, BUTTONS_YES_NO_CANCEL + DEFAULT_BUTTON_YES,
                                  record=dict(kind="folder", key=key, lines=[text], answer=chosen),
                                  answer=YES if chosen == default else NO)
        if choice == YES:
            return default
        if choice != NO:  # Cancel, or the box closed
            return None
        picker = self.context.ServiceManager.createInstanceWithContext("com.sun.star.ui.dialogs.FolderPicker",
                                                                       self.context)
        picker.setTitle(pick_title)
        start = default
        while start and not os.path.isdir(start):
            start = os.path.dirname(start)
        if start:
            picker.setDisplayDirectory(uno.systemPathToFileUrl(start))
        if self.unattended:
            return chosen
        if picker.execute() != 1:
            return None
        return uno.fileUrlToSystemPath(picker.getDirectory())

    def findings(self, title: str, header: list[str], findings: list[Finding],
                 go_to: Callable[[tuple[str, str | None]], object]) -> None:
        """Each finding on a line of a list, and a button that selects the cell of the one picked."""
        dialog = FindingsDialog(self.context, self.parent_window(), title, header, findings, go_to)
        if not self.unattended:
            dialog.execute()
            return
        self.record("findings", title, lines=header,
                    findings=[{"text": text, "place": list(place) if place else None} for text, place in findings])
        try:
            chosen = self.answer("go_to", None)
            if chosen is not None:
                # As the analyst does: pick the finding in the list, press Go to cell.
                dialog.press_go_to(chosen)
        finally:
            dialog.dispose()

    def parent_window(self) -> UnoObject:
        return self.frame.getContainerWindow() if self.frame is not None else None

    def message_box(self, kind: str, title: str, text: str, buttons: int = 1, record: dict[str, Any] | None = None,
                    answer: int = 1) -> int:
        """Show a message box; its result (com.sun.star.awt.MessageBoxResults). Unattended: record it
        and give ``answer``."""
        from com.sun.star.awt.MessageBoxType import ERRORBOX, INFOBOX, QUERYBOX
        toolkit = self.context.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", self.context)
        box_type = {"infobox": INFOBOX, "errorbox": ERRORBOX, "querybox": QUERYBOX}[kind]
        box = toolkit.createMessageBox(self.parent_window(), box_type, buttons, title, text)
        try:
            if self.unattended:
                assert record is not None, "an unattended dialog is recorded"
                self.record(record.pop("kind"), title, **record)
                return answer
            pressed: int = box.execute()
            return pressed
        finally:
            box.dispose()


class FindingsDialog(unohelper.Base, XActionListener):
    """A list of findings with Go to cell and Close."""

    WIDTH, HEIGHT, MARGIN = 420, 230, 6

    def __init__(self, context: UnoObject, parent: UnoObject, title: str, header: list[str], findings: list[Finding],
                 go_to: Callable[[tuple[str, str | None]], object]) -> None:
        self.findings = findings
        self.go_to = go_to
        manager = context.ServiceManager
        model = manager.createInstanceWithContext("com.sun.star.awt.UnoControlDialogModel", context)
        model.Width, model.Height, model.Title = self.WIDTH, self.HEIGHT, title
        inner = self.WIDTH - 2 * self.MARGIN
        self._add(model, "header", "FixedText", 0, inner, 24, Label="\n".join(header), MultiLine=True)
        self._add(model, "list", "ListBox", 28, inner, self.HEIGHT - 56,
                  StringItemList=tuple(text for text, _ in findings), Border=1)
        self._add(model, "go", "Button", self.HEIGHT - 22, 80, 16, Label=WORDS["go_to"], DefaultButton=True)
        close = self._add(model, "close", "Button", self.HEIGHT - 22, 60, 16, Label=WORDS["close"],
                          PushButtonType=2)  # CANCEL: closes the dialog
        close.PositionX = self.WIDTH - self.MARGIN - 60
        self.dialog = manager.createInstanceWithContext("com.sun.star.awt.UnoControlDialog", context)
        self.dialog.setModel(model)
        self.dialog.getControl("go").addActionListener(self)
        # A double click on a finding goes to it too.
        self.dialog.getControl("list").addActionListener(self)
        toolkit = manager.createInstanceWithContext("com.sun.star.awt.Toolkit", context)
        self.dialog.createPeer(toolkit, parent)

    def _add(self, model: UnoObject, name: str, kind: str, top: int, width: int, height: int,
             **properties: object) -> UnoObject:
        control = model.createInstance(f"com.sun.star.awt.UnoControl{kind}Model")
        control.PositionX, control.PositionY, control.Width, control.Height = self.MARGIN, self.MARGIN + top, width, height
        for key, value in properties.items():
            setattr(control, key, value)
        model.insertByName(name, control)
        return control

    def execute(self) -> None:
        try:
            self.dialog.execute()
        finally:
            self.dialog.dispose()

    def dispose(self) -> None:
        self.dialog.dispose()

    def press_go_to(self, position: int) -> None:
        """Pick the finding at ``position`` in the list and press Go to cell."""
        self.dialog.getControl("list").selectItemPos(position, True)
        self.actionPerformed(None)

    def actionPerformed(self, event: ActionEvent | None) -> None:
        chosen = self.dialog.getControl("list").getSelectedItemPos()
        if 0 <= chosen < len(self.findings) and self.findings[chosen][1] is not None:
            self.go_to(self.findings[chosen][1])

    def disposing(self, event: EventObject) -> None:
        pass


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Commands, IMPLEMENTATION, ("com.sun.star.frame.ProtocolHandler",))
