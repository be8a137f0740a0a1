"""Text from data is always text in the workbook: a state name, category label, subject, country
or quote that begins with =, +, -, @ or a tab, or looks like a URL, is never a formula or a link,
and reads back as the same text after LibreOffice recalculates every formula, including the
formulas (INDEX/MATCH, COUNTIFS) whose cached values are such text or that match it."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from openpyxl.utils.escape import unescape

from helpers import DATA, open_workbook, run_cli
from workbook.engines import libreoffice
from workbook.checking.check import check_workbook

STATE_NAMES = {
    "CA": '=HYPERLINK("http://example.com/hostile","click")',
    "TX": "+1+1",
    "NY": "-2",
    "AK": "@SUM(1,2)",
    "AL": "\t=1+1",  # the loader trims surrounding blanks: the workbook holds "=1+1"
    "WA": "https://example.com/hostile/wa",
    "OR": "mailto:someone@example.com",
    "FL": "=cmd|' /C calc'!A0",
    "GA": "www.example.com",
    "AR": "Tab\tinside",
    # "_x0041_" is how Office Open XML writes "A"; as data it must stay these seven characters.
    "AZ": "Ari_x0041_zona",
}
CATEGORY_LABELS = {"334": "=SUM(A1:A9)", "111": "http://example.com/hostile/agri", "112": "-Livestock",
                   "113": "\t@Forestry"}
# Subjects are matched by COUNTIFS/SUMIFS criteria, where "=", "<>" and "*" would be operators and wildcards.
COUNTRIES = {"Canada": "=Canada", "China": "*", "Mexico": "<>Mexico", "Japan": "Ja?an"}
QUOTES = {"semiconductor_exports": "=1+2", "tech_imports": "https://example.com/hostile/quote",
          "tech_exports_jobs": "+44 20 7946 0000"}

HOSTILE = {text.strip() for text in (*STATE_NAMES.values(), *CATEGORY_LABELS.values(), *COUNTRIES.values(),
                                    *QUOTES.values())}


def edit(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False, lineterminator="\n")


def hostile_data(folder: Path) -> Path:
    data = folder / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))

    def states(frame):
        for code, name in STATE_NAMES.items():
            frame.loc[frame["state_code"] == code, "state_name"] = name

    def categories(frame):
        for code, label in CATEGORY_LABELS.items():
            frame.loc[frame["naics3"] == code, "label"] = label

    def published(frame):
        for country, hostile in COUNTRIES.items():
            frame.loc[frame["subject"] == country, "subject"] = hostile
        for figure, quote in QUOTES.items():
            frame.loc[frame["figure"] == figure, "quote"] = quote

    def destinations(frame):
        for country, hostile in COUNTRIES.items():
            frame.loc[frame["country"] == country, "country"] = hostile

    for name, change in (("states.csv", states), ("categories.csv", categories),
                         ("published_figures.csv", published), ("destinations.csv", destinations)):
        edit(data / name, change)
    return data


@pytest.fixture(scope="module")
def hostile_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-text")
    out = folder / "hostile.xlsx"
    result = run_cli("build", "--data", hostile_data(folder), "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def recalculated(hostile_workbook: Path, require_libreoffice: Path, tmp_path_factory) -> Path:
    return libreoffice.recalculate(hostile_workbook, tmp_path_factory.mktemp("recalculated"))


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def cells(archive: zipfile.ZipFile):
    """(part, cell type, formula or None, text) of every cell holding text, from the XML itself."""
    shared = [unescape("".join(node.itertext()))
              for node in ElementTree.fromstring(archive.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")]
    for part in sorted(name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)):
        for cell in ElementTree.fromstring(archive.read(part)).iter(f"{MAIN}c"):
            kind, formula, value = cell.get("t"), cell.find(f"{MAIN}f"), cell.find(f"{MAIN}v")
            if kind == "s":
                yield part, kind, None, shared[int(value.text)]
            elif kind == "inlineStr":
                yield part, kind, None, unescape("".join(cell.find(f"{MAIN}is").itertext()))
            elif kind == "str":
                yield part, kind, formula.text if formula is not None else None, unescape(value.text or "")


def test_every_hostile_text_is_a_text_cell_never_a_formula(hostile_workbook: Path):
    with zipfile.ZipFile(hostile_workbook) as archive:
        found = list(cells(archive))
    as_text = {text for _, kind, _, text in found if kind in ("s", "inlineStr")}
    assert HOSTILE <= as_text, f"not written as text: {HOSTILE - as_text}"
    formulas = [formula for _, _, formula, _ in found if formula]
    for text in HOSTILE:
        # A formula may hold the text only as a quoted literal, never as code.
        assert all(formula.strip() not in (text, text.lstrip("=+-@")) for formula in formulas), text
    # Formulas show the names: the States sheet's State column is INDEX/MATCH, cached as the name.
    cached_text = {text for _, kind, formula, text in found if kind == "str" and formula}
    assert {name.strip() for name in STATE_NAMES.values()} <= cached_text


def test_no_hostile_text_becomes_a_link(hostile_workbook: Path):
    with zipfile.ZipFile(hostile_workbook) as archive:
        relationships = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".rels"))
        sheets = "".join(archive.read(name).decode() for name in archive.namelist()
                         if name.startswith("xl/worksheets/sheet"))
    assert "example.com" not in relationships and "mailto:" not in relationships
    assert "HYPERLINK(" not in "".join(re.findall(r"<f>(.*?)</f>", sheets))


def test_hostile_text_reads_back_the_same_after_recalculation(hostile_workbook: Path, recalculated: Path):
    formulas, before, after = (open_workbook(hostile_workbook), open_workbook(hostile_workbook, data_only=True),
                               open_workbook(recalculated, data_only=True))

    def text(book, sheet: str, coordinate: str, is_formula: bool) -> object:
        value = book[sheet][coordinate].value
        # openpyxl leaves a formula's cached text as stored, where "_x005F_" escapes an underscore.
        return unescape(value) if is_formula and isinstance(value, str) else value

    compared = {"input": 0, "formula": 0}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                is_formula = cell.data_type == "f"
                shown = text(before, sheet.title, cell.coordinate, is_formula)
                if shown in HOSTILE:
                    recalculated_text = text(after, sheet.title, cell.coordinate, is_formula)
                    assert recalculated_text == shown, f"{sheet.title}!{cell.coordinate}"
                    compared["formula" if is_formula else "input"] += 1
    assert compared["input"] >= len(HOSTILE) and compared["formula"] >= len(STATE_NAMES), compared


@pytest.mark.libreoffice
@pytest.mark.validator
def test_a_workbook_of_hostile_text_passes_the_check(hostile_workbook: Path):
    """Formulas that match such text (the published ranks of "=Canada" or "*") compute their cached values."""
    assert check_workbook(hostile_workbook) == []
