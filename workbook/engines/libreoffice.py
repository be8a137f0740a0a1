"""Run LibreOffice headless: recalculate a workbook, print it to PDF, or convert it to and from .ods.

Every run uses a throwaway user profile of its own, so that it never reads or
changes the user's LibreOffice settings, never hands the job to a LibreOffice
the user has open, and can run beside other runs.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from workbook.errors import MissingToolError, TechTradeError
from workbook.engines.pdf_tags import add_figure_descriptions, chart_descriptions

#: Names the user's own choice of soffice program.
SOFFICE_ENV_VAR = "TECH_TRADE_SOFFICE"

#: Where LibreOffice usually lives when soffice is not on PATH.
SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

#: Seconds one conversion may take before it is abandoned.
CONVERSION_TIMEOUT = 300

XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
# A tagged PDF (PDF/UA): a structure tree a screen reader follows, with the document's title and
# language and each chart's alternative text. LibreOffice 7.4 takes a filter's options as JSON.
PDF_FILTER = ('pdf:calc_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
              '"PDFUACompliance":{"type":"boolean","value":"true"}}')
ODS_FILTER = "ods:calc8"

_INSTALL_HINT = f"install libreoffice-calc-nogui (Debian) or set {SOFFICE_ENV_VAR}"

# LibreOffice keeps the cached results of an .xlsx or .ods by default; 0 ("always
# recalculate") makes every conversion show what the formulas compute today, and 1
# ("never") keeps the results the file holds (to read an .ods's own cached values).
# The workbooks converted may come from anyone: macros never run (security level 3,
# "very high", and execution disabled) and links to other files are never updated
# (Calc's link mode 1, "never"), so a conversion reads nothing but the workbook.
_PROFILE = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{recalculation_mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{recalculation_mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""
_ALWAYS_RECALCULATE = 0
_NEVER_RECALCULATE = 1


def find_soffice() -> Path:
    """The soffice program to run: TECH_TRADE_SOFFICE, else PATH, else the usual places."""
    chosen = os.environ.get(SOFFICE_ENV_VAR)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise MissingToolError(f"LibreOffice not found at {SOFFICE_ENV_VAR}={chosen}: {_INSTALL_HINT}")
        return Path(found)
    for candidate in ("soffice", *SOFFICE_CANDIDATES):
        found = shutil.which(candidate)
        if found is not None:
            return Path(found)
    raise MissingToolError(f"LibreOffice is not installed: {_INSTALL_HINT}")


def recalculate(path: Path, out_dir: Path) -> Path:
    """Recalculate every formula of ``path`` and save the result as .xlsx in ``out_dir``."""
    with recalculation_started(path, out_dir) as result:
        return result()


@contextlib.contextmanager
def recalculation_started(path: Path, out_dir: Path) -> Iterator[Callable[[], Path]]:
    """Start recalculating ``path`` into ``out_dir`` in the background; yield what waits for the result.

    The caller can do other work meanwhile (``check`` validates the schema). LibreOffice is
    stopped if the block is left before its result was taken (an error, Ctrl-C, SIGTERM).
    """
    with _conversion_started(Path(path), Path(out_dir), XLSX_FILTER, ".xlsx") as result:
        yield result


def convert_to_pdf(path: Path, out_dir: Path, leave_out: Collection[str] = ()) -> Path:
    """Print ``path`` (recalculated) to a PDF in ``out_dir``, as its print setup says.

    The sheets named in ``leave_out`` are not printed: LibreOffice prints a copy of the
    workbook in which they are hidden (hidden sheets are not printed, and formulas still
    read them). The workbook itself is never changed.
    """
    path = Path(path)
    if not leave_out:
        with _conversion_started(path, Path(out_dir), PDF_FILTER, ".pdf") as result:
            return _described(result(), path)
    with tempfile.TemporaryDirectory(prefix="tech-trade-print-") as folder:
        copy = Path(folder) / path.name
        hide_sheets(path, copy, leave_out)
        with _conversion_started(copy, Path(out_dir), PDF_FILTER, ".pdf") as result:
            return _described(result(), copy)


def _described(pdf: Path, printed: Path) -> Path:
    """The PDF with each chart's alternative text on its Figure, which LibreOffice 7.4 leaves out."""
    add_figure_descriptions(pdf, chart_descriptions(printed))
    return pdf


#: A sheet of the workbook part's list of sheets, with its name.
_SHEET_ELEMENT = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?/>')
#: A sheet's print area or print titles, by the sheet's place in the list (from 0).
_PRINT_SETTING = re.compile(
    r'<definedName name="_xlnm\.(?:Print_Area|Print_Titles)" localSheetId="(\d+)">[^<]*</definedName>')


