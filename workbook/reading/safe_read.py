"""Open a workbook that may come from anyone, safely, before anything else parses it.

``check``, ``extract`` and ``diff`` read workbooks back after they have been through
email and shared folders. :func:`open_workbook_safely` looks at such a file first,
within fixed limits of size, time and memory, without extracting anything to disk,
expanding an XML entity or following a link, and refuses it with one line saying why:

* it is not a zip: an OLE compound file (``D0 CF 11 E0``) is an encrypted
  (password-protected) workbook or an old binary ``.xls``; a zip missing its
  directory is truncated;
* it is too big: the file, the number of parts, the bytes the parts inflate to, or
  a part that inflates far more than any spreadsheet XML does (a zip bomb);
* an XML part declares a DTD (``<!DOCTYPE``): entity bombs and external entities
  (XXE) live there, and a workbook never needs one. Parts are parsed with defusedxml
  only as far as their first element, which a DTD must precede;
* it carries macros (a VBA project, Excel 4 macro sheets, dialog sheets, ActiveX
  controls), or links to other files (external workbook links, or an external
  relationship other than a hyperlink), which a recalculation could follow.

Sizes come from the zip's directory and are checked before any part is inflated;
each part is then inflated once, in chunks, and counted again, so a directory that
lies cannot get past the limits either (Python's zipfile also stops at the declared
size and fails the part's CRC check).

A workbook written by another tool (Excel, LibreOffice, openpyxl) passes if it is
safe: ``check`` checks any workbook. ``extract`` and ``diff`` refuse workbooks the
tool did not make, by its document properties, after this check.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from workbook.errors import UnsafeWorkbookError

MIB = 1024 * 1024
#: The file as stored (compressed). The default snapshot is about 0.4 MiB.
MAX_FILE_BYTES = 100 * MIB
#: Parts (files) in the zip. The default snapshot has about 70.
MAX_PARTS = 10_000
#: All parts together, inflated. The default snapshot inflates to about 2.5 MiB.
MAX_TOTAL_BYTES = 500 * MIB
#: How many times its stored size a part bigger than RATIO_CHECKED_FROM may inflate to.
#: Spreadsheet XML inflates 5 to 30 times; a zip bomb about 1,000 times.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1 * MIB

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"

_CHUNK = 1 * MIB
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_CONTENT_TYPES = "[Content_Types].xml"
_MACRO_PART = re.compile(
    r"(^|/)vbaProject(Signature(Agile|V3)?)?\.bin$|^xl/(macrosheets|dialogsheets|activeX)/", re.IGNORECASE)
_MACRO_CONTENT_TYPE = re.compile(r"macroEnabled|vbaProject|macrosheet|dialogsheet|activeX", re.IGNORECASE)
_EXTERNAL_LINK_PART = re.compile(r"^xl/externalLinks/", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_END_RECORD_SIGNATURE = b"PK\x05\x06"
_END_RECORD_SEARCH = 22 + 65_535


def open_workbook_safely(path: Path) -> zipfile.ZipFile:
    """The workbook at ``path`` as an open zip, once it has passed every check above.

    Raises :class:`~workbook.errors.UnsafeWorkbookError` (a TechTradeError: one line,
    exit status 2) otherwise. The caller closes the zip (``with open_workbook_safely(p) as zf``).
    """
    path = Path(path)
    _check_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise _not_a_workbook(path, f"the zip cannot be read: {error}") from None
    try:
        _check_archive(path, archive)
    except BaseException:
        archive.close()
        raise
    return archive


def check_workbook_file(path: Path) -> None:
    """Raise :class:`~workbook.errors.UnsafeWorkbookError` unless :func:`open_workbook_safely` accepts ``path``."""
    open_workbook_safely(path).close()


def _refused(path: Path, reason: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{path}: refused: {reason}")


#: What a file read here is taken to be, as the messages name it.
XLSX_KIND = ".xlsx workbook"


def _not_a_workbook(path: Path, reason: str, kind: str = XLSX_KIND) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{path}: not an {kind} ({reason})")


def _check_file(path: Path, kind: str = XLSX_KIND) -> None:
    if not path.exists():
        raise UnsafeWorkbookError(f"{path}: no such file")
    if not path.is_file():
        raise UnsafeWorkbookError(f"{path}: not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            start = stream.read(len(OLE_SIGNATURE))
    except OSError as error:
        raise UnsafeWorkbookError(f"{path}: cannot be read ({error.strerror or error})") from None
    if size == 0:
        raise _not_a_workbook(path, "the file is empty", kind)
    if start == OLE_SIGNATURE:
        raise UnsafeWorkbookError(
            f"{path}: not an .xlsx workbook: it is an OLE compound file, which is how Office stores an encrypted "
            "(password-protected) workbook or an old .xls; save it in Excel without a password, as .xlsx")
    if size > MAX_FILE_BYTES:
        raise _refused(path, f"the file is {size / MIB:,.1f} MiB, more than the {MAX_FILE_BYTES // MIB} MiB "
                             "a workbook may be here")
    if not zipfile.is_zipfile(path):
        if start.startswith(ZIP_SIGNATURE):
            raise _not_a_workbook(path, "the zip is truncated or damaged: its directory at the end is missing", kind)
        raise _not_a_workbook(path, "not a zip file", kind)
    _check_part_count(path, _declared_parts(path, size))


def _check_part_count(path: Path, parts: int) -> None:
    if parts > MAX_PARTS:
        raise _refused(path, f"the zip holds {parts:,} parts, more than the {MAX_PARTS:,} a workbook may hold here")


def _declared_parts(path: Path, size: int) -> int:
    """The number of parts the zip's end record declares, read before zipfile reads its whole directory
    (a directory of millions of entries would fill memory). A zip64 record, for 65,535 parts or more,
    counts as that many: more than any workbook holds."""
    try:
        with path.open("rb") as stream:
            # The end record is 22 bytes and a comment of at most 65,535.
            stream.seek(max(size - _END_RECORD_SEARCH, 0))
            tail = stream.read()
    except OSError as error:
        raise UnsafeWorkbookError(f"{path}: cannot be read ({error.strerror or error})") from None
    end = tail.rfind(_END_RECORD_SIGNATURE)
    if end == -1 or len(tail) < end + 12:
        return 0  # zipfile found the record; let it report anything odd
    return int.from_bytes(tail[end + 10: end + 12], "little")


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    _check_part_count(path, len(parts))
    names = [part.filename for part in parts]
    if _CONTENT_TYPES not in names:
        raise _not_a_workbook(path, f"it has no {_CONTENT_TYPES} part")
    _check_entries(path, parts)
    for part in parts:
        if _MACRO_PART.search(part.filename):
            raise _refused(path, f"it holds macros or controls ({part.filename}); the tool reads macro-free .xlsx "
                                 "workbooks only, and never runs macros")
        if _EXTERNAL_LINK_PART.search(part.filename):
            raise _refused(path, f"it links to other workbooks ({part.filename}), which a recalculation would read")
    _inflate_and_inspect(path, archive, parts)


def _check_entries(path: Path, parts: list[zipfile.ZipInfo], kind: str = XLSX_KIND) -> None:
    """Each part's entry, and the sizes all declare together, within the limits."""
    seen: set[str] = set()
    declared = 0
    for part in parts:
        key = part.filename.casefold()
        if key in seen:
            # Two readers could each pick a different one of the two.
            raise _refused(path, f"the zip holds two parts named {part.filename}")
        seen.add(key)
        _check_part_entry(path, part, kind)
        declared += part.file_size
    if declared > MAX_TOTAL_BYTES:
        raise _refused(path, f"its parts inflate to {declared / MIB:,.0f} MiB, more than the "
                             f"{MAX_TOTAL_BYTES // MIB} MiB a workbook may hold here")


