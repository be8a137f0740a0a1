"""The tool overrides private methods of XlsxWriter (``workbook/writing/xlsx.py``, ``workbook/writing/seal.py``) and
reads a few of its private attributes. XlsxWriter may change those in any release, so
``pyproject.toml`` caps its version, and these tests say clearly which hook a new XlsxWriter broke
before any workbook comes out wrong."""

from __future__ import annotations

import inspect
import re
import tomllib
from io import BytesIO

import xlsxwriter
from packaging.requirements import Requirement
from packaging.version import Version

from helpers import REPO
from workbook.writing import seal, xlsx

#: Modules whose classes extend XlsxWriter's.
HOOKING_MODULES = (xlsx, seal)


def xlsxwriter_subclasses() -> list[type]:
    found = []
    for module in HOOKING_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and any(base.__module__.startswith("xlsxwriter")
                                                         for base in cls.__mro__[1:]):
                found.append(cls)
    return found


def broken_hooks(cls: type) -> list[str]:
    """What is wrong with each private method ``cls`` overrides, as a sentence naming both sides."""
    base = next(base for base in cls.__mro__[1:] if base.__module__.startswith("xlsxwriter"))
    problems = []
    for name, ours in vars(cls).items():
        if not (name.startswith("_") and not name.startswith("__") and callable(ours)):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}.{name}"
        theirs = getattr(base, name, None)
        if theirs is None:
            problems.append(f"{where} overrides {base.__module__}.{base.__qualname__}.{name}, which XlsxWriter "
                            f"{xlsxwriter.__version__} no longer has")
            continue
        expected = _parameter_names(theirs)
        if _parameter_names(ours) != expected:
            problems.append(f"{where}{inspect.signature(ours)} overrides {base.__qualname__}.{name}, whose signature "
                            f"in XlsxWriter {xlsxwriter.__version__} is now {inspect.signature(theirs)}")
    return problems


def _parameter_names(function) -> list[str]:
    return [parameter.name for parameter in inspect.signature(function).parameters.values()]


def test_there_are_hooks_to_check():
    names = {cls.__name__ for cls in xlsxwriter_subclasses()}
    assert {"LimitedWorksheet", "SealingWorkbook", "_SealingPackager"} <= names


def test_every_overridden_private_method_still_exists_with_the_same_parameters():
    problems = [problem for cls in xlsxwriter_subclasses() for problem in broken_hooks(cls)]
    assert not problems, ("XlsxWriter changed what the tool hooks into; adapt the override or keep the version "
                          "pyproject.toml allows:\n" + "\n".join(problems))


def test_a_vanished_or_changed_method_is_named_clearly():
    class Base(xlsxwriter.worksheet.Worksheet):
        pass

    Base.__module__ = "xlsxwriter.changed"

    class Hooked(Base):
        def _no_longer_in_xlsxwriter(self):
            pass

        def _write_string(self, row, col, text):
            pass

    problems = broken_hooks(Hooked)
    assert len(problems) == 2
    assert "Hooked._no_longer_in_xlsxwriter overrides" in problems[0] and "no longer has" in problems[0]
    assert "Hooked._write_string" in problems[1] and "signature" in problems[1]


def test_the_private_attributes_read_are_still_there():
    workbook = xlsxwriter.Workbook(BytesIO(), {"in_memory": True})
    sheet = workbook.add_worksheet()
    assert isinstance(workbook.custom_properties, list), "seal.py rewrites Workbook.custom_properties"
    assert callable(getattr(sheet, "_escape_control_characters", None)), \
        "xlsx.py escapes a formula's text result with Worksheet._escape_control_characters"
    packager = workbook._get_packager()
    assert isinstance(packager.filenames, list), "seal.py reads Packager.filenames: (source, part name, binary)"
    workbook.close()


def test_pyproject_caps_xlsxwriter_below_a_version_not_yet_checked():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [requirement] = [Requirement(text) for text in project["dependencies"]
                     if re.match(r"xlsxwriter\b", text, re.IGNORECASE)]
    caps = [spec for spec in requirement.specifier if spec.operator in ("<", "<=", "~=", "==")]
    assert caps, f"{requirement} has no upper bound: a new XlsxWriter could change the private methods hooked"
    assert requirement.specifier.contains(Version(xlsxwriter.__version__)), \
        f"the XlsxWriter installed ({xlsxwriter.__version__}) is outside {requirement}"
