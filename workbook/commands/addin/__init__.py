"""``tech-trade addin``: write the LibreOffice extension (.oxt) that gives Calc a Tech Trade menu.

The extension holds no logic of the tool: its Python component (``component.py``) runs the
package's own commands through ``runner.py`` and shows what they print. This module only
packs it: the description, manifest and configuration parts (``parts.py``), the component,
and ``addin.json``, which carries the wording of ``templates/wording/addin.toml``, the
versions, and the Python that the extension runs the package with.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from workbook import __version__
from workbook.commands.addin import parts
from workbook.atomic import atomic_write_path
from workbook.errors import TechTradeError
from workbook.reading.inputs import MADE_BY_PROPERTY
from workbook.templates_loader import wording

#: The extension's identifier: the package's name, as pyproject.toml gives it.
IDENTIFIER = "tech-trade-snapshot"
#: The file `tech-trade addin` writes when --out names none.
EXTENSION_NAME = "tech-trade.oxt"
#: The component's module in the extension's pythonpath/, beside its own file.
RUNNER_MODULE = "tech_trade_addin_runner.py"
#: A fixed time for every entry: the same package and options give the same file.
_ENTRY_TIME = (2020, 1, 1, 0, 0, 0)


def write_extension(out: Path, python: str | None = None, bundle: bool = False) -> Path:
    """Write the .oxt to ``out`` (atomically); return its path.

    ``python`` is the interpreter the extension tries first (after TECH_TRADE_PYTHON); with
    ``bundle`` the package's own code goes into the extension's ``pythonpath/``, for a
    LibreOffice whose Python has the package's dependencies but not the package.
    """
    out = Path(out)
    words = wording("addin")
    settings = {
        "identifier": IDENTIFIER,
        "version": __version__,
        "python": python,
        "protocol": parts.PROTOCOL,
        "implementation": parts.IMPLEMENTATION,
        "made_by_property": MADE_BY_PROPERTY,
        "source": wording("cover")["source"],
        "wording": words,
    }
    entries = {
        "description.xml": parts.description_xml(IDENTIFIER, __version__, words),
        "description-en.txt": words["description"] + "\n",
        "META-INF/manifest.xml": parts.manifest_xml(),
        parts.ADDONS: parts.addons_xcu(IDENTIFIER, parts.PROTOCOL, words),
        parts.PROTOCOL_HANDLER: parts.protocol_handler_xcu(parts.IMPLEMENTATION, parts.PROTOCOL),
        parts.COMPONENT: _source("component.py"),
        f"pythonpath/{RUNNER_MODULE}": _source("runner.py"),
        "addin.json": json.dumps(settings, indent=2, ensure_ascii=False) + "\n",
    }
    if bundle:
        entries.update(_bundled_package())
    with atomic_write_path(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(zipfile.ZipInfo(name, date_time=_ENTRY_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return out


def python_to_run(python: str) -> str:
    """``--python``, refused unless it names a program that can run: an extension that names
    no Python could never run the package."""
    found = shutil.which(python)
    if found is None or not os.path.isfile(found):
        raise TechTradeError(f"{python}: no such program to run; --python names the Python the extension runs the "
                             f"package with (for example {sys.executable}), or, with --bundle, that of the machine "
                             "it is for")
    return python


def default_python() -> str:
    """The interpreter running this command: it has the package, so the extension tries it."""
    return sys.executable


def _source(name: str) -> str:
    return resources.files("workbook.commands.addin").joinpath(name).read_text(encoding="utf-8")


def _bundled_package() -> dict[str, bytes]:
    """The package's code, templates and data, as ``pythonpath/workbook/...`` entries."""
    entries: dict[str, bytes] = {}

    def add(folder: Traversable, prefix: str, suffixes: tuple[str, ...]) -> None:
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    add(entry, f"{prefix}{entry.name}/", suffixes)
            elif entry.name.endswith(suffixes):
                entries[f"{prefix}{entry.name}"] = entry.read_bytes()

    add(resources.files("workbook"), "pythonpath/workbook/", (".py",))
    add(resources.files("workbook.templates"), "pythonpath/workbook/templates/", (".py", ".toml", ".md"))
    add(resources.files("workbook.data"), "pythonpath/workbook/data/", (".py", ".csv", ".md"))
    return entries
