"""``tech-trade check``: recalculation in LibreOffice and IronCalc, and schema validation.

LibreOffice takes seconds per run, so one correct and one flawed workbook are
checked once per module and serve several tests. Where LibreOffice or the validator
is missing, the check runs the rest and says what it left out.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from workbook.commands import cli
from workbook.engines import libreoffice
from workbook.checking import validator
from workbook.checking.check import check_workbook, is_error_value, values_agree
from workbook.checking.findings import Finding, FoundBy
from workbook.errors import MissingToolError, TechTradeError

REPO = Path(__file__).resolve().parents[1]

# Planted in the flawed workbook, in the order the check must report them.
WRONG_CACHED_VALUE = "States!A3"
DIVISION_BY_ZERO = "States!C5"
UNKNOWN_FUNCTION = "About!B2"
BROKEN_PART = "xl/worksheets/sheet2.xml"


def write_workbook(path: Path, flawed: bool = False) -> Path:
    """Formulas of several result types with true cached values; ``flawed`` plants problems."""
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    states = book.add_worksheet("States")
    states.write("A1", 10)
    states.write("A2", 32)
    states.write_formula("A3", "=A1+A2", None, 999 if flawed else 42)
    states.write_formula("B1", "=A1/3", None, 10 / 3)
    states.write_formula("B2", '="CA"&"-"&"TX"', None, "CA-TX")
    states.write_formula("B3", "=A1>A2", None, False)
    states.write_formula("B4", '=IF(A1>100,"big","")', None, "")
    states.write_formula("B5", "=DATE(2020,12,31)", date_format, 44196)
    states.write_formula("B6", "=SUM(A1:A2)*1.1", None, 42 * 1.1)
    states.write_formula("C1", "=0.1+0.2", None, 0.1 + 0.2)
    # Text that looks like an error is not one.
    states.write_string("D1", "#N/A")
    if flawed:
        states.write_formula(DIVISION_BY_ZERO.split("!")[1], "=1/0", None, 0)
    about = book.add_worksheet("About")
    about.write_string("A1", "Tech Trade Snapshot")
    about.write_formula("B1", "=States!A1*2", None, 20)
    if flawed:
        about.write_formula(UNKNOWN_FUNCTION.split("!")[1], "=NOSUCHFUNCTION(1)", None, 1)
    book.close()
    if flawed:
        add_unknown_attribute(path, BROKEN_PART)
    return path


def add_unknown_attribute(path: Path, part: str) -> None:
    """Break the schema in ``part`` the way a careless writer would: an undeclared attribute."""
    with zipfile.ZipFile(path) as source:
        parts = {item: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in parts.items():
            if item.filename == part:
                data = data.replace(b"<worksheet ", b'<worksheet unknownAttribute="1" ', 1)
            target.writestr(item, data)


def run_check(path: Path, *options: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbook", "check", *options, str(path)],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, **env}, timeout=600,
    )


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("good") / "good.xlsx")


@pytest.fixture(scope="module")
def flawed_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("flawed") / "flawed.xlsx", flawed=True)


@pytest.fixture(scope="module")
def flawed_problems(flawed_workbook: Path, require_libreoffice: Path, require_validator: Path) -> list[Finding]:
    return check_workbook(flawed_workbook)


def cell_problems(problems: list[Finding]) -> dict[str, str]:
    return {problem.location: str(problem) for problem in problems if not problem.schema}


@pytest.mark.libreoffice
@pytest.mark.validator
def test_correct_workbook_has_no_problems(good_workbook):
    assert check_workbook(good_workbook) == []


@pytest.mark.libreoffice
@pytest.mark.validator
def test_error_cells_are_named_with_their_error(flawed_problems):
    found = cell_problems(flawed_problems)
    assert found[DIVISION_BY_ZERO] == (
        f"{DIVISION_BY_ZERO}: error #DIV/0! after recalculation in LibreOffice and IronCalc (=1/0)")
    assert found[UNKNOWN_FUNCTION].startswith(f"{UNKNOWN_FUNCTION}: error #NAME? after recalculation in LibreOffice")


@pytest.mark.libreoffice
@pytest.mark.validator
def test_wrong_cached_value_is_named_with_both_values_and_the_engines(flawed_problems):
    assert cell_problems(flawed_problems)[WRONG_CACHED_VALUE] == (
        f"{WRONG_CACHED_VALUE}: recalculated value 42 in LibreOffice and IronCalc differs from cached value 999 "
        f"(=A1+A2)"
    )
    [finding] = [problem for problem in flawed_problems if problem.location == WRONG_CACHED_VALUE]
    assert (finding.found_by, finding.engines) == (FoundBy.FORMULAS, ("LibreOffice", "IronCalc"))


@pytest.mark.libreoffice
@pytest.mark.validator
def test_cell_problems_come_in_sheet_row_column_order_then_schema(flawed_problems):
    assert list(cell_problems(flawed_problems)) == [WRONG_CACHED_VALUE, DIVISION_BY_ZERO, UNKNOWN_FUNCTION]
    kinds = [problem.schema for problem in flawed_problems]
    assert kinds == sorted(kinds), "schema problems must follow the cell problems"


@pytest.mark.libreoffice
@pytest.mark.validator
def test_schema_problem_names_part_and_attribute(flawed_problems):
    schema = [str(problem) for problem in flawed_problems if problem.schema]
    assert schema, "the undeclared attribute was not reported"
    assert all(line.startswith(f"schema: {BROKEN_PART} /x:worksheet[1]: ") for line in schema)
    assert any("unknownAttribute" in line for line in schema)
    assert all("\n" not in line for line in schema)


@pytest.mark.validator
def test_validator_findings_carry_description_part_and_id(flawed_workbook):
    findings = validator.validate(flawed_workbook, office_version="Office2016")
    assert findings
    assert {"description", "path", "id"} <= set(findings[0])
    assert findings[0]["path"]["partUri"] == f"/{BROKEN_PART}"


def test_file_that_is_not_a_zip_is_refused(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("State,Exports\nCA,1\n")
    with pytest.raises(TechTradeError, match="not an .xlsx workbook"):
        check_workbook(text)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("readme.txt", "hello")
    with pytest.raises(TechTradeError, match="not an .xlsx workbook"):
        check_workbook(archive)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(TechTradeError, match="no such file"):
        check_workbook(tmp_path / "absent.xlsx")


@pytest.mark.libreoffice
@pytest.mark.validator
def test_cli_names_the_cell_and_exits_1(flawed_workbook):
    result = run_check(flawed_workbook)
    assert result.returncode == 1, result.stderr
    assert any(line.startswith(f"{DIVISION_BY_ZERO}: error #DIV/0!") for line in result.stdout.splitlines())


@pytest.mark.libreoffice
@pytest.mark.validator
def test_cli_exits_0_on_correct_workbook(good_workbook):
    result = run_check(good_workbook)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


@pytest.mark.parametrize("variable, tool", [
    ("TECH_TRADE_SOFFICE", "LibreOffice"),
    ("TECH_TRADE_OOXML_VALIDATE", "Office Open XML validator"),
])
def test_cli_with_require_all_exits_2_with_one_line_when_a_tool_is_missing(good_workbook, tmp_path, variable, tool):
    result = run_check(good_workbook, "--require-all", **{variable: str(tmp_path / "not-installed")})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert tool in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("variable, part, install", [
    ("TECH_TRADE_SOFFICE", "recalculation in LibreOffice", "libreoffice-calc-nogui"),
    ("TECH_TRADE_OOXML_VALIDATE", "validation against the Office Open XML schema", "npm install -g @ooxml-tools/validate"),
])
def test_cli_leaves_out_the_part_whose_tool_is_missing_and_exits_by_its_findings(
        good_workbook, flawed_workbook, tmp_path, variable, part, install):
    missing = {variable: str(tmp_path / "not-installed")}
    result = run_check(good_workbook, **missing)
    left_out = [line for line in result.stderr.splitlines() if "left out" in line]
    assert len(left_out) == 1 and part in left_out[0] and install in left_out[0], result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout and "Traceback" not in result.stderr
    flawed = run_check(flawed_workbook, **missing)
    assert flawed.returncode == 1, flawed.stderr
    assert f"{DIVISION_BY_ZERO}: error #DIV/0!" in flawed.stdout


def without_libreoffice_and_validator_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PATH as on a machine without LibreOffice and Node: only the Python running the tests.

    find_soffice also looks in LibreOffice's usual places, which PATH does not govern: none of them here.
    """
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv(libreoffice.SOFFICE_ENV_VAR, raising=False)
    monkeypatch.delenv(validator.VALIDATOR_ENV_VAR, raising=False)
    monkeypatch.setattr(libreoffice, "SOFFICE_CANDIDATES", ())
    monkeypatch.chdir(tmp_path)


