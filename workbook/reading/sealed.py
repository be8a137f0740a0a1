"""Whether a workbook still holds every part as the tool wrote it: its seal, read back.

The seal is written with the workbook (:mod:`workbook.writing.seal`); this is the reading side,
which ``build`` asks before it replaces a workbook and ``check`` before it trusts cached values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from workbook.errors import TechTradeError
from workbook.reading.safe_read import open_workbook_safely
from workbook.writing.seal import CUSTOM_PART, PROPERTY_NAMESPACES, SEAL_PROPERTY, in_chunks, parts_digest


def is_sealed_and_untouched(path: Path) -> bool:
    """True where ``path`` holds every part exactly as the tool wrote it (its seal matches).

    False for a workbook without a seal or whose parts differ in any byte: that is not
    an edit yet, only a file that needs the careful comparison. Raises TechTradeError for
    a file that is not a safe workbook, as reading it any other way would.
    """
    with open_workbook_safely(path) as archive:
        names = archive.namelist()
        if CUSTOM_PART not in names:
            return False
        stored = _stored_seal(path, archive.read(CUSTOM_PART))
        if stored is None:
            return False

        def chunks_of(name: str) -> Iterator[bytes]:
            with archive.open(name) as stream:
                yield from in_chunks(stream)

        return parts_digest(names, lambda name: archive.getinfo(name).file_size, chunks_of) == stored


def _stored_seal(path: Path, custom_xml: bytes) -> str | None:
    try:
        root = fromstring(custom_xml)
    except (ParseError, DefusedXmlException) as error:
        raise TechTradeError(f"{path}: its custom document properties cannot be read ({error})") from None
    for prop in root.findall("p:property", PROPERTY_NAMESPACES):
        if prop.get("name") == SEAL_PROPERTY:
            value = prop.find("vt:lpwstr", PROPERTY_NAMESPACES)
            return value.text if value is not None else None
    return None
