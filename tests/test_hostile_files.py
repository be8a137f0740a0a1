"""Workbooks read back (``check``; ``extract`` and ``diff`` share tests/hostile_files.py): every
hostile file is refused with one clear line, within bounded time and memory, before openpyxl
or LibreOffice reads it, reading no file outside it and running nothing."""

from __future__ import annotations

import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from helpers import run_cli
from hostile_files import HOSTILE_FILES, SECRET, HostileFile, other_tool_workbook, small_workbook
from workbook.checking import check, validator
from workbook.engines import libreoffice
from workbook.reading import safe_read
from workbook.commands.cli import main
from workbook.errors import EXIT_USAGE_OR_INPUT, TechTradeError, UnsafeWorkbookError
from workbook.reading.safe_read import check_workbook_file, open_workbook_safely

#: A refusal takes no longer than this, and no more memory (Python's allocations, traced).
SECONDS = 5
PEAK_BYTES = 64 * 1024 * 1024

# Every file Python opens while a test records: an external entity must never be read.
_opened: list[str] | None = None


def _record_opens(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None:
        _opened.append(str(args[0]))


sys.addaudithook(_record_opens)


def opened_while(action) -> list[str]:
    global _opened
    _opened = []
    try:
        action()
    finally:
        opened, _opened = _opened, None
    return opened


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_a_hostile_file_is_refused_quickly_and_in_little_memory(case: HostileFile, tmp_path: Path):
    path = case.build(tmp_path)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UnsafeWorkbookError) as refusal:
            check_workbook_file(path)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refusal.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert case.refusal in message
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"peaked at {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_check_refuses_before_openpyxl_or_libreoffice_reads_a_byte(case: HostileFile, tmp_path: Path, monkeypatch):
    path = case.build(tmp_path)

    def must_not_run(*args, **kwargs):
        raise AssertionError("a hostile file reached a parser or LibreOffice")

    for module, name in ((check, "_load"), (libreoffice, "recalculation_started"),
                         (validator, "validation_started")):
        monkeypatch.setattr(module, name, must_not_run)
    opened = opened_while(lambda: pytest.raises(UnsafeWorkbookError, check.check_workbook, path))
    assert str(path) in opened
    outside = [name for name in opened if not name.endswith((".py", ".pyc", ".so")) and name != str(path)]
    assert outside == [], "only the workbook itself may be opened"


def test_an_external_entity_is_never_resolved(tmp_path: Path):
    path = HOSTILE_FILES[[case.name for case in HOSTILE_FILES].index("external_entity")].build(tmp_path)
    secret = tmp_path / "secret.txt"
    opened = opened_while(lambda: pytest.raises(UnsafeWorkbookError, check_workbook_file, path))
    assert str(secret) not in opened and str(secret.resolve()) not in opened
    result = run_cli("check", path)
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_the_check_command_answers_a_hostile_file_with_one_line_and_status_2(case: HostileFile, tmp_path: Path):
    path = case.build(tmp_path)
    result = run_cli("check", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"tech-trade: error: {path}: ") and result.stderr.count("\n") == 1
    assert case.refusal in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
def test_extract_and_diff_refuse_a_hostile_file_as_check_does(case: HostileFile, tmp_path: Path, capsys):
    path = case.build(tmp_path)
    out = tmp_path / "extracted"
    assert main(["extract", str(path), "--out", str(out)]) == EXIT_USAGE_OR_INPUT
    assert case.refusal in capsys.readouterr().err
    assert not out.exists()
    assert main(["diff", str(path), str(path)]) == EXIT_USAGE_OR_INPUT
    assert case.refusal in capsys.readouterr().err


def test_extract_refuses_a_workbook_from_another_tool(tmp_path: Path, capsys):
    assert main(["extract", str(other_tool_workbook(tmp_path)), "--out", str(tmp_path / "out")]) == 2
    assert "not a workbook tech-trade made" in capsys.readouterr().err


def test_the_tools_own_workbook_passes(default_workbook: Path):
    with open_workbook_safely(default_workbook) as archive:
        assert "xl/workbook.xml" in archive.namelist()


def test_a_workbook_from_another_tool_passes_the_safe_reading(tmp_path: Path):
    check_workbook_file(other_tool_workbook(tmp_path))


@pytest.mark.libreoffice
@pytest.mark.validator
def test_check_checks_a_workbook_from_another_tool(tmp_path: Path):
    """Checked, not refused: whatever it finds (openpyxl 3.1 writes its fonts' children in an order
    the schema does not allow) is listed, with status 0 or 1, never 2."""
    result = run_cli("check", other_tool_workbook(tmp_path))
    assert result.returncode in (0, 1), result.stderr
    assert "tech-trade: error" not in result.stderr
    assert "no problems" in result.stdout or "problem(s)" in result.stderr


def test_the_limits_are_the_documented_ones():
    assert safe_read.MAX_FILE_BYTES == 100 * 2**20
    assert safe_read.MAX_TOTAL_BYTES == 500 * 2**20
    assert safe_read.MAX_PARTS == 10_000
    assert safe_read.MAX_RATIO == 100
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for limit in ("100 MiB", "500 MiB", "10,000 parts", "100 times"):
        assert limit in readme, f"README does not state the limit {limit}"


def test_parts_that_inflate_past_the_total_are_refused(tmp_path: Path, monkeypatch):
    path = small_workbook(tmp_path / "big.xlsx")
    total = sum(item.file_size for item in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(safe_read, "MAX_TOTAL_BYTES", total - 1)
    with pytest.raises(UnsafeWorkbookError, match="more than the .* MiB a workbook may hold here"):
        check_workbook_file(path)


def test_too_many_parts_are_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(safe_read, "MAX_PARTS", 3)
    with pytest.raises(UnsafeWorkbookError, match="more than the 3 a workbook may hold here"):
        check_workbook_file(small_workbook(tmp_path / "parts.xlsx"))


def test_a_file_too_big_is_refused_before_it_is_opened_as_a_zip(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(safe_read, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UnsafeWorkbookError, match="more than the 0 MiB a workbook may be here"):
        check_workbook_file(small_workbook(tmp_path / "big.xlsx"))


def test_two_parts_of_one_name_are_refused(tmp_path: Path):
    path = small_workbook(tmp_path / "twice.xlsx")
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    with pytest.raises(UnsafeWorkbookError, match="two parts named xl/workbook.xml"):
        check_workbook_file(path)


def test_a_compression_workbooks_never_use_is_refused(tmp_path: Path):
    path = tmp_path / "bzip2.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
    with pytest.raises(UnsafeWorkbookError, match="uses a compression workbooks never use"):
        check_workbook_file(path)


def test_an_empty_file_and_a_folder_are_refused(tmp_path: Path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(UnsafeWorkbookError, match="the file is empty"):
        check_workbook_file(empty)
    with pytest.raises(UnsafeWorkbookError, match="not a file"):
        check_workbook_file(tmp_path)
    with pytest.raises(TechTradeError, match="no such file"):
        check_workbook_file(tmp_path / "absent.xlsx")