def test_without_libreoffice_and_validator_check_runs_ironcalc_and_says_what_it_left_out(
        good_workbook, flawed_workbook, monkeypatch, tmp_path, capsys):
    without_libreoffice_and_validator_on_path(monkeypatch, tmp_path)
    assert cli.main(["check", str(good_workbook)]) == 0
    out, err = capsys.readouterr()
    assert f"{good_workbook}: no problems (recalculated in IronCalc, schema not checked)" in out
    left_out = err.splitlines()
    assert [line.split(" left out")[0] for line in left_out] == [
        "tech-trade: recalculation in LibreOffice", "tech-trade: validation against the Office Open XML schema"]
    assert "libreoffice-calc-nogui" in left_out[0] and "npm install -g @ooxml-tools/validate" in left_out[1]

    assert cli.main(["check", str(flawed_workbook)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{WRONG_CACHED_VALUE}: recalculated value 42 in IronCalc differs from cached value 999 (=A1+A2)",
        f"{DIVISION_BY_ZERO}: error #DIV/0! after recalculation in IronCalc (=1/0)",
        f"{UNKNOWN_FUNCTION}: error #NAME? after recalculation in IronCalc (=NOSUCHFUNCTION(1))",
    ]
    assert "left out" in err and "3 problem(s)" in err


def test_with_require_all_a_missing_libreoffice_exits_2(good_workbook, monkeypatch, tmp_path, capsys):
    without_libreoffice_and_validator_on_path(monkeypatch, tmp_path)
    assert cli.main(["check", "--require-all", str(good_workbook)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "LibreOffice is not installed" in err


def test_without_ironcalc_check_says_how_to_install_it(good_workbook, monkeypatch, tmp_path, capsys):
    without_libreoffice_and_validator_on_path(monkeypatch, tmp_path)
    # As if the package were not installed: importing it fails.
    monkeypatch.setitem(sys.modules, "ironcalc", None)
    assert cli.main(["check", str(good_workbook)]) == 0
    out, err = capsys.readouterr()
    assert "tech-trade: recalculation in IronCalc left out: IronCalc is not installed: pip install ironcalc==0.9.1" \
        in err.splitlines()
    assert "not recalculated" in out
    assert cli.main(["check", "--require-all", str(good_workbook)]) == 2


@pytest.mark.libreoffice
@pytest.mark.validator
def test_a_file_without_cached_values_is_said_in_one_line_first_and_real_problems_still_listed(
        flawed_workbook, tmp_path):
    saved = save_with_openpyxl(flawed_workbook, tmp_path / "saved-by-openpyxl.xlsx")
    found = [str(problem) for problem in check_workbook(saved) if not problem.schema]
    assert found[0] == (f"{saved}: no formula has a cached value: 11 formulas; open and save it in Excel or "
                        f"LibreOffice, or rebuild it")
    assert not any("differs from cached value" in line for line in found), found
    # The errors are real whatever the cache holds.
    assert any(line.startswith(f"{DIVISION_BY_ZERO}: error #DIV/0! after recalculation in LibreOffice and IronCalc")
               for line in found)
    assert any(line.startswith(f"{UNKNOWN_FUNCTION}: error #NAME?") for line in found)


def test_a_workbook_with_cached_values_is_not_said_to_lack_them(default_workbook, tmp_path):
    from workbook.checking.check import _formulas_without_cached_values

    assert _formulas_without_cached_values(default_workbook) is None
    saved = save_with_openpyxl(default_workbook, tmp_path / "saved.xlsx")
    assert (_formulas_without_cached_values(saved) or 0) > 1000


def save_with_openpyxl(path: Path, out: Path) -> Path:
    """Load and save as a program that does not calculate: every formula loses its cached value."""
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path).save(out)
    return out


def test_missing_tools_are_named_with_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("TECH_TRADE_SOFFICE", str(tmp_path / "soffice"))
    monkeypatch.setenv("TECH_TRADE_OOXML_VALIDATE", str(tmp_path / "ooxml-validate"))
    with pytest.raises(MissingToolError, match="libreoffice-calc-nogui"):
        libreoffice.find_soffice()
    with pytest.raises(MissingToolError, match="npm install -g @ooxml-tools/validate"):
        validator.find_validator()


def test_unknown_office_version_is_refused_before_any_work(good_workbook):
    with pytest.raises(TechTradeError, match="unknown Office version"):
        validator.validate(good_workbook, office_version="Office1999")


@pytest.mark.libreoffice
def test_pdf_uses_a_private_profile_not_the_users(good_workbook, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    pdf = libreoffice.convert_to_pdf(good_workbook, tmp_path / "out")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not (home / ".config" / "libreoffice").exists()


@pytest.mark.parametrize("cached, recalculated", [
    (42, 42.0),
    (10 / 3, 3.33333333333333),  # LibreOffice writes 15 significant digits
    (0.1 + 0.2, 0.3),
    (0, 1e-12),
    ("CA-TX", "CA-TX"),
    (None, ""),
    (False, False),
    (datetime.datetime(2020, 12, 31), datetime.datetime(2020, 12, 31, 0, 0, 0, 1)),
])
def test_values_that_agree(cached, recalculated):
    assert values_agree(cached, recalculated)


@pytest.mark.parametrize("cached, recalculated", [
    (999, 42),
    (1.0, 1.000001),
    ("CA", "ca"),
    (True, 1),
    (0, False),
    (None, 0),
    ("1", 1),
])
def test_values_that_differ(cached, recalculated):
    assert not values_agree(cached, recalculated)


def test_error_values_are_recognised_only_as_formula_results():
    assert is_error_value("#DIV/0!")
    assert is_error_value("Err:502")
    assert not is_error_value("#DIV/0!", is_formula=False)
    assert not is_error_value("Error: 502")
    assert not is_error_value(0)


def test_libreoffices_sparkline_ids_are_a_note_not_a_problem():
    from workbook.checking.check import _schema_problem

    saved_by_libreoffice = {
        "id": "Sch_UndeclaredAttribute",
        "description": "The 'http://schemas.microsoft.com/office/spreadsheetml/2015/revision2:uid' attribute is "
                       "not declared.",
        "path": {"partUri": "/xl/worksheets/sheet9.xml",
                 "xpath": "/x:worksheet[1]/x:extLst[1]/x:ext[1]/x14:sparklineGroups[1]/x14:sparklineGroup[3]"},
    }
    assert _schema_problem(saved_by_libreoffice).note
    elsewhere = {**saved_by_libreoffice, "path": {"partUri": "/xl/worksheets/sheet9.xml", "xpath": "/x:worksheet[1]"}}
    assert not _schema_problem(elsewhere).note
    other_attribute = {**saved_by_libreoffice, "description": "The 'bogus' attribute is not declared."}
    assert not _schema_problem(other_attribute).note


def test_text_escaped_in_the_file_is_compared_as_a_spreadsheet_reads_it():
    """openpyxl hands over a formula's text result as stored (``_x005F_`` for "_"), IronCalc decoded."""
    from workbook.checking.check import _xml_text

    assert _xml_text("Ari_x005F_x0041_zona") == "Ari_x0041_zona"
    assert _xml_text("plain") == "plain" and _xml_text(42) == 42
