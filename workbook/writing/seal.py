"""A seal on each workbook the tool writes: a digest of every part of the file, kept in the file.

Before ``build`` replaces a workbook it must know that nobody has edited it since
the tool wrote it. Reading the workbook's inputs back to compare their fingerprint
(:mod:`workbook.reading.inputs`) is the careful answer, and it takes longer than the build
itself. The seal answers the common case in milliseconds: a file whose parts are
byte for byte what the tool wrote holds no edits. Any other file (re-saved by
Excel or LibreOffice, edited, or written by an older version of the tool) falls
back to the careful comparison, so the seal can only make ``build`` quicker, never
let an edit be overwritten.

The digest covers every part except ``docProps/custom.xml``, the part that holds it.
XlsxWriter assembles the parts before it zips them; :class:`SealingWorkbook` has
its packager write the custom properties last, once the digest of the others is
known.

The same packager completes the document property XlsxWriter cannot set, the
document's language (``dc:language`` in ``docProps/core.xml``), before the seal covers it.
The program named in ``docProps/app.xml`` stays XlsxWriter's "Microsoft Excel": LibreOffice
reads a chart's unwritten defaults by Excel's dialect only in a file whose program is
Microsoft's, and with another name it printed the Dashboard's charts empty or labelled with
their series' names (measured with LibreOffice 7.4). The tool is named in the document's
comments and in the custom property ``tech-trade version``.
It also says in full what charts' data labels show (the value alone), rather than leave
that to a reader's defaults.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO, StringIO
from typing import IO, cast
from xml.sax.saxutils import escape

import xlsxwriter
from xlsxwriter.packager import Packager


#: The custom document property that holds the seal.
SEAL_PROPERTY = "tech-trade parts"
#: The part that holds the custom properties, and so the seal: the one part it does not cover.
CUSTOM_PART = "docProps/custom.xml"
#: Bytes of a part hashed at a time.
_CHUNK = 1024 * 1024
PROPERTY_NAMESPACES = {
    "p": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}


def parts_digest(names: Iterable[str], size_of: Callable[[str], int],
                 chunks_of: Callable[[str], Iterable[bytes]]) -> str:
    """SHA-256 over the parts in order of name: each part's name and size, then its bytes.

    ``size_of(name)`` is a part's size in bytes and ``chunks_of(name)`` its bytes, a
    piece at a time: a part of a million-row sheet is never held whole.
    """
    digest = hashlib.sha256()
    for name in sorted(names):
        if name == CUSTOM_PART:
            continue
        encoded = name.encode()
        digest.update(len(encoded).to_bytes(8, "little") + encoded + size_of(name).to_bytes(8, "little"))
        for chunk in chunks_of(name):
            digest.update(chunk)
    return digest.hexdigest()


class SealingWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook whose file carries the seal in its custom properties, and its
    language in its document properties."""

    #: The document's language tag (``en-US``); None writes none.
    language: str | None = None

    def close(self) -> None:
        # Room for the seal, filled in by the packager once every other part is written. A
        # property set before packaging also makes XlsxWriter write the custom properties part.
        self.set_custom_property(SEAL_PROPERTY, "pending")
        super().close()

    def _get_packager(self) -> Packager:
        # XlsxWriter's documented way to put another packager in its place.
        return _SealingPackager()


class _SealingPackager(Packager):
    def _write_core_file(self) -> None:
        super()._write_core_file()
        language = _workbook_of(self).language
        if language is not None:
            _edit_part(self.filenames, "docProps/core.xml", "</cp:coreProperties>",
                       f"<dc:language>{escape(language)}</dc:language></cp:coreProperties>")

    def _write_chart_files(self) -> None:
        super()._write_chart_files()
        for _, name, _ in self.filenames:
            if name.startswith("xl/charts/chart"):
                _rewrite_part(self.filenames, name, _labels_show_values_alone)

    def _write_custom_file(self) -> None:
        # Deferred to the end of _create_package, when every other part exists.
        pass

    def _create_package(self) -> list[tuple[StringIO | BytesIO | str, str, bool]]:
        # (Unannotated in XlsxWriter, hence the ignore.)
        super()._create_package()  # type: ignore[no-untyped-call]
        files: list[tuple[StringIO | BytesIO | str, str, bool]] = self.filenames
        parts = {name: _Part(source) for source, name, _ in files}
        seal = parts_digest(parts, lambda name: parts[name].size, lambda name: parts[name].chunks())
        workbook = _workbook_of(self)
        workbook.custom_properties = [(name, seal if name == SEAL_PROPERTY else value, kind)
                                      for name, value, kind in workbook.custom_properties]
        Packager._write_custom_file(self)
        return files


def _workbook_of(packager: Packager) -> SealingWorkbook:
    # XlsxWriter declares the packager's workbook None until it is given one, before packaging.
    return cast(SealingWorkbook, packager.workbook)


def _edit_part(files: list[tuple[StringIO | BytesIO | str, str, bool]], name: str, old: str, new: str) -> None:
    """Replace ``old``, which must be there once, by ``new`` in the XML of the part ``name`` as
    XlsxWriter holds it before zipping (text in memory, or a file)."""
    def replaced(text: str) -> str:
        if text.count(old) != 1:
            raise RuntimeError(f"{name}: XlsxWriter {xlsxwriter.__version__} no longer writes {old} "
                               "(workbook/writing/seal.py completes it)")
        return text.replace(old, new)

    _rewrite_part(files, name, replaced)


def _rewrite_part(files: list[tuple[StringIO | BytesIO | str, str, bool]], name: str,
                  change: Callable[[str], str]) -> None:
    """Put ``change(text)`` in place of the XML text of the part ``name`` as XlsxWriter holds it."""
    source = next(source for source, part, _ in files if part == name)
    if isinstance(source, StringIO):
        text = source.getvalue()
    elif isinstance(source, str):
        # newline="": the text as XlsxWriter wrote it, line ends untouched.
        with open(source, encoding="utf-8", newline="") as stream:
            text = stream.read()
    else:
        raise TypeError(f"{name}: XlsxWriter held it as bytes, not as XML text")
    text = change(text)
    if isinstance(source, StringIO):
        source.seek(0)
        source.truncate()
        source.write(text)
    else:
        with open(source, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)


#: What a chart's data labels show, every choice said: XlsxWriter writes only the ones that are
#: on, and a reader that takes the schema's defaults for the others (LibreOffice does, for a file
#: Microsoft Excel did not write) labels each point with its series' name and category too.
_VALUE_LABEL = ('<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
                '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>')


def _labels_show_values_alone(text: str) -> str:
    return text.replace('<c:showVal val="1"/>', _VALUE_LABEL)


class _Part:
    """A part as XlsxWriter holds it before zipping: text or bytes in memory (text stored as
    UTF-8), or a file."""

    def __init__(self, source: StringIO | BytesIO | str) -> None:
        self.source = source
        self.content: bytes | None
        if isinstance(source, StringIO):
            self.content = source.getvalue().encode("utf-8")
            self.size = len(self.content)
        elif isinstance(source, BytesIO):
            self.content = source.getvalue()
            self.size = len(self.content)
        else:
            self.content = None
            self.size = os.path.getsize(source)


    def chunks(self) -> Iterator[bytes]:
        if self.content is not None:
            yield self.content
        elif isinstance(self.source, str):
            with open(self.source, "rb") as stream:
                yield from in_chunks(stream)


def in_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """A stream's bytes, a piece at a time."""
    while chunk := stream.read(_CHUNK):
        yield chunk
