"""How the LibreOffice extension runs the package: it finds a Python that has it, and runs
``python -m workbook COMMAND ...`` there, as a person would at a terminal.

This module is copied into the extension (``pythonpath/tech_trade_addin_runner.py``) and
runs inside LibreOffice's own Python, so it imports nothing but the standard library: the
package and its dependencies (pandas, openpyxl, XlsxWriter) are loaded only by the command
it starts, in a process of its own, which keeps them out of Calc's memory and a crash of
theirs out of Calc.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

#: An interpreter that has the package, named by the analyst; tried first.
PYTHON_ENV_VAR = "TECH_TRADE_PYTHON"
#: What a Python must import to run every command; prints the package's version.
PROBE = ("import workbook, workbook.commands.cli, workbook.commands.build, workbook.checking.check, workbook.commands.extract; "
         "print(workbook.__version__)")
#: Seconds a probe may take (the first import of pandas is slow on a cold disk).
PROBE_TIMEOUT = 120
#: Seconds a command may take before it is stopped: a check of a large workbook takes a minute.
COMMAND_TIMEOUT = 1800
#: The command's exit status for an error said in one line (as the command line's; also given here
#: to a command that could not be started or was stopped for taking too long).
EXIT_ERROR = 2

#: Environment variables LibreOffice sets for itself, which would mislead a Python or a
#: LibreOffice started from inside it (``tech-trade check`` starts one).
_OFFICE_VARIABLES = re.compile(r"^(PYTHONHOME|PYTHONPATH|URE_BOOTSTRAP|UNO_PATH|SAL_.*|OOO_.*|LO_.*|JFW_.*)$")

#: Python's -P: the current folder is not put first on the module path, so a folder named
#: ``workbook`` where a command runs (rebuild runs beside the data folder) cannot pass for the
#: package. Every Python the package runs on (3.11 and later) has it.
_SAFE_PATH = ("-P",)

#: A finding of ``tech-trade check`` about a cell: ``States!C5: ...`` or ``'Census exports'!K17: ...``.
_CELL_FINDING = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^'!:\s][^!:]*)!(?P<cell>\$?[A-Z]{1,3}\$?[0-9]+):\s")
#: An accessibility finding names a sheet: ``accessibility: Dashboard: chart ...``.
_SHEET_FINDING = re.compile(r"^accessibility: (?P<sheet>[^:]+): ")


@dataclass(frozen=True)
class Package:
    """A Python that runs the package, and the package's version there."""

    python: str
    version: str
    #: The extension's bundled copy of the package, put on the path; None for an installed one.
    pythonpath: str | None = None

    def command(self, *args: str) -> list[str]:
        return [self.python, *_SAFE_PATH, "-m", "workbook", *args]

    def environment(self) -> dict[str, str]:
        environment = {name: value for name, value in os.environ.items() if not _OFFICE_VARIABLES.match(name)}
        if self.pythonpath is not None:
            environment["PYTHONPATH"] = self.pythonpath
        return environment

    def describe(self) -> str:
        return self.python if self.pythonpath is None else f"{self.python} (with the copy in {self.pythonpath})"


@dataclass
class Outcome:
    """What a command did: its exit status and the lines it printed."""

    status: int
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def message(self) -> str:
        """The command's last line on standard error: its one-line error message."""
        return self.stderr[-1] if self.stderr else f"tech-trade stopped with exit status {self.status}"

    def replace(self, old: str, new: str) -> Outcome:
        """The same outcome with ``old`` (a temporary copy's path) shown as ``new`` in every line."""
        return Outcome(self.status, [line.replace(old, new) for line in self.stdout],
                       [line.replace(old, new) for line in self.stderr])


def libreoffice_python() -> str | None:
    """The interpreter of the Python LibreOffice runs (the system Python on Debian, with python3-uno)."""
    if os.path.basename(sys.executable or "").startswith("python"):
        return sys.executable
    # Inside soffice, sys.executable is soffice itself: the interpreter lives beside its library.
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for prefix in dict.fromkeys((sys.base_exec_prefix, sys.exec_prefix, "/usr")):
        for name in (f"python{version}", f"python{sys.version_info.major}"):
            candidate = os.path.join(prefix, "bin", name)
            if os.access(candidate, os.X_OK):
                return candidate
    return None


