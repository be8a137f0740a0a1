"""The OpenDocument edition: ``build --ods`` writes the .ods beside the .xlsx, LibreOffice's
recalculation of it equals the workbook's cached values, it keeps the charts with their
alternative text, and ``check`` passes it; a failed conversion leaves no file; an .ods is
opened as safely as an .xlsx.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import DATA, run_cli
from workbook.checking import ods
from workbook.checking.check import check_workbook
from workbook.errors import TechTradeError

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module", params=[None, 2019], ids=["default", "2019"])
def edition(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``build --ods`` (with ``--year 2019`` for the second): the .xlsx and the .ods beside it."""
    if request.param is None:
        # The session's (tests/conftest.py), which the add-in and analyst tests read too.
        edition: tuple[Path, Path] = request.getfixturevalue("default_ods_edition")
        return edition
    folder = tmp_path_factory.mktemp("ods-build")
    year = [] if request.param is None else ["--year", request.param]
    result = run_cli("build", "--data", DATA, *year, "--ods", cwd=folder)
    assert result.returncode == 0, result.stderr
    [workbook] = folder.glob("*.xlsx")
    assert f"wrote {workbook.name}\nwrote {workbook.with_suffix('.ods').name}\n" == result.stdout
    return workbook, workbook.with_suffix(".ods")


def test_the_ods_holds_every_formula_with_the_workbooks_value_and_no_error(edition):
    workbook, edition_ods = edition
    expected, written = ods.xlsx_facts(workbook), ods.ods_facts(edition_ods)
    assert list(ods.value_problems(expected, written)) == []
    formulas = sum(len(sheet.formulas) for sheet in expected.sheets.values())
    assert sum(len(sheet.formulas) for sheet in written.sheets.values()) == formulas > 6000
    # The only errors are the charts' deliberate gaps: NA() in the formula.
    gaps = [(title, position) for title, sheet in written.sheets.items() for position in sheet.errors]
    assert all("NA()" in written.sheets[title].formulas[position] for title, position in gaps)


def test_the_ods_has_as_many_charts_as_the_workbook_each_with_its_description(edition):
    workbook, edition_ods = edition
    expected, written = ods.xlsx_facts(workbook), ods.ods_facts(edition_ods)
    charts = {title: sorted(text for _, text in sheet.charts) for title, sheet in expected.sheets.items()}
    assert {title: sorted(text for _, text in sheet.charts) for title, sheet in written.sheets.items()} == charts
    # 2019 (the 2020 edition) has no partner data: the Dashboard leaves out its two partner charts
    # (their titles say so).
    assert sum(len(texts) for texts in charts.values()) == (6 if workbook.stem.endswith("2020") else 8)
    assert all(text.strip() for texts in charts.values() for text in texts)


def test_the_ods_keeps_sparklines_tables_names_formats_print_areas_and_properties(edition):
    workbook, edition_ods = edition
    expected, written = ods.xlsx_facts(workbook), ods.ods_facts(edition_ods)
    assert list(ods.structure_problems(expected, written)) == []
    assert sum(sheet.sparklines for sheet in written.sheets.values()) == 53
    assert len(written.tables) == 18 and "CensusExports" in written.tables
    assert {"SnapshotYear", "TechExportsUS"} <= written.names
    assert written.properties["title"].startswith("Tech Trade Snapshot")
    assert written.custom["tech-trade version"] and written.custom["tech-trade inputs"]


def test_the_ods_opens_as_the_workbook_does(edition):
    """Its views, which a conversion without a window leaves out: the Cover first, the States'
    header rows and code columns frozen, no gridlines; and rows at the workbook's heights."""
    workbook, edition_ods = edition
    with zipfile.ZipFile(edition_ods) as archive:
        settings = archive.read("settings.xml").decode()
        content = archive.read("content.xml").decode()
    expected = ods.xlsx_facts(workbook).sheets["States"]
    states = re.search(r'<config:config-item-map-entry config:name="States">(.*?)</config:config-item-map-entry>',
                       settings)[1]
    items = dict(re.findall(r'config:name="(\w+)" config:type="\w+">([^<]*)<', states))
    assert (int(items["VerticalSplitPosition"]), int(items["HorizontalSplitPosition"])) == expected.frozen == (15, 2)
    assert items["VerticalSplitMode"] == items["HorizontalSplitMode"] == "2" and items["ShowGrid"] == "false"
    assert re.search(r'config:name="ActiveTable" config:type="string">Cover<', settings)
    assert 'style:use-optimal-row-height="true"' not in content


