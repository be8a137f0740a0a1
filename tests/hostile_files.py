"""Hostile workbook files, built on demand, for every command that reads a workbook back.

Each builder writes one file into ``folder`` and returns its path. ``HOSTILE_FILES``
names each case with its builder and a fragment of the one-line refusal that
:func:`workbook.reading.safe_read.open_workbook_safely` gives, so that the tests of
``check``, ``extract`` and ``diff`` can share one table::

    @pytest.mark.parametrize("case", HOSTILE_FILES, ids=lambda case: case.name)
    def test_extract_refuses(case, tmp_path): ...

``other_tool_workbook`` is not hostile: a safe workbook written by openpyxl, which
``check`` checks and ``extract``/``diff`` refuse as not their own.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from workbook.reading.safe_read import MAX_RATIO, OLE_SIGNATURE

#: Written into a file outside the workbook that an external entity points at; it must never show.
SECRET = "secret-outside-the-workbook-7f3a"


def small_workbook(path: Path) -> Path:
    """A small, valid workbook: text, numbers and a formula with its cached value."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("States")
    sheet.write_string("A1", "Texas")
    sheet.write_number("B1", 42)
    sheet.write_formula("C1", "=B1*2", None, 84)
    book.close()
    return path


def replace_part(path: Path, name: str, content: bytes) -> Path:
    """Rewrite the zip at ``path`` with part ``name`` holding ``content`` (added if absent)."""
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    parts[name] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in parts.items():
            target.writestr(item, data)
    return path


def not_a_zip(folder: Path) -> Path:
    path = folder / "notes.xlsx"
    path.write_text("State,Exports\nTX,45022715511\n", encoding="utf-8")
    return path


