"""The corpus of bad inputs in tests/bad_inputs/: one folder per case, each holding the data
file that differs from data/ and a case.toml with what the build must answer; or, for a
case with ``command = "import-census"``, the Census file given to ``tech-trade import-census``.

A refused case ends in exactly the one line ``error`` of its case.toml ({data} stands for
the data folder), exit status 2, no traceback, and no workbook written or changed. An
accepted case builds, and loads the same tables as the bundled data.

The one case too big to keep as a file, more rows than a sheet holds, is generated here.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from helpers import DATA, REPO, run_cli
from workbook.commands.cli import main
from workbook.errors import EXIT_OK, EXIT_USAGE_OR_INPUT
from workbook.dataset.load import MAX_DATA_ROWS, load_dataset

CORPUS = REPO / "tests" / "bad_inputs"
CASES = sorted(folder for folder in CORPUS.iterdir() if (folder / "case.toml").is_file())
EARLIER = b"an earlier workbook"


def manifest(case: Path) -> dict:
    return tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))


def command(case: Path) -> str:
    return manifest(case).get("command", "build")


BUILD_CASES = [case for case in CASES if command(case) == "build"]
IMPORT_CASES = [case for case in CASES if command(case) == "import-census"]


def copy_of_data(folder: Path) -> Path:
    data = folder / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("README.md", "__init__.py", "__pycache__"))
    return data


def data_with(case: Path, folder: Path) -> Path:
    """A copy of data/ with the case's files in place of the bundled ones."""
    data = copy_of_data(folder)
    for replacement in case.iterdir():
        if replacement.is_dir():
            shutil.copytree(replacement, data / replacement.name)
        elif replacement.name != "case.toml":
            shutil.copyfile(replacement, data / replacement.name)
    for name in manifest(case).get("removes", []):
        (data / name).unlink()
    return data


def build(data: Path, out: Path, capsys, *args: str) -> tuple[int, str, str]:
    """``tech-trade build`` in this process: its status, standard output and standard error.

    Run in-process, an exception that is not the tool's own error fails the test with
    its traceback, as it would show one to a user.
    """
    status = main(["build", "--data", str(data), "--out", str(out), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_case_is_described_and_has_its_expected_answer():
    assert len(CASES) >= 25
    for case in CASES:
        entry = manifest(case)
        assert entry["description"], case.name
        assert entry["expect"] in ("error", "accepted"), case.name
        assert command(case) in ("build", "import-census"), case.name
        if entry["expect"] == "error":
            assert entry["error"].startswith("tech-trade: error: ") and "\n" not in entry["error"], case.name
        # One file per case: the one that differs from data/ (or none, where a file is removed or an option given).
        assert len([path for path in case.iterdir() if path.name != "case.toml"]) <= 2, case.name


@pytest.mark.parametrize("case", [case for case in BUILD_CASES if manifest(case)["expect"] == "error"],
                         ids=lambda case: case.name)
def test_a_refused_input_ends_in_its_one_line_error_and_writes_nothing(case: Path, tmp_path: Path, capsys):
    entry = manifest(case)
    data = data_with(case, tmp_path)
    expected = entry["error"].replace("{data}", str(data)) + "\n"
    before = sorted(tmp_path.rglob("*"))

    status, out, err = build(data, tmp_path / "new.xlsx", capsys, *entry.get("args", []))
    assert (status, out, err) == (EXIT_USAGE_OR_INPUT, "", expected)
    assert sorted(tmp_path.rglob("*")) == before, "a refused build must create no file"

    earlier = tmp_path / "earlier.xlsx"
    earlier.write_bytes(EARLIER)
    status, out, err = build(data, earlier, capsys, "--force", *entry.get("args", []))
    assert (status, err) == (EXIT_USAGE_OR_INPUT, expected)
    assert earlier.read_bytes() == EARLIER, "a refused build must leave an earlier workbook as it was"
    assert sorted(tmp_path.rglob("*")) == sorted([*before, earlier])


@pytest.mark.parametrize("case", [case for case in BUILD_CASES if manifest(case)["expect"] == "accepted"],
                         ids=lambda case: case.name)
def test_an_accepted_input_builds_and_reads_as_the_bundled_data(case: Path, tmp_path: Path, capsys):
    data = data_with(case, tmp_path)
    out = tmp_path / "snapshot.xlsx"
    status, stdout, err = build(data, out, capsys)
    assert (status, err) == (EXIT_OK, "")
    assert stdout == f"wrote {out}\n" and out.is_file()
    loaded, bundled = load_dataset(data), load_dataset(DATA)
    for table in ("states", "categories", "exports", "imports", "published", "destinations"):
        pd.testing.assert_frame_equal(getattr(loaded, table), getattr(bundled, table), obj=table)


@pytest.mark.parametrize("case", [case for case in IMPORT_CASES if manifest(case)["expect"] == "error"],
                         ids=lambda case: case.name)
def test_a_refused_census_file_ends_in_its_one_line_error_and_changes_no_data(case: Path, tmp_path: Path, capsys):
    """``{input}`` in the expected line stands for the folder the case's file is given from."""
    entry = manifest(case)
    data = copy_of_data(tmp_path)
    given = tmp_path / "input"
    shutil.copytree(case, given, ignore=shutil.ignore_patterns("case.toml"))
    before = {path: path.read_bytes() for path in data.iterdir()}
    files = sorted(str(path) for path in given.iterdir())
    status = main(["import-census", *files, "--data", str(data), *entry.get("args", [])])
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (
        EXIT_USAGE_OR_INPUT, "", entry["error"].replace("{input}", str(given)) + "\n")
    assert {path: path.read_bytes() for path in data.iterdir()} == before, "a refused import must change no data file"


def test_more_rows_than_a_sheet_holds_is_refused(tmp_path: Path, capsys):
    """Generated rather than kept: the file has over a million rows."""
    data = copy_of_data(tmp_path)
    exports = data / "census_exports.csv"
    rows = MAX_DATA_ROWS + 1
    # Rows need not differ: the count is checked as the file is read, before any value.
    exports.write_text("year,state_code,naics3,value_usd\n" + "2020,AK,334,1\n" * rows, encoding="utf-8")
    status, out, err = build(data, tmp_path / "new.xlsx", capsys)
    assert (status, out) == (EXIT_USAGE_OR_INPUT, "")
    assert err == (f"tech-trade: error: {exports}, row {rows + 1}: expected at most {MAX_DATA_ROWS:,} data rows, "
                   "the most a sheet holds (one row is the header)\n")
    assert not (tmp_path / "new.xlsx").exists()


@pytest.mark.parametrize("name", ["latin1", "unclosed_quote", "empty_file"])
def test_the_command_itself_prints_one_line_and_exits_2(name: str, tmp_path: Path):
    """As a user runs it: a process of its own, its real exit status, no traceback."""
    case = CORPUS / name
    data = data_with(case, tmp_path)
    result = run_cli("build", "--data", data, "--out", tmp_path / "new.xlsx")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == manifest(case)["error"].replace("{data}", str(data)) + "\n"
    assert not (tmp_path / "new.xlsx").exists()
