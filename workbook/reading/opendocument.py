"""An OpenDocument spreadsheet recognised, and read as the .xlsx LibreOffice saves it as.

The .ods edition is made and checked in :mod:`workbook.checking.ods`; reading an analyst's .ods
back (``extract``, ``diff``, ``build`` over an edited edition) needs only these two.
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from workbook.errors import TechTradeError, WouldLoseError
from workbook.reading.safe_read import ODS_MIMETYPE, check_ods_file


def is_ods(path: Path) -> bool:
    """Whether ``path`` is an OpenDocument spreadsheet: named .ods, or a zip whose mimetype says so."""
    path = Path(path)
    if path.suffix.lower() == ".ods":
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            first = archive.infolist()[0] if archive.infolist() else None
            return (first is not None and first.filename == "mimetype" and first.file_size < 100
                    and archive.read(first).strip() == ODS_MIMETYPE.encode())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False


@contextlib.contextmanager
def as_xlsx(path: Path, recalculate: bool = True) -> Iterator[Path]:
    """The .ods at ``path`` (checked safe first) saved as .xlsx by LibreOffice in a temporary folder.

    An error naming the temporary copy names ``path`` instead.
    """
    # Imported here: recognising an .ods, as every build does, runs no LibreOffice.
    from workbook.engines import libreoffice

    path = Path(path)
    check_ods_file(path)
    with tempfile.TemporaryDirectory(prefix="tech-trade-ods-read-") as folder:
        try:
            with libreoffice.xlsx_conversion_started(path, Path(folder), recalculate=recalculate) as result:
                converted = result()
        except TechTradeError as error:
            raise TechTradeError(f"{path}: LibreOffice could not read it as a spreadsheet: {error}") from None
        try:
            yield converted
        except WouldLoseError:
            raise
        except TechTradeError as error:
            raise TechTradeError(str(error).replace(str(converted), str(path))) from None
