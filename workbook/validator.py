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

import json
import os
import shutil
import subprocess
from pathlib import Path

from workbook.errors import MissingToolError, TechTradeError

#: Names the user's own choice of validator program.
VALIDATOR_ENV_VAR = "TECH_TRADE_OOXML_VALIDATE"

PROGRAM = "ooxml-validate"

#: The versions ``--ov`` accepts; the validator's default is the first.
OFFICE_VERSIONS = (
    "Microsoft365", "Office2007", "Office2010", "Office2013", "Office2016", "Office2019", "Office2021",
)

#: Seconds one validation may take before it is abandoned: it runs .NET in WebAssembly
#: and needs about 80 s for a workbook of 33,000 rows.
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


def validate(path: Path, office_version: str | None = None) -> list[dict]:
    """The validator's findings for ``path``; an empty list means the file is valid."""
    path = Path(path)
    check_office_version(office_version)
    if not path.is_file():
        raise TechTradeError(f"{path}: no such file")
    command = [str(find_validator()), "--of", "json", "--format", _document_format(path)]
    if office_version is not None:
        command += ["--ov", office_version]
    command.append(str(path.resolve()))
    return _parse_findings(_run(command, path), path)


def check_office_version(office_version: str | None) -> None:
    """Refuse a version the validator does not know, before any time is spent."""
    if office_version is not None and office_version not in OFFICE_VERSIONS:
        raise TechTradeError(f"unknown Office version {office_version!r}: choose one of {', '.join(OFFICE_VERSIONS)}")


def _document_format(path: Path) -> str:
    return _FORMAT_BY_SUFFIX.get(path.suffix.lower(), "xlsx")


def _run(command: list[str], path: Path) -> str:
    """Run the validator; return what it printed. It exits 0 whatever it finds."""
    try:
        result = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=VALIDATION_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise TechTradeError(f"the Office Open XML validator took more than {VALIDATION_TIMEOUT} s on {path}") from None
    if result.returncode != 0:
        raise TechTradeError(f"the Office Open XML validator could not read {path}: {_reason(result.stderr)}")
    return result.stdout


def _parse_findings(output: str, path: Path) -> list[dict]:
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