def hide_sheets(path: Path, copy: Path, names: Collection[str]) -> None:
    """Write to ``copy`` the workbook ``path`` with the sheets ``names`` hidden and left unprinted.

    LibreOffice prints a hidden sheet that has a print area, so their print areas (and
    repeated rows) go too. Every other part is copied as it is. For the tool's own
    workbooks, just written: the sheet list is XlsxWriter's, one element a sheet.
    """
    wanted = set(names)

    def without_sheets(workbook_part: str) -> str:
        places = {str(place) for place, found in enumerate(_SHEET_ELEMENT.finditer(workbook_part))
                  if html.unescape(found.group(1)) in wanted}

        def hidden(found: re.Match[str]) -> str:
            element = found.group(0)
            if html.unescape(found.group(1)) not in wanted or " state=" in element:
                return element
            return element[:-2] + ' state="hidden"/>'

        def unprinted(found: re.Match[str]) -> str:
            return "" if found.group(1) in places else found.group(0)

        return _PRINT_SETTING.sub(unprinted, _SHEET_ELEMENT.sub(hidden, workbook_part))

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = without_sheets(data.decode("utf-8")).encode("utf-8")
            # A fresh entry: the source's carries the size and checksum of the part before the change.
            target.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def convert_to_ods(path: Path, out_dir: Path) -> Path:
    """``path`` (recalculated on loading) saved as OpenDocument (.ods) in ``out_dir``."""
    with _conversion_started(Path(path), Path(out_dir), ODS_FILTER, ".ods") as result:
        return result()


@contextlib.contextmanager
def xlsx_conversion_started(path: Path, out_dir: Path, recalculate: bool) -> Iterator[Callable[[], Path]]:
    """Start saving ``path`` (an .ods) as .xlsx in ``out_dir``; yield what waits for the result.

    With ``recalculate``, LibreOffice recalculates every formula as it loads the file; without,
    the .xlsx carries the results the file holds (its cached values).
    """
    with _conversion_started(Path(path), Path(out_dir), XLSX_FILTER, ".xlsx", recalculate=recalculate) as result:
        yield result


@contextlib.contextmanager
def private_profile(recalculate: bool = True) -> Iterator[str]:
    """Yield the soffice option for a fresh throwaway user profile that always recalculates
    files on loading (or, without ``recalculate``, never does)."""
    with tempfile.TemporaryDirectory(prefix="tech-trade-lo-profile-", ignore_cleanup_errors=True) as folder:
        settings = Path(folder) / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        mode = _ALWAYS_RECALCULATE if recalculate else _NEVER_RECALCULATE
        settings.write_text(_PROFILE.format(recalculation_mode=mode), encoding="utf-8")
        yield f"-env:UserInstallation={Path(folder).resolve().as_uri()}"


@contextlib.contextmanager
def _conversion_started(path: Path, out_dir: Path, convert_to: str, suffix: str,
                        recalculate: bool = True) -> Iterator[Callable[[], Path]]:
    if not path.is_file():
        raise TechTradeError(f"{path}: no such file")
    target = out_dir / f"{path.stem}{suffix}"
    if target.resolve() == path.resolve():
        raise TechTradeError(f"{path}: LibreOffice would overwrite it; choose another output folder")
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A file left by an earlier run must not pass for this run's result.
    target.unlink(missing_ok=True)
    with private_profile(recalculate) as profile_option:
        command = [
            str(soffice),
            profile_option,
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", convert_to,
            "--outdir", str(out_dir),
            # Absolute, so that a name starting with "-" cannot pass for an option.
            str(path.resolve()),
        ]
        what = f"converting {path}"
        process = _start(command)

        def result() -> Path:
            stderr = _finish(process, what)
            if not target.is_file():
                raise TechTradeError(f"LibreOffice could not convert {path}: {_last_error_line(stderr)}")
            return target

        try:
            yield result
        finally:
            if process.returncode is None:
                # Left early (an error, Ctrl-C, SIGTERM): LibreOffice runs in a session of its
                # own and would outlive the tool.
                _kill_group(process)


def _start(command: list[str]) -> subprocess.Popen[str]:
    """Start LibreOffice in a session of its own: soffice starts soffice.bin as a child, so
    killing soffice alone would leave the real worker running."""
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )


def _finish(process: subprocess.Popen[str], what: str) -> str:
    """Wait for LibreOffice; return its stderr. Kill the whole process group on timeout."""
    try:
        _, stderr = process.communicate(timeout=CONVERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise TechTradeError(f"LibreOffice took more than {CONVERSION_TIMEOUT} s {what}; stopped it") from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        raise TechTradeError(
            f"LibreOffice failed {what} (exit status {process.returncode}): {_last_error_line(stderr)}"
        )
    return stderr


def _kill_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, AttributeError):
        # Already gone, or no process groups on this system (Windows).
        process.kill()
    process.communicate()


def _last_error_line(stderr: str) -> str:
    """The line of LibreOffice's chatter that says what went wrong."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    if errors:
        return errors[-1]
    return lines[-1] if lines else "it printed no reason"
