"""The seal: a digest of every part of a built workbook, kept in its custom properties, by which
``build`` knows at once that a file it is about to replace is exactly as it wrote it."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import open_workbook, run_cli, set_number
from workbook.commands import build
from workbook.reading.sealed import is_sealed_and_untouched
from workbook.writing.seal import CUSTOM_PART, SEAL_PROPERTY
from workbook.writing.xlsx import Book


@pytest.fixture
def built(tmp_path: Path, default_workbook: Path) -> Path:
    copy = tmp_path / "snapshot.xlsx"
    shutil.copy(default_workbook, copy)
    return copy


def stored_seal(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        custom = archive.read(CUSTOM_PART).decode()
    return re.search(rf'name="{SEAL_PROPERTY}"><vt:lpwstr>([0-9a-f]+)</vt:lpwstr>', custom).group(1)


def rewritten(source: Path, target: Path, part: str, change) -> Path:
    """A copy of the workbook with one part's bytes changed by ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == part else data)
    return target


def test_the_seal_is_the_sha256_of_every_other_part_by_name(default_workbook: Path):
    digest = hashlib.sha256()
    with zipfile.ZipFile(default_workbook) as archive:
        for name in sorted(archive.namelist()):
            if name != CUSTOM_PART:
                content = archive.read(name)
                digest.update(len(name).to_bytes(8, "little") + name.encode() + len(content).to_bytes(8, "little"))
                digest.update(content)
    assert stored_seal(default_workbook) == digest.hexdigest()
    assert is_sealed_and_untouched(default_workbook)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "docProps/core.xml",
                                  "[Content_Types].xml"])
def test_a_changed_byte_in_any_other_part_breaks_the_seal(built: Path, tmp_path: Path, part: str):
    # One more byte at the end: the same XML to any reader, a different file.
    changed = rewritten(built, tmp_path / "changed.xlsx", part, lambda data: data + b"\n")
    assert not is_sealed_and_untouched(changed)


def test_a_forged_seal_does_not_match(built: Path, tmp_path: Path):
    seal = stored_seal(built)
    forged = rewritten(built, tmp_path / "forged.xlsx", CUSTOM_PART,
                       lambda data: data.replace(seal.encode(), ("0" * len(seal)).encode()))
    assert not is_sealed_and_untouched(forged)


def test_a_workbook_without_a_seal_is_left_to_the_careful_comparison(built: Path, tmp_path: Path):
    resaved = tmp_path / "resaved.xlsx"
    open_workbook(built).save(resaved)  # openpyxl keeps the properties' values but writes every part anew
    assert not is_sealed_and_untouched(resaved)


def test_build_over_an_untouched_workbook_does_not_read_it_back(built: Path, monkeypatch):
    def read_inputs(path):
        raise AssertionError("the careful comparison ran on an untouched workbook")

    monkeypatch.setattr(build, "read_inputs", read_inputs)
    build.refuse_to_overwrite_edits(built)


def test_an_edit_under_an_intact_seal_is_still_refused(built: Path, tmp_path: Path):
    # The edited file keeps the custom properties, seal and all: the parts no longer match it,
    # so build reads the inputs back, finds the edit and keeps the file.
    edited = tmp_path / "edited.xlsx"
    set_number(built, edited, "Census exports", "C5", 1000)
    assert stored_seal(edited) == stored_seal(built)
    before = edited.read_bytes()
    result = run_cli("build", "--out", edited)
    assert result.returncode == 2 and "has been edited" in result.stderr
    assert edited.read_bytes() == before


@pytest.mark.parametrize("in_memory", [True, False], ids=["parts in memory", "parts in temporary files"])
def test_the_seal_is_written_whether_the_parts_are_held_in_memory_or_in_files(tmp_path: Path, in_memory: bool):
    # Large workbooks are assembled in temporary files (see IN_MEMORY_ROWS), small ones in memory.
    path = tmp_path / "small.xlsx"
    book = Book.create(path, in_memory=in_memory)
    book.add_sheet("Figures").write_number(0, 0, 1)
    book.close()
    assert is_sealed_and_untouched(path)
