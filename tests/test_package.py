"""The one reader of a workbook's parts (``workbook/reading/package.py``) reads them by their namespaces, not the
prefixes their writer chose: a chart on an own sheet is found whoever saved the file, so ``extract``
never drops one without a word."""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path
from random import Random

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from helpers import rewrite_part, run_cli, sheet_part
from workbook.errors import TechTradeError, WouldLoseError
from workbook.reading.package import DrawnObject, Package
from workbook.checking.validation_copy import worksheet_parts_by_title

SPREADSHEET_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _drawing(prefix: str) -> str:
    """A drawing with a chart at D2 and a picture, its spreadsheet-drawing elements under ``prefix``
    ("" for the default namespace, as openpyxl writes them)."""
    p = f"{prefix}:" if prefix else ""
    declared = f"xmlns:{prefix}" if prefix else "xmlns"
    return (f'<{p}wsDr {declared}="{SPREADSHEET_DRAWING}" xmlns:a="{DRAWINGML}" xmlns:c="{CHART}" '
            f'xmlns:r="{RELATIONSHIPS}">'
            f'<{p}oneCellAnchor><{p}from><{p}col>3</{p}col><{p}colOff>0</{p}colOff><{p}row>1</{p}row>'
            f'<{p}rowOff>0</{p}rowOff></{p}from><{p}ext cx="1" cy="1"/>'
            f'<{p}graphicFrame><{p}nvGraphicFramePr><{p}cNvPr id="1" name="Sales"/><{p}cNvGraphicFramePr/>'
            f'</{p}nvGraphicFramePr><{p}xfrm/><a:graphic><a:graphicData uri="{CHART}">'
            f'<c:chart r:id="rId1"/></a:graphicData></a:graphic></{p}graphicFrame><{p}clientData/>'
            f'</{p}oneCellAnchor>'
            f'<{p}absoluteAnchor><{p}pos x="0" y="0"/><{p}ext cx="1" cy="1"/><{p}pic><{p}nvPicPr>'
            f'<{p}cNvPr id="2" name=""/><{p}cNvPicPr/></{p}nvPicPr></{p}pic><{p}clientData/></{p}absoluteAnchor>'
            f'</{p}wsDr>')


@pytest.mark.parametrize("prefix", ["xdr", "", "drawing"], ids=["xdr: (XlsxWriter, Excel)", "default (openpyxl)",
                                                                 "any other prefix"])
def test_a_drawings_objects_are_found_whatever_prefix_its_writer_used(tmp_path: Path, prefix: str):
    path = tmp_path / "drawing.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/drawings/drawing1.xml", _drawing(prefix))
    with zipfile.ZipFile(path) as archive:
        assert Package(path, archive).drawn_objects("xl/drawings/drawing1.xml") == [
            DrawnObject("chart", "Sales", row=1, column=3), DrawnObject("picture", "")]


def _saved_by_openpyxl(source: Path, target: Path, chart_sheet: bool) -> Path:
    with warnings.catch_warnings():
        # openpyxl says what of the tool's workbook it cannot keep (sparklines, some formats): not this test's matter.
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
        sheet = book.create_sheet("My analysis")
        for row in (("Texas", 1), ("Ohio", 2), ("Utah", 3)):
            sheet.append(row)
        chart = BarChart()
        chart.title = "My chart"
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3))
        if chart_sheet:
            book.create_chartsheet("My chart sheet").add_chart(chart)
        else:
            sheet.add_chart(chart, "D2")
        book.save(target)
    return target


