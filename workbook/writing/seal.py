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
XlsxWriter assembles the parts before it zips them;
:class:`workbook.writing.hooks.SealingWorkbook` has its packager write the custom
properties last, once the digest of the others is known. The same packager completes
what XlsxWriter leaves short (the document's language, charts' data labels) before the
seal covers it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO

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


def in_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """A stream's bytes, a piece at a time."""
    while chunk := stream.read(_CHUNK):
        yield chunk
