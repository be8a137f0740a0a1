"""Check a workbook against the Office Open XML schema with ``ooxml-validate``.

``ooxml-validate`` (npm package ``@ooxml-tools/validate``) bundles Microsoft's
Open XML SDK validator, the same rules behind Excel's "We found a problem with
some content" prompt. Each finding it prints as JSON looks like::

    {"description": "The 'bogusAttr' attribute is not declared.",
     "path": {"xpath": "/x:worksheet[1]", "partUri": "/xl/worksheets/sheet1.xml"},
     "id": "Sch_UndeclaredAttribute",
     "errorType": 0}
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.engines.child import output_within, stop
from workbook.errors import MissingToolError, TechTradeError
from workbook.checking.validation_copy import CopyReport, copy_for_validation

#: One finding as the validator prints it (JSON): its id, description and path (partUri, xpath), ...
ValidatorFinding = dict[str, Any]

#: Names the user's own choice of validator program.
VALIDATOR_ENV_VAR = "TECH_TRADE_OOXML_VALIDATE"

PROGRAM = "ooxml-validate"

#: The versions ``--ov`` accepts; the validator's default is the first.
OFFICE_VERSIONS = (
    "Microsoft365", "Office2007", "Office2010", "Office2013", "Office2016", "Office2019", "Office2021",
)

#: Seconds one validation may take before it is abandoned: it runs .NET in WebAssembly
#: and needs about 80 s for a workbook of 33,000 rows read whole.
VALIDATION_TIMEOUT = 900

_REPO_ROOT = Path(__file__).resolve().parent.parent

_INSTALL_HINT = "npm install -g @ooxml-tools/validate"

# The validator picks the format from the file name's ending, case-sensitively.
_FORMAT_BY_SUFFIX = {
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xltx": "xlsx", ".xltm": "xlsx",
    ".docx": "docx", ".docm": "docx", ".pptx": "pptx", ".pptm": "pptx",
}


def find_validator() -> Path:
    """The validator to run: TECH_TRADE_OOXML_VALIDATE, else PATH, else a local node_modules."""
    chosen = os.environ.get(VALIDATOR_ENV_VAR)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise MissingToolError(
                f"the Office Open XML validator not found at {VALIDATOR_ENV_VAR}={chosen}: {_INSTALL_HINT}"
            )
        return Path(found)
    found = shutil.which(PROGRAM) or _find_in_node_modules()
    if found is None:
        raise MissingToolError(f"the Office Open XML validator is not installed: {_INSTALL_HINT}")
    return Path(found)


def _find_in_node_modules() -> str | None:
    """A local ``npm install`` here or in the repository (no -g) puts it in node_modules/.bin."""
    for folder in (Path.cwd(), _REPO_ROOT):
        found = shutil.which(PROGRAM, path=str(folder / "node_modules" / ".bin"))
        if found is not None:
            return found
    return None


def validate(path: Path, office_version: str | None = None) -> list[ValidatorFinding]:
    """The validator's findings for ``path``; an empty list means the file is valid.

    The rows of sheets that pass the tool's own check of them are left out of what the
    validator reads (:mod:`workbook.checking.validation_copy`); the findings are those of the
    whole file.
    """
    with validation_started(path, office_version) as running:
        return running.findings()


@contextlib.contextmanager
def validation_started(path: Path, office_version: str | None = None,
                       whole: bool = False) -> Iterator[RunningValidation]:
    """Start validating ``path`` in the background; yield it, to wait for its findings.

    The caller can do other work meanwhile (``check`` recalculates in LibreOffice). The
    validator is stopped if the block is left before its findings were taken.
    """
    path = Path(path)
    check_office_version(office_version)
    if not path.is_file():
        raise TechTradeError(f"{path}: no such file")
    program = find_validator()
    with tempfile.TemporaryDirectory(prefix="tech-trade-validate-", ignore_cleanup_errors=True) as folder:
        copy = None if whole else _copy(path, Path(folder), office_version)
        read = path.resolve() if copy is None else copy[0]
        command = [str(program), "--of", "json", "--format", _document_format(path)]
        if office_version is not None:
            command += ["--ov", office_version]
        command.append(str(read))
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, errors="replace")
        try:
            yield RunningValidation(process, path, None if copy is None else copy[1])
        finally:
            stop(process)


@dataclass
class RunningValidation:
    """The validator at work on a workbook (``path``), reading ``left_out``'s copy of it, or the
    file itself where ``left_out`` is None."""

    process: subprocess.Popen[str]
    path: Path
    left_out: CopyReport | None

    def findings(self) -> list[ValidatorFinding]:
        """Wait for the validator; its findings."""
        return _parse_findings(_finish(self.process, self.path), self.path)


def _copy(path: Path, folder: Path, office_version: str | None) -> tuple[Path, CopyReport] | None:
    """The copy for the validator and what it left out; None where the file cannot be copied
    (the validator then reads the file itself and says what is wrong with it, as it always has)."""
    copy = folder / f"workbook{path.suffix.lower() or '.xlsx'}"
    try:
        return copy, copy_for_validation(path, copy, office_version)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError,
            NotImplementedError, RuntimeError):
        return None


def check_office_version(office_version: str | None) -> None:
    """Refuse a version the validator does not know, before any time is spent."""
    if office_version is not None and office_version not in OFFICE_VERSIONS:
        raise TechTradeError(f"unknown Office version {office_version!r}: choose one of {', '.join(OFFICE_VERSIONS)}")


def _document_format(path: Path) -> str:
    return _FORMAT_BY_SUFFIX.get(path.suffix.lower(), "xlsx")


def _finish(process: subprocess.Popen[str], path: Path) -> str:
    """Wait for the validator; return what it printed. It exits 0 whatever it finds."""
    finished = output_within(process, VALIDATION_TIMEOUT)
    if finished is None:
        raise TechTradeError(f"the Office Open XML validator took more than {VALIDATION_TIMEOUT} s on {path}")
    stdout, stderr = finished
    if process.returncode != 0:
        raise TechTradeError(f"the Office Open XML validator could not read {path}: {_reason(stderr)}")
    return stdout


def _parse_findings(output: str, path: Path) -> list[ValidatorFinding]:
    try:
        findings = json.loads(output)
    except json.JSONDecodeError:
        raise TechTradeError(f"the Office Open XML validator printed no JSON for {path}") from None
    if not isinstance(findings, list):
        raise TechTradeError(f"the Office Open XML validator printed unexpected JSON for {path}")
    return findings


def _reason(stderr: str) -> str:
    """The line that says why: the validator prints its usage text and a stack trace around it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line
    return lines[-1] if lines else "it printed no reason"