def _check_part_entry(path: Path, part: zipfile.ZipInfo, kind: str = XLSX_KIND) -> None:
    if part.flag_bits & 0x1:
        raise _refused(path, f"part {part.filename} is encrypted")
    if part.compress_type not in _COMPRESSIONS:
        raise _not_a_workbook(path, f"part {part.filename} uses a compression workbooks never use "
                                    f"(method {part.compress_type})", kind)
    if part.file_size > RATIO_CHECKED_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
        raise _refused(path, f"part {part.filename} inflates {part.file_size / max(part.compress_size, 1):,.0f} "
                             f"times (from {part.compress_size:,} to {part.file_size:,} bytes), more than the "
                             f"{MAX_RATIO} times spreadsheet XML ever does: a zip bomb")


def _inflate_and_inspect(path: Path, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo],
                         inspector_for: Callable[[str], _XmlInspector] | None = None, kind: str = XLSX_KIND) -> None:
    total = 0
    for part in parts:
        inspector = inspector_for(part.filename) if inspector_for is not None else _XmlInspector(path, part.filename)
        inflated = 0
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    inflated += len(chunk)
                    total += len(chunk)
                    if inflated > part.file_size or total > MAX_TOTAL_BYTES:
                        raise _refused(path, f"part {part.filename} inflates past its declared size or the "
                                             f"{MAX_TOTAL_BYTES // MIB} MiB limit")
                    inspector.feed(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            raise _not_a_workbook(path, f"part {part.filename} is damaged: {error}", kind) from None
        inspector.close()
        if inspector.content_types:
            _check_content_types(path, inspector.content_types)


def _check_content_types(path: Path, content_types: list[str]) -> None:
    for content_type in content_types:
        if _MACRO_CONTENT_TYPE.search(content_type):
            raise _refused(path, f"it declares macros or controls ({content_type}); the tool reads macro-free "
                                 ".xlsx workbooks only, and never runs macros")


class _FirstElementRead(Exception):
    """Enough of a part has been parsed: no DTD can follow its first element."""


class _XmlInspector:
    """Parses the XML parts of a zip, chunk by chunk, with defusedxml.

    Every XML part is parsed up to its first element: a DTD (<!DOCTYPE ...>), where
    entity bombs and external entities are declared, can only come before it, and
    defusedxml refuses one as soon as it starts. Relationship parts and the content
    types are parsed whole, to read their external targets and declared types.
    """

    kind = XLSX_KIND

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.whole = self.parsed_whole(name)
        self.content_types: list[str] = []
        self.parser: DefusedXMLParser | None = None
        self.sniffed = False

    def feed(self, chunk: bytes) -> None:
        if not self.sniffed:
            self.sniffed = True
            start = chunk.lstrip(b"\xef\xbb\xbf").lstrip()
            if start.startswith(b"<") or chunk.startswith(_UTF16_BOMS) or self.whole:
                self.parser = DefusedXMLParser(target=_Elements(self), forbid_dtd=True, forbid_entities=True,
                                               forbid_external=True)
        if self.parser is not None:
            self._parse(self.parser.feed, chunk)

    def close(self) -> None:
        parser = self.parser
        if parser is not None:
            self._parse(lambda _: parser.close(), b"")

    def _parse(self, step: Callable[[bytes], object], chunk: bytes) -> None:
        try:
            step(chunk)
        except _FirstElementRead:
            self.parser = None
        except DefusedXmlException:
            raise _refused(self.path, f"part {self.name} declares a DTD or entities (<!DOCTYPE ...>), which a "
                                      "workbook never needs: that is where entity bombs and external entities "
                                      "(XXE) hide") from None
        except ParseError as error:
            raise _not_a_workbook(self.path, f"part {self.name} is not well-formed XML: {error}", self.kind) from None

    @staticmethod
    def parsed_whole(name: str) -> bool:
        """Whether part ``name`` is parsed to its end, for what its elements say; others only
        as far as their first element."""
        return name.endswith(".rels") or name == _CONTENT_TYPES

    def element(self, tag: str, attributes: dict[str, str]) -> None:
        if not self.whole:
            raise _FirstElementRead()
        local = tag.rpartition("}")[2]
        external = attributes.get("TargetMode", "").lower() == "external"
        if local == "Relationship" and external and not attributes.get("Type", "").endswith("/hyperlink"):
            kind = attributes.get("Type", "").rpartition("/")[2] or "relationship"
            raise _refused(self.path, f"part {self.name} links to something outside the workbook ({kind} "
                                      f"{attributes.get('Target', '')!r}), which a recalculation could read")
        if local in ("Default", "Override") and "ContentType" in attributes:
            self.content_types.append(attributes["ContentType"])


class _Elements:
    """The parser's target: hands each element's start to the inspector and keeps nothing."""

    def __init__(self, inspector: _XmlInspector) -> None:
        self.inspector = inspector

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.inspector.element(tag, attributes)

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- OpenDocument spreadsheets (.ods)

#: What an OpenDocument spreadsheet's ``mimetype`` part says.
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_KIND = ".ods spreadsheet"
_MIMETYPE_PART = "mimetype"
_MANIFEST = "META-INF/manifest.xml"
#: Where an OpenDocument file keeps macros (Basic libraries, scripts in other languages) and dialogs.
_ODF_MACRO_PART = re.compile(r"^(Basic|Scripts|Dialogs)/", re.IGNORECASE)
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#: Elements that run a macro or bind one to an event.
_ODF_MACRO_ELEMENTS = {f"{{{_OFFICE}}}script", f"{{{_OFFICE}}}event-listeners", f"{{{_SCRIPT}}}event-listener",
                       "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}event-listener"}
#: Elements that read another file or program when the document is loaded or recalculated.
_ODF_LINK_ELEMENTS = {f"{{{_TABLE}}}{name}" for name in (
    "table-source", "cell-range-source", "dde-source", "dde-link", "dde-links", "database-source-sql",
    "database-source-table", "database-source-query")} | {
    f"{{{_OFFICE}}}dde-source", "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}section-source",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}plugin",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}applet",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}floating-frame"}