@pytest.mark.parametrize("chart_sheet", [False, True], ids=["chart on an own sheet", "chart sheet"])
def test_a_chart_drawn_by_openpyxl_stops_extract_naming_sheet_and_chart(tmp_path: Path, default_workbook: Path,
                                                                         chart_sheet: bool):
    edited = _saved_by_openpyxl(default_workbook, tmp_path / "edited.xlsx", chart_sheet)
    result = run_cli("extract", edited, "--out", tmp_path / "taken")
    assert result.returncode == 3, result.stdout + result.stderr
    lost = ("tech-trade: sheet 'My chart sheet': a chart sheet cannot be carried" if chart_sheet
            else "tech-trade: sheet 'My analysis': chart 'Chart 1' cannot be carried")
    assert result.stderr.splitlines()[0] == lost
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "taken").exists()


# --- mutated packages: a result or one line, never a traceback ------------------------------------

COMMENTS = ('<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>Ann</author>'
            '</authors><commentList><comment ref="B3" authorId="0"><text><r><t>Checked</t></r></text></comment>'
            '</commentList></comments>')
COMMENTS_RELATIONSHIP = ('<Relationship Id="rIdNote" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         'relationships/comments" Target="../comments1.xml"/>')


def _small_parts(workbook: Path) -> dict[str, bytes]:
    """Every part of ``workbook`` the package reader reads (not the sheets' cells), and a note on the first sheet."""
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()
                 if not (name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml")}
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", COMMENTS_RELATIONSHIP.encode() + b"</Relationships>")
    parts["xl/comments1.xml"] = COMMENTS.encode()
    return parts


def _mutated(parts: dict[str, bytes], random: Random) -> dict[str, bytes]:
    mutated = dict(parts)
    xml = sorted(name for name in parts if name.endswith((".xml", ".rels")))
    name = random.choice(xml)
    data = mutated[name]
    how = random.randrange(5)
    if how == 0:  # XML cut short
        mutated[name] = data[:random.randrange(len(data))]
    elif how == 1:  # an attribute removed
        attributes = list(re.finditer(rb'\s[\w:]+="[^"]*"', data))
        if attributes:
            cut = random.choice(attributes)
            mutated[name] = data[:cut.start()] + data[cut.end():]
    elif how == 2:  # a relationship pointing nowhere
        targets = list(re.finditer(rb'Target="[^"]*"', data))
        if targets:
            cut = random.choice(targets)
            nowhere = b'Target="../nowhere/' + bytes(random.choice(b"abc") for _ in range(3)) + b'.xml"'
            mutated[name] = data[:cut.start()] + nowhere + data[cut.end():]
    elif how == 3:  # two parts swapped
        other = random.choice(xml)
        mutated[name], mutated[other] = mutated[other], data
    else:  # a part missing
        del mutated[name]
    return mutated


def _read_everything(path: Path, archive: zipfile.ZipFile) -> None:
    package = Package(path, archive)
    for name, part in package.worksheets().items():
        assert isinstance(name, str)
        for _, kind, target in package.relationships(part):
            if kind == "drawing":
                package.drawn_objects(target)
            elif kind == "comments":
                package.comments(target)
    worksheet_parts_by_title(archive)


def test_a_thousand_mutated_packages_each_read_or_refused_in_one_line(tmp_path: Path, default_workbook: Path):
    parts = _small_parts(default_workbook)
    random = Random(20)
    refused = 0
    for attempt in range(1000):
        path = tmp_path / f"mutated-{attempt % 10}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in _mutated(parts, random).items():
                archive.writestr(name, data)
        with zipfile.ZipFile(path) as archive:
            try:
                _read_everything(path, archive)
            except TechTradeError as error:
                refused += 1
                assert "\n" not in str(error) and str(path) in str(error), (attempt, str(error))
    # Some mutations break what the reader reads, some leave it whole: both happened.
    assert 0 < refused < 1000, refused


def test_mutated_workbooks_through_extract_and_diff_end_in_a_result_or_one_line(tmp_path: Path,
                                                                                  default_workbook: Path):
    # Whole commands cost a second or two a copy: a few here, as a shell runs them; the package reader takes a
    # thousand above, and the readers extract and diff call a thousand below, in-process.
    from workbook.commands.cli import main

    with zipfile.ZipFile(default_workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    random = Random(7)
    for attempt in range(6):
        path = tmp_path / f"mutated-{attempt}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in _mutated(parts, random).items():
                archive.writestr(name, data)
        commands = [["extract", str(path), "--out", str(tmp_path / f"out-{attempt}"), "-q"]]
        if attempt % 3 == 0:
            commands.append(["diff", "-q", str(default_workbook), str(path)])
        for command in commands:
            errors = io.StringIO()
            with warnings.catch_warnings(), contextlib.redirect_stderr(errors), \
                    contextlib.redirect_stdout(io.StringIO()):
                # openpyxl warns of what it does not read in the tool's workbooks: not this test's matter.
                warnings.simplefilter("ignore")
                status = main(command)
            said = errors.getvalue()
            assert status in (0, 1, 2, 3), (attempt, command, status)
            if status == 2:
                assert said.startswith("tech-trade: error: ") and said.count("\n") == 1, (attempt, said)


# --- mutated workbooks through the readers extract, diff and check call, in-process -----------------

#: An input table longer than this (the Census and partner tables) is cut to THIN_TABLE_ROWS in the thinned copy
#: below, short enough that openpyxl reads a copy in a fraction of a second; the lists of states, categories and
#: published figures stay whole, so that what the data checks find in the copy is what the mutation did.
LONG_TABLE = 60
THIN_TABLE_ROWS = 12
#: Values a cell's text is replaced by: empty, text where a number stands, a shared string that is not there,
#: a number too big for a float, an error, a date's serial out of range.
CELL_JUNK = (b"", b"x", b"-1", b"99999999", b"1e999", b"NaN", b"#REF!", b"2958466.5", b" 12 ")
CELL_TYPES = (b's', b'n', b'b', b'e', b'str', b'inlineStr', b'd', b'zz')


def _thin_parts(workbook: Path) -> dict[str, bytes]:
    """The parts of ``workbook`` with the figures' sheets (those holding no input table) emptied of cells and
    the long input tables cut to their first rows, tables' ranges with them: what the readers read is all
    there, in the tool's own layout, at a tenth of the reading time."""
    from workbook.reading.inputs import input_tables

    inputs = {spec.table for spec in input_tables()}
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
        package = Package(workbook, archive)
        sheets = worksheet_parts_by_title(archive)
        tables_of = {title: package.targets(part, "table") for title, part in sheets.items()}
    for title, part in sheets.items():
        xml = parts[part]
        names = {re.search(rb' name="([^"]+)"', parts[table])[1].decode(): table for table in tables_of[title]}
        if not inputs & set(names) and title not in ("Cover", "Notes"):
            # Emptied, with the formats and validations of the cells it held.
            xml = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", xml, flags=re.S)
            xml = re.sub(rb"<(conditionalFormatting|dataValidations)\b.*?</\1>", b"", xml, flags=re.S)
        for name, table in names.items():
            found = re.search(rb' ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', parts[table])
            assert found is not None
            first, last = int(found[2]), int(found[4])
            if name not in inputs or last - first <= LONG_TABLE:
                continue
            kept = first + THIN_TABLE_ROWS
            parts[table] = parts[table].replace(found[3] + found[4] + b'"', found[3] + str(kept).encode() + b'"')
            xml = re.sub(rb'<row r="(\d+)"[^>]*>.*?</row>',
                         lambda row: row[0] if not kept < int(row[1]) <= last else b"", xml, flags=re.S)
        parts[part] = xml
    return _with_used_strings_only(parts, list(sheets.values()))


def _with_used_strings_only(parts: dict[str, bytes], sheet_parts: list[str]) -> dict[str, bytes]:
    """``parts`` with the shared strings no cell refers to any more left out, and the cells' indexes renumbered."""
    strings = re.findall(rb"<si>.*?</si>", parts["xl/sharedStrings.xml"], flags=re.S)
    shared_cell = re.compile(rb'(<c [^>]*?t="s"[^>]*><v>)(\d+)(</v>)')
    used = sorted({int(found[2]) for part in sheet_parts for found in shared_cell.finditer(parts[part])})
    renumbered = {old: new for new, old in enumerate(used)}
    for part in sheet_parts:
        parts[part] = shared_cell.sub(lambda cell: cell[1] + str(renumbered[int(cell[2])]).encode() + cell[3],
                                      parts[part])
    head = parts["xl/sharedStrings.xml"].split(b"<si>", 1)[0]
    head = re.sub(rb' (count|uniqueCount)="\d+"', b"", head).replace(b"<sst ", b'<sst uniqueCount="%d" ' % len(used))
    parts["xl/sharedStrings.xml"] = head + b"".join(strings[index] for index in used) + b"</sst>"
    return parts


def _read_by_inputs(parts: dict[str, bytes]) -> list[str]:
    """The parts the input reader reads for its tables and settings (the sheets left with cells, their
    tables, the shared strings, the workbook and its properties): where most mutations go."""
    return sorted(name for name, data in parts.items()
                  if (name.startswith("xl/worksheets/sheet") and b"<sheetData/>" not in data)
                  or name.startswith("xl/tables/")
                  or name in ("xl/workbook.xml", "xl/sharedStrings.xml", "docProps/custom.xml"))


def _mutated_cells(parts: dict[str, bytes], random: Random) -> dict[str, bytes]:
    """One cell of a sheet with cells changed: its value replaced by junk, its type changed, or its
    reference removed or moved onto another cell's."""
    mutated = dict(parts)
    name = random.choice([name for name in _read_by_inputs(parts) if name.startswith("xl/worksheets/sheet")])
    data = mutated[name]
    cells = list(re.finditer(rb'<c r="([A-Z]+\d+)"([^>]*?)(/>|>(.*?)</c>)', data, flags=re.S))
    cell = random.choice(cells)
    how = random.randrange(4)
    if how == 0:  # the value replaced
        new = cell[0]
        values = list(re.finditer(rb"<v>[^<]*</v>", new))
        if values:
            value = random.choice(values)
            new = new[:value.start()] + b"<v>" + random.choice(CELL_JUNK) + b"</v>" + new[value.end():]
        else:
            new = new.replace(b"/>", b"><v>" + random.choice(CELL_JUNK) + b"</v></c>", 1)
    elif how == 1:  # the type changed
        kind = random.choice(CELL_TYPES)
        new = (re.sub(rb' t="[^"]*"', b' t="' + kind + b'"', cell[0], count=1) if b' t="' in cell[0]
               else cell[0].replace(b"<c ", b'<c t="' + kind + b'" ', 1))
    elif how == 2:  # the reference removed
        new = cell[0].replace(b' r="' + cell[1] + b'"', b"", 1)
    else:  # the reference moved onto another cell's, or off the sheet
        elsewhere = random.choice([*(other[1] for other in cells), b"XFE1", b"A1048577", b"A0", b"1A"])
        new = cell[0].replace(b' r="' + cell[1] + b'"', b' r="' + elsewhere + b'"', 1)
    mutated[name] = data[:cell.start()] + new + data[cell.end():]
    return mutated


def _mutated_workbook(parts: dict[str, bytes], random: Random) -> dict[str, bytes]:
    """Half the time one cell changed, else one part mutated as ``_mutated`` mutates it, that part
    mostly one the input reader reads."""
    if random.randrange(2):
        return _mutated_cells(parts, random)
    if random.randrange(4):
        read = set(_read_by_inputs(parts))
        return _mutated({name: data for name, data in parts.items() if name in read}, random) | {
            name: data for name, data in parts.items() if name not in read}
    return _mutated(parts, random)


MUTATED_WORKBOOKS = 1000


def _said_in_one_line(error: TechTradeError, path: Path) -> bool:
    """Whether ``error`` is said as the command line says it: one line naming the file (a refused extract
    says each loss on a line of its own, each naming the file)."""
    lines = error.losses if isinstance(error, WouldLoseError) else [str(error)]
    return all("\n" not in line and str(path) in line for line in lines)


def test_a_thousand_mutated_workbooks_through_the_input_reader_check_extract_and_diff(tmp_path: Path,
                                                                                     default_workbook: Path):
    """Each mutated copy is read once as ``read_inputs`` reads it for ``check``, ``extract`` and ``diff``, and
    then taken through what each of them does with what was read: a result, or a ``TechTradeError`` of one
    line naming the file; any other exception fails the test with its traceback."""
    from workbook.checking.input_check import input_problems
    from workbook.commands.diff import input_differences
    from workbook.commands.extract import own_inputs, write_extracted
    from workbook.reading.inputs import read_inputs

    parts = _thin_parts(default_workbook)
    base = tmp_path / "thin.xlsx"
    with zipfile.ZipFile(base, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    outcomes: Counter[str] = Counter()
    random = Random(2026)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        # openpyxl warns of what it does not read in the tool's workbooks: not this test's matter.
        warnings.simplefilter("ignore")
        base_inputs = read_inputs(base)
        assert input_problems(base_inputs) == [] and input_differences(base_inputs, base_inputs) == []
        write_extracted(base_inputs, tmp_path / "from-thin")
        unmutated = (base_inputs.fingerprint(), base_inputs.settings, base_inputs.own)
        for attempt in range(MUTATED_WORKBOOKS):
            path = tmp_path / f"mutated-{attempt % 10}.xlsx"
            with zipfile.ZipFile(path, "w") as archive:
                for name, data in _mutated_workbook(parts, random).items():
                    archive.writestr(name, data)
            try:
                inputs = read_inputs(path)
            except TechTradeError as error:
                assert _said_in_one_line(error, path), (attempt, str(error))
                outcomes["refused by the reader"] += 1
                continue
            if (inputs.fingerprint(), inputs.settings, inputs.own) == unmutated:
                # What check, extract and diff are given is the unmutated copy's, taken through them above.
                outcomes["read as the unmutated copy"] += 1
                continue
            problems = input_problems(inputs)
            assert all("\n" not in f"{found.location}{found.message}" for found in problems), (attempt, problems)
            outcomes["found by check" if problems else "passed by check"] += 1
            for command, run in (("diff", lambda: input_differences(base_inputs, own_inputs(inputs))),
                                 ("extract", lambda: write_extracted(own_inputs(inputs), tmp_path / "out"))):
                try:
                    run()
                except TechTradeError as error:
                    assert _said_in_one_line(error, path), (attempt, command, str(error))
                    outcomes[f"refused by {command}"] += 1
                else:
                    outcomes[f"done by {command}"] += 1
    # The mutations both broke what the readers read and left it readable, for each command.
    assert all(outcomes[outcome] > 0 for outcome in ("refused by the reader", "found by check", "passed by check",
                                                      "refused by extract", "done by extract", "done by diff")), \
        outcomes


def test_a_sheet_cut_short_stops_extract_diff_and_check_with_exit_status_2_and_one_line_naming_the_part(
        tmp_path: Path, default_workbook: Path):
    # Whole commands as a shell runs them, the fuzz above in-process: the same one line, and no traceback.
    part = sheet_part(default_workbook, "Year list")
    cut = rewrite_part(default_workbook, tmp_path / "cut.xlsx", part, lambda xml: xml[:len(xml) // 2])
    for command in (("extract", cut, "--out", tmp_path / "taken"), ("diff", default_workbook, cut), ("check", cut)):
        result = run_cli(*command)
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.startswith(f"tech-trade: error: {cut}: ") and result.stderr.count("\n") == 1, result.stderr
        assert f"part {part} is not well-formed XML" in result.stderr
    assert not (tmp_path / "taken").exists()
