"""What the command prints: results on standard output, errors (one line) and --verbose's steps on
standard error; --quiet prints nothing when all goes well; the exit statuses README documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import DATA, REPO, run_cli
from hostile_files import small_workbook
from workbook import errors


@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_quiet_prints_nothing_on_success(tmp_path: Path, where: str):
    out = tmp_path / "snapshot.xlsx"
    args = ["build", "--data", DATA, "--out", out]
    args = ["--quiet", *args] if where == "before the command" else [*args, "-q"]
    result = run_cli(*args)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert out.is_file()


def test_quiet_still_reports_an_error(tmp_path: Path):
    result = run_cli("--quiet", "build", "--data", tmp_path / "absent", "--out", tmp_path / "snapshot.xlsx")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("tech-trade: error: ") and result.stderr.count("\n") == 1


def test_verbose_says_what_it_loads_computes_and_writes_with_timings(tmp_path: Path):
    out = tmp_path / "snapshot.xlsx"
    result = run_cli("build", "--verbose", "--data", DATA, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}\n", "the result stays alone on standard output"
    steps = result.stderr.splitlines()
    assert all(re.fullmatch(r"tech-trade: .+ \(\d+\.\d\d s\)", step) for step in steps), steps
    text = result.stderr
    for expected in ("read ", "states.csv: 53 rows", "census_exports.csv", "loaded and checked",
                     "snapshot year 2020", f"computed every figure and wrote {out}"):
        assert expected in text, f"{expected!r} not in {text}"


def test_quiet_and_verbose_together_are_a_usage_error():
    result = run_cli("--quiet", "build", "--verbose")
    assert result.returncode == 2 and result.stdout == ""
    assert "choose one of --quiet and --verbose" in result.stderr


@pytest.mark.libreoffice
@pytest.mark.validator
def test_verbose_check_reports_each_step(tmp_path: Path):
    path = small_workbook(tmp_path / "small.xlsx")
    result = run_cli("-v", "check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{path}: no problems (recalculated in LibreOffice and IronCalc, schema valid)\n"
    for step in ("opened", "safely", "recalculated every formula in LibreOffice", "recalculated every formula in IronCalc",
                 "validated against the Office Open XML schema: 0 finding(s)"):
        assert step in result.stderr


def test_readme_documents_every_exit_status():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit statuses", 1)[1].split("\n#", 1)[0]
    documented = {int(status) for status in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    statuses = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert documented == statuses