_DRAWING_NS = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
#: A reference to a cell of another file in a formula or range: ``'file:///book.ods'#$Sheet1.A1``.
_EXTERNAL_REFERENCE = re.compile(r"'[^']*'#\$")
_DDE_CALL = re.compile(r"\bDDE\s*\(", re.IGNORECASE)
_MACRO_URL = re.compile(r"^\s*(vnd\.sun\.star\.script|macro):", re.IGNORECASE)


def open_ods_safely(path: Path) -> zipfile.ZipFile:
    """The OpenDocument spreadsheet at ``path`` as an open zip, once it has passed the same checks as
    a workbook (:func:`open_workbook_safely`), in ODF's terms: a zip within the limits of size, parts
    and inflation, no XML part with a DTD, no macros (Basic libraries, scripts, event bindings), no
    encryption, and no links to other files (linked sheets or ranges, DDE, linked objects, formulas
    reading another file). XML parts are parsed whole, with defusedxml, for those.
    """
    path = Path(path)
    _check_file(path, ODS_KIND)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise _not_a_workbook(path, f"the zip cannot be read: {error}", ODS_KIND) from None
    try:
        _check_ods_archive(path, archive)
    except BaseException:
        archive.close()
        raise
    return archive


def check_ods_file(path: Path) -> None:
    """Raise :class:`~workbook.errors.UnsafeWorkbookError` unless :func:`open_ods_safely` accepts ``path``."""
    open_ods_safely(path).close()


