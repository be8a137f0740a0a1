"""Every command's edges as a new user meets them: where it writes is checked before any work, a
mistaken path ends in one line with status 2 (never a traceback, never a file lost or written under a
wrong name), and a command that cannot carry something, or finds nothing, says so in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import DATA, REPO, run_cli

EDITION_FILE = "tech-trade-snapshot-2021.xlsx"


def _one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("tech-trade: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


# --- the workbook's own path ----------------------------------------------------------------------

def test_a_pdf_asked_for_under_the_workbooks_name_is_refused_before_any_work(tmp_path: Path):
    # LibreOffice is not needed to be refused: the path is checked first.
    error = _one_error_line(run_cli("build", "--data", DATA, "--pdf", "--out", "report.pdf", cwd=tmp_path))
    assert "report.pdf: the workbook is written as a .xlsx file; name it report.xlsx" in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, right", [("x.csv", "x.xlsx"), ("x.xls", "x.xlsx"), ("snapshot", "snapshot.xlsx")])
def test_a_workbook_name_not_ending_in_xlsx_is_refused_naming_the_right_one(tmp_path: Path, name: str, right: str):
    error = _one_error_line(run_cli("build", "--data", DATA, "--out", name, cwd=tmp_path))
    assert f"name it {right}" in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder", ["new-folder/", "existing-folder"])
def test_a_folder_as_out_takes_the_default_name_inside_it(tmp_path: Path, folder: str):
    (tmp_path / "existing-folder").mkdir()
    result = run_cli("build", "--data", DATA, "--out", folder, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / folder.rstrip("/") / EDITION_FILE
    assert written.is_file()
    assert result.stdout == f"wrote {Path(folder.rstrip('/')) / EDITION_FILE}\n"


def test_a_file_in_a_folder_that_is_not_there_is_refused_before_any_work(tmp_path: Path):
    error = _one_error_line(run_cli("build", "--data", DATA, "--out", "absent/snapshot.xlsx", cwd=tmp_path))
    assert "there is no folder absent to write it in" in error


def test_advice_for_a_file_the_tool_did_not_write_is_advice_that_works(tmp_path: Path):
    (tmp_path / "budget.xlsx").write_bytes(b"not a workbook of ours")
    error = _one_error_line(run_cli("build", "--data", DATA, "--out", "budget.xlsx", cwd=tmp_path))
    assert "not a workbook tech-trade wrote" in error and "--force" in error
    # extract refuses a workbook the tool did not make: suggesting it would send the user round in a circle.
    assert "extract" not in error
    assert (tmp_path / "budget.xlsx").read_bytes() == b"not a workbook of ours"


# --- a file where a folder is expected ------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["extract", "{workbook}", "--out", "notes.csv"],
    ["import-census", str(DATA / "census_exports.csv"), "--data", "notes.csv"],
    ["fetch-census", "--years", "2019-2020", "--cache", "notes.csv", "--data", "data-out"],
    ["fetch-census", "--years", "2019-2020", "--cache", "cache", "--data", "notes.csv"],
    ["import-release", str(REPO / "README.md"), "--data", "notes.csv"],
], ids=["extract --out", "import-census --data", "fetch-census --cache", "fetch-census --data",
        "import-release --data"])
def test_a_file_given_where_a_folder_is_expected_is_one_line(tmp_path: Path, default_workbook: Path,
                                                                command: list[str]):
    (tmp_path / "notes.csv").write_text("kept\n", encoding="utf-8")
    args = [part.format(workbook=default_workbook) for part in command]
    error = _one_error_line(run_cli(*args, cwd=tmp_path))
    assert "notes.csv: is a file, not a folder" in error
    assert (tmp_path / "notes.csv").read_text(encoding="utf-8") == "kept\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.csv"]


# --- one default data folder ----------------------------------------------------------------------

def _census_tidy_files(folder: Path) -> list[Path]:
    """The bundled Census tables in the tidy form import-census reads (state names and labels joined)."""
    import pandas as pd

    states = pd.read_csv(DATA / "states.csv", dtype=str)
    categories = pd.read_csv(DATA / "categories.csv", dtype=str)
    files = []
    for flow in ("exports", "imports"):
        table = pd.read_csv(DATA / f"census_{flow}.csv", dtype=str)
        labels = categories.rename(columns={"label": "naics3_label"})[["naics3", "naics3_label"]]
        table = table.merge(states[["state_code", "state_name"]], on="state_code").merge(labels, on="naics3")
        path = folder / f"{flow}.csv"
        table.rename(columns={"value_usd": f"{flow}_usd"})[
            ["year", "state_code", "state_name", "naics3", "naics3_label", f"{flow}_usd"]].to_csv(path, index=False)
        files.append(path)
    return files


def test_an_import_without_data_never_writes_the_bundled_data(tmp_path: Path):
    before = {path.name: path.read_bytes() for path in DATA.glob("*.csv")}
    # Run in the repository, where ./data is the data the tool is installed with.
    error = _one_error_line(run_cli("import-census", *_census_tidy_files(tmp_path), cwd=REPO))
    assert "data: is the data bundled with the tool" in error and "--data data" in error
    assert {path.name: path.read_bytes() for path in DATA.glob("*.csv")} == before


def test_an_import_without_data_never_writes_a_folder_git_tracks(tmp_path: Path):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "README.md").write_text("our data\n", encoding="utf-8")
    git = ["git", "-C", str(project), "-c", "user.name=test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data"], check=True)
    files = _census_tidy_files(tmp_path)
    error = _one_error_line(run_cli("import-census", *files, cwd=project))
    assert "data: is tracked by git" in error
    assert sorted(path.name for path in (project / "data").iterdir()) == ["README.md"]
    # Named on purpose, it is written.
    named = run_cli("import-census", *files, "--data", "data", cwd=project)
    assert named.returncode == 0, named.stderr
    assert "wrote data/census_exports.csv" in named.stdout


def test_an_import_in_a_folder_of_ones_own_writes_data_there_and_build_says_it_does_not_read_it(tmp_path: Path):
    imported = run_cli("import-census", *_census_tidy_files(tmp_path), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "wrote data/census_exports.csv" in imported.stdout
    built = run_cli("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert built.stderr == ("tech-trade: note: building from the data bundled with the tool, not data/ in the "
                            "current folder (give --data data to build from it)\n")


# --- wording, interrupts, the add-in, diff, extract -----------------------------------------------

def test_a_templates_copy_missing_a_wording_key_is_one_line(tmp_path: Path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    states = templates / "wording" / "states.toml"
    lines = states.read_text(encoding="utf-8").splitlines(keepends=True)
    title = next(index for index, line in enumerate(lines) if line.startswith("title = "))
    states.write_text("".join(lines[:title] + lines[title + 1:]), encoding="utf-8")
    error = _one_error_line(run_cli("build", "--data", DATA, "--templates", templates, "--out", "x.xlsx",
                                    cwd=tmp_path))
    assert error == f"tech-trade: error: {states}: [states] has no 'title', which the bundled wording has\n"
    assert not (tmp_path / "x.xlsx").exists()


def test_ctrl_c_while_the_modules_import_is_one_line_and_status_130(tmp_path: Path):
    # The console script imports workbook.commands.cli and calls main(); Ctrl-C is made to come while
    # XlsxWriter imports, as it does when pressed in the first fraction of a second.
    script = textwrap.dedent("""
        import sys

        class CtrlC:
            def find_spec(self, name, path=None, target=None):
                if name == "xlsxwriter":
                    raise KeyboardInterrupt
                return None

        sys.meta_path.insert(0, CtrlC())
        from workbook.commands.cli import main
        sys.exit(main())
    """)
    result = subprocess.run([sys.executable, "-c", script, "build", "--data", str(DATA)], capture_output=True,
                            text=True, cwd=tmp_path, timeout=120)
    assert (result.returncode, result.stdout) == (130, "")
    assert result.stderr == "tech-trade: interrupted; nothing was written\n"
    assert list(tmp_path.iterdir()) == []


def test_addin_refuses_a_python_that_is_not_there(tmp_path: Path):
    error = _one_error_line(run_cli("addin", "--python", "/nonexistent/python", cwd=tmp_path))
    assert "/nonexistent/python: no such program to run" in error
    assert list(tmp_path.iterdir()) == []


def test_addin_out_must_end_in_oxt(tmp_path: Path):
    error = _one_error_line(run_cli("addin", "--out", "menu.zip", cwd=tmp_path))
    assert "name it menu.oxt" in error


def test_diff_of_the_same_inputs_says_so_in_one_line(default_workbook: Path):
    result = run_cli("diff", default_workbook, default_workbook)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"no differences: {default_workbook} and {default_workbook} hold the same inputs "
                             "and own work\n")
    assert run_cli("diff", "-q", default_workbook, default_workbook).stdout == ""


def test_extract_says_in_one_line_that_partner_files_hold_the_tech_category_alone(tmp_path: Path,
                                                                                      default_workbook: Path):
    result = run_cli("extract", default_workbook, "--out", tmp_path / "taken")
    assert result.returncode == 0, result.stderr
    notes = result.stderr.splitlines()
    assert len(notes) == 1 and notes[0].startswith("tech-trade: note: ")
    assert "partner_exports.csv" in notes[0] and "tech category's partner rows alone" in notes[0]


def test_a_file_given_as_the_data_to_read_is_named_a_file(tmp_path: Path):
    (tmp_path / "notes.csv").write_text("kept\n", encoding="utf-8")
    error = _one_error_line(run_cli("build", "--data", "notes.csv", "--out", "x.xlsx", cwd=tmp_path))
    assert "notes.csv: is a file, not a folder (expected a folder of CSV files" in error