def test_check_passes_the_ods_recalculated_by_libreoffice(edition):
    _, edition_ods = edition
    result = run_cli("check", edition_ods)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems (recalculated in LibreOffice; not validated against a schema)" in result.stdout


def test_the_ods_is_sealed_and_a_rebuild_replaces_it_without_force(edition, tmp_path):
    workbook, edition_ods = edition
    assert ods.is_sealed_and_untouched(edition_ods)
    copy = tmp_path / "copy.ods"
    shutil.copy(edition_ods, copy)
    _rewrite(copy, "settings.xml", lambda xml: xml + b"\n")
    assert not ods.is_sealed_and_untouched(copy)


def test_a_failed_conversion_leaves_no_file_and_says_why_in_one_line(tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    (tmp_path / "out").mkdir()
    result = run_cli("build", "--data", DATA, "--out", tmp_path / "out" / "snapshot.xlsx", "--ods",
                     env={"TECH_TRADE_SOFFICE": str(fake)}, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "snapshot.ods: not written" in line and "source file could not be loaded" in line
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["snapshot.xlsx"]


def test_the_build_finds_what_libreoffice_did_not_carry(edition, tmp_path):
    """The verification itself: an .ods with a figure, a chart's description and a sparkline changed."""
    workbook, edition_ods = edition
    broken = tmp_path / "broken.ods"
    shutil.copy(edition_ods, broken)

    def spoil(content: bytes) -> bytes:
        content = re.sub(rb'(table:formula="of:=TechExportsUS"[^>]*office:value=")[^"]*"', rb'\g<1>1"', content,
                         count=1)
        content = re.sub(rb"<svg:desc>[^<]*</svg:desc>", b"", content, count=1)
        return re.sub(rb"<calcext:sparkline [^>]*/>", b"", content, count=1)

    _rewrite(broken, "content.xml", spoil)
    problems = ods.verification_problems(workbook, broken)
    assert any("differs from cached value" in problem and "TechExportsUS" in problem for problem in problems)
    assert any("chart(s) in the workbook" in problem for problem in problems)
    assert any("sparkline(s) in the workbook" in problem for problem in problems)


@pytest.mark.parametrize(("part", "change", "reason"), [
    ("Basic/Standard/Module1.xml", None, "holds macros"),
    ("content.xml", lambda xml: xml.replace(b"<office:scripts/>", b"<office:scripts><office:event-listeners>"
                                            b"</office:event-listeners></office:scripts>", 1), "macros"),
    ("content.xml", lambda xml: re.sub(rb'table:formula="of:=TechExportsUS"',
                                       b"table:formula=\"of:=['file:///tmp/other.ods'#$Sheet1.A1]\"", xml, count=1),
     "reads another file"),
    ("content.xml", lambda xml: xml.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY a 'b'>]>", 1), "DTD"),
    ("META-INF/manifest.xml", lambda xml: xml.replace(b"</manifest:manifest>",
                                                      b"<manifest:file-entry manifest:full-path=\"x\" "
                                                      b"manifest:media-type=\"text/xml\"><manifest:encryption-data/>"
                                                      b"</manifest:file-entry></manifest:manifest>"), "encrypted"),
])
def test_a_hostile_ods_is_refused_before_libreoffice_reads_it(edition, tmp_path, part, change, reason):
    _, edition_ods = edition
    hostile = tmp_path / "hostile.ods"
    shutil.copy(edition_ods, hostile)
    if change is None:
        with zipfile.ZipFile(hostile, "a") as archive:
            archive.writestr(part, b"<module/>")
    else:
        _rewrite(hostile, part, change)
    with pytest.raises(TechTradeError, match=reason):
        check_workbook(hostile)
    result = run_cli("extract", hostile, "--out", tmp_path / "data")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "refused" in result.stderr
    assert not (tmp_path / "data").exists()


def test_out_must_name_the_xlsx(tmp_path):
    result = run_cli("build", "--out", tmp_path / "x.ods", "--ods")
    assert result.returncode == 2 and "--out names the .xlsx" in result.stderr


def _rewrite(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else None)
