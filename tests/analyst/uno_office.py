"""Run lo_driver.py: LibreOffice Calc over UNO, from the tests.

The driver needs LibreOffice's ``uno`` module, which Debian ships for the system
Python only (python3-uno), so it runs as a subprocess of that interpreter and
takes its work as JSON. One call is one soffice start, so tests batch their
edits and reads into as few calls as they can.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import MissingToolError

#: The interpreter with LibreOffice's Python bridge; TECH_TRADE_UNO_PYTHON names another.
UNO_PYTHON_ENV_VAR = "TECH_TRADE_UNO_PYTHON"
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).with_name("lo_driver.py")
#: Seconds one driver call may take, soffice's start and stop included.
SESSION_TIMEOUT = 300
#: Extra seconds the driver gets to report its own timeout before it is killed from here.
GRACE = 60


def find_uno_python() -> Path:
    """The Python that can ``import uno``, or MissingToolError saying what to install."""
    python = Path(os.environ.get(UNO_PYTHON_ENV_VAR) or DEFAULT_UNO_PYTHON)
    if not python.exists():
        raise MissingToolError(f"{python} not found: the LibreOffice tests need the system Python with python3-uno")
    probe = subprocess.run([str(python), "-c", "import uno"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        raise MissingToolError(f"{python} cannot import uno: install python3-uno (Debian) "
                               f"or set {UNO_PYTHON_ENV_VAR} to a Python that has it")
    return python


class OfficeError(AssertionError):
    """LibreOffice did not do what a test asked."""


@dataclass(frozen=True)
class Office:
    """Runs sessions of the driver: open a workbook, apply actions, return their results."""

    python: Path
    soffice: Path

    def run(self, workbook: Path, actions: list[dict], timeout: int = SESSION_TIMEOUT) -> list:
        # Encoded before the driver starts: a value JSON cannot hold fails here, with no process left running.
        request = json.dumps({"soffice": str(self.soffice), "workbook": str(workbook), "timeout": timeout,
                              "actions": actions})
        process = subprocess.Popen([str(self.python), str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = process.communicate(request, timeout=timeout + GRACE)
        except subprocess.TimeoutExpired:
            stderr = _kill(process)
            raise OfficeError(f"the LibreOffice session on {workbook} did not end within {timeout + GRACE} s; "
                              f"stopped it. {stderr[-2000:]}") from None
        try:
            answer = json.loads(stdout)
        except json.JSONDecodeError:
            raise OfficeError(f"the LibreOffice driver exited with status {process.returncode} and no answer: "
                              f"{stderr[-2000:]}") from None
        if "error" in answer:
            raise OfficeError(f"LibreOffice session on {workbook}: {answer['error']}\n{answer.get('traceback', '')}")
        return answer["results"]


def _kill(process: subprocess.Popen) -> str:
    """Kill the driver and the soffice it started (which runs in a process group of its own)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, stderr = process.communicate()
    for found in re.findall(r"soffice process group (\d+)", stderr or ""):
        try:
            os.killpg(int(found), signal.SIGKILL)
        except ProcessLookupError:
            pass
    return stderr or ""