def candidates(extension_dir: str, configured: str | None) -> list[tuple[str, str | None]]:
    """(python, bundled pythonpath or None) to try, in order: the Python named by
    TECH_TRADE_PYTHON, the one the extension was built with, the package bundled in the
    extension (run by LibreOffice's Python), the package installed in LibreOffice's Python."""
    found: list[tuple[str, str | None]] = []
    for python in (os.environ.get(PYTHON_ENV_VAR), configured):
        if python:
            found.append((python, None))
    own_python = libreoffice_python()
    bundled = os.path.join(extension_dir, "pythonpath")
    if own_python and os.path.isfile(os.path.join(bundled, "workbook", "__init__.py")):
        found.append((own_python, bundled))
    if own_python:
        found.append((own_python, None))
    return list(dict.fromkeys(found))


def find_package(extension_dir: str, configured: str | None) -> tuple[Package | None, list[str]]:
    """The first candidate that imports the package with its dependencies; else None, and
    one line for each candidate saying why it would not do."""
    reasons = []
    for python, pythonpath in candidates(extension_dir, configured):
        package = Package(python, "", pythonpath)
        where = package.describe()
        if not os.access(python, os.X_OK):
            reasons.append(f"{where}: no such program")
            continue
        try:
            probe = subprocess.run([python, *_SAFE_PATH, "-c", PROBE], capture_output=True, text=True, errors="replace",
                                   env=package.environment(), stdin=subprocess.DEVNULL, timeout=PROBE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            reasons.append(f"{where}: {error}")
            continue
        if probe.returncode == 0 and probe.stdout.strip():
            return Package(python, probe.stdout.strip().splitlines()[-1], pythonpath), []
        lines = [line.strip() for line in probe.stderr.splitlines() if line.strip()]
        reasons.append(f"{where}: {lines[-1] if lines else f'exit status {probe.returncode}'}")
    return None, reasons


def run(package: Package, args: list[str], cwd: str | None = None) -> Outcome:
    """Run ``tech-trade ARGS`` with the package; never raises for what the command does."""
    try:
        done = subprocess.run(package.command(*args), capture_output=True, text=True, errors="replace", cwd=cwd,
                              env=package.environment(), stdin=subprocess.DEVNULL, timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        return Outcome(EXIT_ERROR, [], [f"tech-trade: error: {args[0]} took more than {COMMAND_TIMEOUT} s; stopped it"])
    except OSError as error:
        return Outcome(EXIT_ERROR, [], [f"tech-trade: error: could not start {package.python}: {error}"])
    return Outcome(done.returncode, _lines(done.stdout), _lines(done.stderr))


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def finding_place(line: str) -> tuple[str, str | None] | None:
    """The sheet and cell a finding of ``tech-trade check`` is about (cell None: the sheet
    alone), or None when it names neither (a schema finding names a part of the file)."""
    found = _CELL_FINDING.match(line)
    if found:
        sheet = found.group("sheet")
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        return sheet, found.group("cell").replace("$", "")
    found = _SHEET_FINDING.match(line)
    if found:
        return found.group("sheet"), None
    return None


def written_paths(outcome: Outcome, cwd: str | None = None) -> list[str]:
    """The files a command says it wrote (``wrote PATH`` lines), as absolute paths."""
    paths = []
    for line in outcome.stdout:
        if line.startswith("wrote "):
            paths.append(os.path.abspath(os.path.join(cwd or os.getcwd(), line[len("wrote "):])))
    return paths


def asks_to_force(outcome: Outcome) -> bool:
    """Whether ``build`` refused to replace a workbook that was edited (or that it did not write):
    its message then offers ``--force``."""
    return outcome.status == EXIT_ERROR and "--force" in outcome.message()
