"""The default workbook with the analyst's own sheet, a note and a chart, saved by each program an analyst
may use (openpyxl, LibreOffice, Gnumeric, IronCalc), through ``extract``, ``diff`` and ``check``: no traceback,
every chart reported, or a refusal in one line that names what the file lacks. IronCalc 0.9.1 saves no charts
(its file holds none, and ``check`` says so in one line) and no cached values (``check`` lists each formula).
One ``check`` a saved file: it recalculates in LibreOffice and IronCalc and runs the validator."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment

from helpers import require_tool, rewrite_part, run_cli, sheet_part
from workbook.errors import MissingToolError
from workbook.engines.libreoffice import find_soffice, private_profile

CHART_LOST = "tech-trade: sheet 'My analysis': chart"


def _with_own_work(source: Path, target: Path, note: bool = True) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's word on what of the tool's workbook it cannot keep
        book = openpyxl.load_workbook(source)
        sheet = book.create_sheet("My analysis")
        for row in (("State", "Index"), ("Texas", 1), ("Ohio", 2), ("Utah", 3)):
            sheet.append(row)
        if note:
            sheet["B2"].comment = Comment("Checked with the state office", "Ann")
        chart = BarChart()
        chart.title = "My chart"
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=4), titles_from_data=True)
        sheet.add_chart(chart, "D2")
        book.save(target)
    return target


def _by_libreoffice(source: Path, folder: Path) -> Path:
    soffice = require_tool(find_soffice)
    folder.mkdir()
    with private_profile() as profile:
        subprocess.run([str(soffice), profile, "--headless", "--norestore", "--convert-to", "xlsx:Calc Office Open XML",
                        "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=300)
    return folder / source.name


def _find_ssconvert() -> Path:
    found = shutil.which("ssconvert")
    if found is None:
        raise MissingToolError("ssconvert (Gnumeric) is not installed: apt-get install gnumeric")
    return Path(found)


def _by_gnumeric(source: Path, folder: Path) -> Path:
    ssconvert = require_tool(_find_ssconvert)
    folder.mkdir()
    subprocess.run([str(ssconvert), str(source), str(folder / source.name)], check=True, capture_output=True,
                   timeout=300)
    return folder / source.name


def _charts_in(saved: Path) -> int:
    with zipfile.ZipFile(saved) as package:
        return sum(1 for name in package.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name))


def _charts_reported(checked: subprocess.CompletedProcess) -> int:
    """Charts ``check`` names: one line each without alternative text, or LibreOffice's count in one note."""
    dropped = re.search(r"note: (\d+) chart\(s\) lost their alternative text", checked.stderr)
    named = len(re.findall(r"^accessibility: .*: chart \"", checked.stdout, flags=re.MULTILINE))
    return named + (int(dropped[1]) if dropped else 0)


def _by_ironcalc(source: Path, folder: Path) -> Path:
    import ironcalc

    folder.mkdir()
    # IronCalc 0.9.1 cannot open a file whose notes openpyxl wrote (it looks for a part they do not need):
    # the same own work without the note.
    without_note = _with_own_work(source.parent / "default.xlsx", folder / "without-note.xlsx", note=False)
    ironcalc.load_from_xlsx(str(without_note), "en", "UTC").save_to_xlsx(str(folder / source.name))
    return folder / source.name


@pytest.fixture(scope="module")
def own_work(default_workbook: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("own-work")
    shutil.copy(default_workbook, folder / "default.xlsx")
    return _with_own_work(default_workbook, folder / "edited.xlsx")


# (saved by, how, extract's status and the words its first line of standard error holds, diff's status)
SAVERS = {
    "openpyxl": (lambda source, folder: source, 3, CHART_LOST, 1),
    "LibreOffice": (_by_libreoffice, 3, CHART_LOST, 1),
    "Gnumeric": (_by_gnumeric, 2, "which keeps no Excel tables", 2),
    "IronCalc": (_by_ironcalc, 2, "no tech-trade document properties", 2),
}


@pytest.mark.parametrize("saver", list(SAVERS))
def test_a_workbook_saved_by_another_program_is_read_checked_or_refused_in_one_line(
        saver: str, own_work: Path, default_workbook: Path, tmp_path: Path):
    save, extract_status, first_words, diff_status = SAVERS[saver]
    saved = save(own_work, tmp_path / "saved")
    extracted = run_cli("extract", saved, "--out", tmp_path / "taken")
    assert extracted.returncode == extract_status, extracted.stdout + extracted.stderr
    assert "Traceback" not in extracted.stderr
    assert first_words in extracted.stderr.splitlines()[0]
    if extract_status == 2:
        assert extracted.stderr.count("\n") == 1
    assert not (tmp_path / "taken").exists()
    compared = run_cli("diff", default_workbook, saved)
    assert compared.returncode == diff_status, compared.stdout + compared.stderr
    assert "Traceback" not in compared.stderr
    if diff_status == 1:
        assert "My analysis" in compared.stdout
    checked = run_cli("check", saved)
    assert checked.returncode in (0, 1, 2), checked.stdout + checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr
    if checked.returncode == 2:
        assert checked.stderr.count("\n") == 1, checked.stderr
    assert f"{saved}: {saved}" not in checked.stdout  # each line names the file once
    charts = _charts_in(saved)
    assert _charts_reported(checked) == charts, checked.stdout + checked.stderr
    if saver != "IronCalc":
        assert charts == 9  # the tool's eight and the analyst's own
        assert "charts the tool drew are missing" not in checked.stdout
    else:
        assert charts == 0
        assert (f"{saved}: holds no charts: IronCalc Sheets, which saved it last, keeps none (a workbook the tool "
                "writes has charts); rebuild it, or edit it in Excel or LibreOffice") in checked.stdout.splitlines()
    if saver in ("openpyxl", "Gnumeric"):
        assert "accessibility: 'My analysis': chart \"Chart 1\" (My chart)" in checked.stdout


def test_check_names_the_sheet_whose_chart_is_gone(default_workbook: Path, tmp_path: Path):
    # The build counts its charts by sheet in a document property; a chart deleted from the Trend is missed there.
    from workbook.checking.check import _package_facts

    def _charts_missing(path: Path) -> list:
        return _package_facts(path)[1]

    assert _charts_missing(default_workbook) == []
    trend = sheet_part(default_workbook, "Trend")
    rels = trend.replace("worksheets/", "worksheets/_rels/") + ".rels"
    edited = rewrite_part(default_workbook, tmp_path / "no-trend-chart.xlsx", rels,
                          lambda xml: re.sub(r'<Relationship [^>]*/drawing"[^>]*/>', "", xml))
    (missing,) = _charts_missing(edited)
    assert str(missing) == f"{edited}: 1 of the 8 charts the tool drew are missing (Trend 1)"