def truncated_zip(folder: Path) -> Path:
    """A real workbook cut off half way, as an interrupted download leaves it."""
    path = small_workbook(folder / "truncated.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(folder: Path) -> Path:
    """A workbook whose sheet part inflates about a thousand times, to 64 MiB (a zip bomb)."""
    path = small_workbook(folder / "bomb.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet>')
            blank = b" " * (1024 * 1024)
            for _ in range(64):
                sheet.write(blank)
            sheet.write(b"</worksheet>")
    return path


def understated_size(folder: Path) -> Path:
    """A zip whose directory claims a part is small while it inflates to 16 MiB of data."""
    path = small_workbook(folder / "understated.xlsx")
    replace_part(path, "xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (16 * 1024 * 1024) + b"</worksheet>")
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = _central_directory_entry(bytes(data), name)
    # Uncompressed size: bytes 24-27 of a central directory entry.
    data[entry + 24: entry + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def _central_directory_entry(data: bytes, name: bytes) -> int:
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(data[position + 28: position + 30], "little")
        if data[position + 46: position + 46 + name_length] == name:
            return position
        position = data.find(b"PK\x01\x02", position + 4)
    raise ValueError(f"{name!r} is not in the zip's directory")


def huge_directory(folder: Path) -> Path:
    """A zip whose end record declares 65,535 parts: its directory alone could fill memory."""
    path = small_workbook(folder / "directory.xlsx")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    # Parts on this disk and in all: bytes 8-11 of the end record.
    data[end + 8: end + 12] = (0xFFFF).to_bytes(2, "little") * 2
    path.write_bytes(bytes(data))
    return path


def entity_bomb(folder: Path) -> Path:
    """Shared strings that declare nested entities ("billion laughs": a few bytes, gigabytes expanded)."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)]
    shared = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [' + "".join(levels) + "]>\n"
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              "<si><t>&lol9;</t></si></sst>")
    return replace_part(small_workbook(folder / "entity-bomb.xlsx"), "xl/sharedStrings.xml", shared.encode())


def external_entity(folder: Path) -> Path:
    """Shared strings whose text is an external entity pointing at a file outside the workbook (XXE)."""
    secret = folder / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    shared = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              f'<!DOCTYPE sst [<!ENTITY outside SYSTEM "{secret.resolve().as_uri()}">]>\n'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              "<si><t>&outside;</t></si></sst>")
    return replace_part(small_workbook(folder / "xxe.xlsx"), "xl/sharedStrings.xml", shared.encode())


def macro_workbook(folder: Path) -> Path:
    """A macro-enabled workbook (.xlsm) with a VBA project, renamed .xlsx."""
    project = folder / "vbaProject.bin"
    # The project's bytes are never run or parsed: an OLE header is enough to carry the part.
    project.write_bytes(OLE_SIGNATURE + bytes(504))
    xlsm = folder / "macros.xlsm"
    book = xlsxwriter.Workbook(str(xlsm))
    book.add_worksheet("States").write_string("A1", "Texas")
    book.add_vba_project(str(project))
    book.close()
    return xlsm.rename(folder / "macros.xlsx")


def macro_content_type(folder: Path) -> Path:
    """A workbook whose content types declare it macro-enabled, with no VBA part to find by name."""
    path = small_workbook(folder / "declared-macros.xlsx")
    with zipfile.ZipFile(path) as source:
        types = source.read("[Content_Types].xml")
    types = types.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    return replace_part(path, "[Content_Types].xml", types)


def encrypted_workbook(folder: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE compound file, not a zip."""
    path = folder / "encrypted.xlsx"
    path.write_bytes(OLE_SIGNATURE + bytes(4096 - len(OLE_SIGNATURE)))
    return path


def external_link(folder: Path) -> Path:
    """A workbook linking to another workbook on disk, which a recalculation could open."""
    path = small_workbook(folder / "linked.xlsx")
    link = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
            "</externalBook></externalLink>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'externalLinkPath" Target="file:///etc/passwd" TargetMode="External"/></Relationships>')
    replace_part(path, "xl/externalLinks/externalLink1.xml", link.encode())
    return replace_part(path, "xl/externalLinks/_rels/externalLink1.xml.rels", rels.encode())


def linked_image(folder: Path) -> Path:
    """A sheet relationship to an image on a web server (fetched when the sheet is drawn)."""
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            'Target="http://example.invalid/pixel.png" TargetMode="External"/></Relationships>')
    path = small_workbook(folder / "linked-image.xlsx")
    return replace_part(path, "xl/worksheets/_rels/sheet1.xml.rels", rels.encode())


def other_tool_workbook(folder: Path) -> Path:
    """A plain workbook written by openpyxl: safe, and not made by tech-trade."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "States"
    sheet.append(["State", "Tech exports"])
    sheet.append(["Texas", 45_022_715_511])
    path = folder / "other-tool.xlsx"
    book.save(path)
    return path


@dataclass(frozen=True)
class HostileFile:
    name: str
    build: Callable[[Path], Path]
    #: A fragment of the refusal.
    refusal: str


HOSTILE_FILES = (
    HostileFile("not_a_zip", not_a_zip, "not an .xlsx workbook (not a zip file)"),
    HostileFile("truncated_zip", truncated_zip, "the zip is truncated or damaged"),
    HostileFile("zip_bomb", zip_bomb, f"more than the {MAX_RATIO} times spreadsheet XML ever does: a zip bomb"),
    HostileFile("understated_size", understated_size, "is damaged"),
    HostileFile("huge_directory", huge_directory, "the zip holds 65,535 parts, more than the 10,000"),
    HostileFile("entity_bomb", entity_bomb, "declares a DTD or entities"),
    HostileFile("external_entity", external_entity, "declares a DTD or entities"),
    HostileFile("macros", macro_workbook, "it holds macros or controls (xl/vbaProject.bin)"),
    HostileFile("macro_content_type", macro_content_type, "it declares macros or controls"),
    HostileFile("encrypted", encrypted_workbook, "encrypted (password-protected)"),
    HostileFile("external_link", external_link, "it links to other workbooks"),
    HostileFile("linked_image", linked_image, "links to something outside the workbook"),
)