def _check_ods_archive(path: Path, archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    _check_part_count(path, len(parts))
    if not parts or parts[0].filename != _MIMETYPE_PART or parts[0].file_size > 100:
        raise _not_a_workbook(path, "it does not start with the OpenDocument mimetype part", ODS_KIND)
    _check_entries(path, parts, ODS_KIND)
    mimetype = archive.read(parts[0]).decode("ascii", errors="replace").strip()
    if mimetype != ODS_MIMETYPE:
        raise _not_a_workbook(path, f"its mimetype is {mimetype!r}, not a spreadsheet's", ODS_KIND)
    names = {part.filename for part in parts}
    for required in ("content.xml", _MANIFEST):
        if required not in names:
            raise _not_a_workbook(path, f"it has no {required} part", ODS_KIND)
    for part in parts:
        if _ODF_MACRO_PART.search(part.filename):
            raise _refused(path, f"it holds macros or dialogs ({part.filename}); the tool reads macro-free "
                                 "spreadsheets only, and never runs macros")
    _inflate_and_inspect(path, archive, parts, lambda name: _OdfInspector(path, name), ODS_KIND)


class _OdfInspector(_XmlInspector):
    """Every XML part of an OpenDocument file is parsed whole: macros and links live in attributes
    and elements anywhere in it."""

    kind = ODS_KIND

    @staticmethod
    def parsed_whole(name: str) -> bool:
        return name.endswith(".xml") or name.endswith(".rdf")

    def element(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in _ODF_MACRO_ELEMENTS:
            raise _refused(self.path, f"part {self.name} holds macros or binds them to events "
                                      f"({tag.rpartition('}')[2]}); the tool never runs macros")
        if tag in _ODF_LINK_ELEMENTS:
            raise _refused(self.path, f"part {self.name} links to something outside the spreadsheet "
                                      f"({tag.rpartition('}')[2]}), which loading or recalculating it could read")
        if tag == f"{{{_MANIFEST_NS}}}encryption-data":
            raise _refused(self.path, "it is encrypted (password-protected); save it in LibreOffice without a "
                                      "password")
        for name, value in attributes.items():
            if _MACRO_URL.match(value):
                raise _refused(self.path, f"part {self.name} calls a macro ({value[:60]!r}); the tool never runs "
                                          "macros")
            if name == _XLINK_HREF and tag.startswith(_DRAWING_NS) and not _inside_package(value):
                raise _refused(self.path, f"part {self.name} links to a file outside the spreadsheet "
                                          f"({value[:80]!r}), which loading it could read")
            if name.startswith(f"{{{_TABLE}}}") and (_EXTERNAL_REFERENCE.search(value) or _DDE_CALL.search(value)):
                raise _refused(self.path, f"part {self.name} reads another file ({value[:80]!r}), which a "
                                          "recalculation would read")


def _inside_package(reference: str) -> bool:
    """Whether a link names a part of the file itself (``./Object 1``, ``Pictures/x.png``)."""
    return ":" not in reference and not reference.startswith(("/", "../", "\\"))
