"""How many formula cells of a built workbook each spreadsheet engine recalculates to the cached value.

    python3 docs/engine_agreement.py [WORKBOOK.xlsx] [--readme]

Builds the default workbook when none is given, recalculates it fully in each engine that is
installed, and prints a Markdown table: LibreOffice (headless, as `tech-trade check` runs it),
IronCalc (PyPI `ironcalc`, Excel's rules), pycel (PyPI `pycel`, Python's reading of Excel's
rules) and Gnumeric (`ssconvert --recalc`). A cell agrees when its recalculated value equals
its cached one (numbers within a relative 1e-9; text exactly; a deliberate `#N/A` gap with
`#N/A`). `--readme` writes the table into README.md between its two marker comments.
An engine that is not installed is listed as such, not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbook.engines import libreoffice  # noqa: E402
from workbook.checking.check import values_agree  # noqa: E402

BEGIN, END = "<!-- engine agreement: begin -->", "<!-- engine agreement: end -->"
Cells = dict[tuple[str, str], object]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", nargs="?", type=Path)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        path = args.workbook or _build(work)
        formulas, cached = _formulas_and_cached(path)
        rows = []
        for name, version, engine in ENGINES:
            try:
                values = engine(path, work, formulas)
            except EngineMissing as missing:
                rows.append(f"| {name} | not installed here ({missing}) | | |")
                continue
            agree = sum(values_agree(cached.get(cell), values.get(cell)) for cell in formulas)
            rows.append(f"| {name} | {version()} | {agree:,} of {len(formulas):,} | {100 * agree / len(formulas):.1f}% |")
    table = "\n".join(["| engine | version | formula cells equal to their cached values | share |",
                       "| --- | --- | --- | --- |", *rows])
    print(table)
    if args.readme:
        readme = REPO / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
        readme.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")
    return 0


class EngineMissing(Exception):
    pass


def _build(folder: Path) -> Path:
    path = folder / "default.xlsx"
    subprocess.run([sys.executable, "-m", "workbook", "build", "-q", "--data", str(REPO / "data"), "--out", str(path)],
                   check=True, cwd=folder)
    return path


@contextlib.contextmanager
def _quiet_openpyxl() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*extension is not supported", category=UserWarning)
        # Gnumeric's files carry no default cell style.
        warnings.filterwarnings("ignore", message="Workbook contains no default style", category=UserWarning)
        yield


def _read(path: Path, data_only: bool) -> Cells:
    with _quiet_openpyxl():
        book = openpyxl.load_workbook(path, data_only=data_only)
        return {(sheet.title, cell.coordinate): cell.value for sheet in book.worksheets
                for row in sheet.iter_rows() for cell in row if cell.value is not None}


def _formulas_and_cached(path: Path) -> tuple[list[tuple[str, str]], Cells]:
    formulas = [cell for cell, value in _read(path, False).items() if isinstance(value, str) and value.startswith("=")]
    return formulas, _read(path, True)


def _libreoffice(path: Path, work: Path, formulas: list[tuple[str, str]]) -> Cells:
    try:
        libreoffice.find_soffice()
    except Exception as missing:
        raise EngineMissing("apt-get install libreoffice-calc-nogui") from missing
    return _read(libreoffice.recalculate(path, work / "libreoffice"), True)


def _libreoffice_version() -> str:
    output = subprocess.run([str(libreoffice.find_soffice()), "--version"], capture_output=True, text=True).stdout
    found = re.search(r"LibreOffice (\S+)", output)
    return found.group(1) if found else output.strip()


def _ironcalc(path: Path, work: Path, formulas: list[tuple[str, str]]) -> Cells:
    try:
        import ironcalc
    except ImportError as missing:
        raise EngineMissing("pip install ironcalc") from missing
    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    model.evaluate()
    sheets = {properties["name"]: index for index, properties in enumerate(model.get_worksheets_properties())}
    return {(sheet, coordinate): model.get_cell_value(sheets[sheet], *coordinate_to_tuple(coordinate))
            for sheet, coordinate in formulas}


def _pycel(path: Path, work: Path, formulas: list[tuple[str, str]]) -> Cells:
    try:
        from pycel import ExcelCompiler
    except ImportError as missing:
        raise EngineMissing("pip install pycel") from missing
    values: Cells = {}
    with _quiet_openpyxl():
        compiler = ExcelCompiler(filename=str(path))
        for sheet, coordinate in formulas:
            try:
                values[(sheet, coordinate)] = compiler.evaluate(f"{sheet}!{coordinate}")
            except Exception:  # pycel stops on functions and forms it cannot compile: a cell that does not agree
                values[(sheet, coordinate)] = None
    return values


def _gnumeric(path: Path, work: Path, formulas: list[tuple[str, str]]) -> Cells:
    ssconvert = shutil.which("ssconvert")
    if ssconvert is None:
        raise EngineMissing("apt-get install gnumeric")
    out = work / "gnumeric.xlsx"
    subprocess.run([ssconvert, "--recalc", str(path), str(out)], capture_output=True, check=True)
    return _read(out, True)


def _version_of(module: str) -> Callable[[], str]:
    def version() -> str:
        from importlib.metadata import version as installed
        return installed(module)
    return version


def _gnumeric_version() -> str:
    output = subprocess.run(["ssconvert", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"version '?([\d.]+)", output)
    return found.group(1) if found else output.strip()


ENGINES: list[tuple[str, Callable[[], str], Callable[[Path, Path, list[tuple[str, str]]], Cells]]] = [
    ("LibreOffice Calc", _libreoffice_version, _libreoffice),
    ("IronCalc", _version_of("ironcalc"), _ironcalc),
    ("pycel", _version_of("pycel"), _pycel),
    ("Gnumeric", _gnumeric_version, _gnumeric),
]


if __name__ == "__main__":
    sys.exit(main())
