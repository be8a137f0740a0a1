"""The LibreOffice extension (`tech-trade addin`): its parts, and its menu worked in a real Calc.

The Calc tests build the .oxt, install it with unopkg into a throwaway LibreOffice
installation, start one headless soffice on it for the module, open built workbooks and
dispatch the menu's commands over UNO (``addin_driver.py``, run by the Python that has
LibreOffice's ``uno``). The extension runs unattended there (TECH_TRADE_ADDIN_UNATTENDED): each
dialog is recorded in a file, and each question answered from one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import uuid
import zipfile
from pathlib import Path

import pytest

from helpers import REPO, census_cell, require_tool, run_cli, set_number
from workbook import __version__
from workbook.commands.addin import IDENTIFIER, parts, runner
from workbook.errors import MissingToolError
from workbook.templates_loader import wording

sys.path.insert(0, str(Path(__file__).parent / "analyst"))
from uno_office import find_uno_python  # noqa: E402  (the analyst tests' finder of the uno Python)

DRIVER = Path(__file__).with_name("addin_driver.py")
PROTOCOL = parts.PROTOCOL
WORDS = wording("addin")
#: Seconds a command may take to reopen a rebuilt workbook once it has returned.
REOPEN_WAIT = 60


def _oxt(tmp_path: Path, *options: str) -> Path:
    out = tmp_path / "tech-trade.oxt"
    result = run_cli("addin", "--out", out, *options)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    return out


# ---------------------------------------------------------------- the .oxt's parts

def test_the_extension_names_the_package_and_holds_its_parts(tmp_path: Path):
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with zipfile.ZipFile(_oxt(tmp_path)) as oxt:
        names = set(oxt.namelist())
        description = oxt.read("description.xml").decode()
        manifest = oxt.read("META-INF/manifest.xml").decode()
        addons = oxt.read("Addons.xcu").decode()
        handler = oxt.read("ProtocolHandler.xcu").decode()
        settings = json.loads(oxt.read("addin.json"))
        component = oxt.read(parts.COMPONENT).decode()
    assert re.search(r'<identifier value="([^"]+)"/>', description)[1] == IDENTIFIER == pyproject["name"]
    assert re.search(r'<version value="([^"]+)"/>', description)[1] == __version__ == pyproject["version"]
    # The manifest lists every part the extension is made of, and each is there.
    listed = re.findall(r'manifest:full-path="([^"]+)"', manifest)
    assert set(listed) == {parts.COMPONENT, parts.ADDONS, parts.PROTOCOL_HANDLER} and set(listed) <= names
    assert "type=Python" in manifest
    assert f"pythonpath/{'tech_trade_addin_runner.py'}" in names
    # A "Tech Trade" menu in Calc, with the four commands, each served by the component.
    assert f'<value xml:lang="en-US">{WORDS["menu"]}</value>' in addons
    assert parts.CALC in addons
    urls = re.findall(r"<value>(" + re.escape(PROTOCOL) + r"\w+)</value>", addons)
    assert urls == [f"{PROTOCOL}{name}" for name in ("check", "extract", "rebuild", "about")]
    for key in ("check", "extract", "rebuild", "about"):
        assert f'<value xml:lang="en-US">{WORDS[key]}</value>' in addons
    assert f"<value>{PROTOCOL}*</value>" in handler and parts.IMPLEMENTATION in handler
    assert settings["wording"] == WORDS and settings["version"] == __version__
    # It runs the package with the Python that wrote it, unless told another.
    assert settings["python"] == sys.executable
    compile(component, parts.COMPONENT, "exec")
    # No logic of the tool in the extension: it imports nothing of the package.
    assert not re.search(r"^\s*(from|import) workbook", component, re.MULTILINE)


def test_the_extension_can_carry_the_package_in_its_pythonpath(tmp_path: Path):
    with zipfile.ZipFile(_oxt(tmp_path, "--bundle", "--python", "/opt/elsewhere/python3")) as oxt:
        names = set(oxt.namelist())
        settings = json.loads(oxt.read("addin.json"))
        assert oxt.read("pythonpath/workbook/__init__.py") == (REPO / "workbook" / "__init__.py").read_bytes()
    assert {"pythonpath/workbook/commands/cli.py", "pythonpath/workbook/sheets/cover.py",
            "pythonpath/workbook/templates/wording/addin.toml", "pythonpath/workbook/templates/styles.toml",
            "pythonpath/workbook/data/census_exports.csv"} <= names
    assert settings["python"] == "/opt/elsewhere/python3"


def test_the_extension_is_written_whole_or_not_at_all(tmp_path: Path):
    out = tmp_path / "missing folder" / "tech-trade.oxt"
    result = run_cli("addin", "--out", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tech-trade: error: ")
    assert not out.parent.exists()


# ---------------------------------------------------------------- how the extension runs the package

@pytest.mark.parametrize("line, place", [
    ("States!C5: error #DIV/0! after recalculation (=1/0)", ("States", "C5")),
    ("'Census exports'!K17: recalculated value 3 differs from cached value 4 (=A1)", ("Census exports", "K17")),
    ("'Analyst''s sheet'!$B$2: error #REF! after recalculation", ("Analyst's sheet", "B2")),
    ('accessibility: Dashboard: chart "Chart 1": no alternative text; describe what it shows', ("Dashboard", None)),
    ("schema: xl/worksheets/sheet3.xml /x:worksheet[1]/x:sheetData[1]: The element is unexpected [Sch_X]", None),
])
def test_a_finding_of_check_names_the_cell_to_go_to(line: str, place):
    assert runner.finding_place(line) == place


def test_the_package_is_found_in_the_python_the_extension_names(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(runner.PYTHON_ENV_VAR, str(tmp_path / "no-python"))
    package, reasons = runner.find_package(str(tmp_path), sys.executable)
    assert package == runner.Package(sys.executable, __version__)
    # The outcome of a command is what the command line prints, line by line.
    outcome = runner.run(package, ["--version"])
    assert (outcome.status, outcome.stdout) == (0, [f"tech-trade {__version__}"])


def test_without_the_package_it_says_where_it_looked(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(runner.PYTHON_ENV_VAR, str(tmp_path / "no-python"))
    monkeypatch.setattr(runner, "libreoffice_python", lambda: str(tmp_path / "office-python"))
    (tmp_path / "pythonpath" / "workbook").mkdir(parents=True)
    (tmp_path / "pythonpath" / "workbook" / "__init__.py").write_text("raise ImportError('a broken copy')\n")
    package, reasons = runner.find_package(str(tmp_path), None)
    assert package is None
    assert reasons == [f"{tmp_path / 'no-python'}: no such program",
                       f"{tmp_path / 'office-python'} (with the copy in {tmp_path / 'pythonpath'}): no such program",
                       f"{tmp_path / 'office-python'}: no such program"]


def test_a_bundled_copy_runs_with_the_office_python(tmp_path: Path, monkeypatch):
    """The copy in pythonpath/ is what runs, not a package the Python may have of its own."""
    with zipfile.ZipFile(_oxt(tmp_path, "--bundle")) as oxt:
        oxt.extractall(tmp_path / "extension")
    version_file = tmp_path / "extension" / "pythonpath" / "workbook" / "__init__.py"
    version_file.write_text(version_file.read_text().replace(__version__, "9.9.9-bundled"))
    monkeypatch.delenv(runner.PYTHON_ENV_VAR, raising=False)
    monkeypatch.setattr(runner, "libreoffice_python", lambda: sys.executable)
    package, _ = runner.find_package(str(tmp_path / "extension"), None)
    assert package is not None and package.version == "9.9.9-bundled"
    assert package.pythonpath == str(tmp_path / "extension" / "pythonpath")


# ---------------------------------------------------------------- installing it

def _find_unopkg() -> Path:
    found = shutil.which("unopkg")
    if found is None:
        raise MissingToolError("unopkg is not installed: install LibreOffice (libreoffice-calc-nogui, which brings "
                               "libreoffice-common)")
    return Path(found)


def office_environment() -> dict[str, str]:
    """The environment unopkg and soffice run in. LibreOffice's embedded Python takes its
    standard library from the first python3 on PATH: one of another build first (pyenv's,
    an activated virtual environment of it) makes loading the extension crash with
    bad_alloc. So the folder of the Python that has uno goes first."""
    environment = dict(os.environ)
    try:
        first = str(find_uno_python().parent)
    except MissingToolError:
        return environment
    environment["PATH"] = os.pathsep.join([first, environment.get("PATH", "")])
    return environment


class Installation:
    """A throwaway LibreOffice profile, and unopkg working on it.

    unopkg refuses to install for one user when run as root, so as root the extension is
    installed for every user of the installation (--shared), with the folder of shared
    extensions moved into the throwaway folder too: nothing outside it is touched.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.options = [f"-env:UserInstallation={(folder / 'profile').as_uri()}"]
        if os.geteuid() == 0:
            self.options += ["--shared", f"-env:UNO_SHARED_PACKAGES_CACHE={(folder / 'shared').as_uri()}"]

    def unopkg(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(_find_unopkg()), *args, *self.options], capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL, env=office_environment())

    def installed(self) -> list[tuple[str, str]]:
        listing = self.unopkg("list")
        assert listing.returncode == 0, listing.stderr
        return re.findall(r"^Identifier: (\S+)\n\s+Version: (\S+)", listing.stdout, re.MULTILINE)

    def soffice_options(self) -> list[str]:
        return [option for option in self.options if option.startswith("-env:")]


@pytest.mark.libreoffice
def test_it_installs_refuses_a_second_install_of_its_version_and_uninstalls(tmp_path: Path):
    require_tool(_find_unopkg)
    oxt = _oxt(tmp_path)
    office = Installation(tmp_path)
    assert office.installed() == []
    added = office.unopkg("add", str(oxt))
    assert added.returncode == 0, added.stderr
    assert office.installed() == [(IDENTIFIER, __version__)]
    again = office.unopkg("add", str(oxt))
    assert again.returncode != 0 and "already been added" in again.stderr
    assert office.installed() == [(IDENTIFIER, __version__)]
    # Asked to, it replaces the one installed: still one.
    forced = office.unopkg("add", "--force", str(oxt))
    assert forced.returncode == 0, forced.stderr
    assert office.installed() == [(IDENTIFIER, __version__)]
    removed = office.unopkg("remove", IDENTIFIER)
    assert removed.returncode == 0, removed.stderr
    assert office.installed() == []


# ---------------------------------------------------------------- the menu in a running Calc

class Calc:
    """One headless soffice with the extension installed, and the records of its dialogs."""

    def __init__(self, folder: Path, python: Path, soffice: Path):
        self.python = python
        self.dialogs_folder = folder / "dialogs"
        self.dialogs_folder.mkdir()
        self.pipe = f"tech_trade_addin_{uuid.uuid4().hex}"
        self.installation = Installation(folder)
        added = self.installation.unopkg("add", str(_oxt(folder)))
        assert added.returncode == 0, added.stderr
        environment = {name: value for name, value in office_environment().items() if name != runner.PYTHON_ENV_VAR}
        environment["TECH_TRADE_ADDIN_UNATTENDED"] = str(self.dialogs_folder)
        self.log = open(folder / "soffice.log", "wb")
        self.process = subprocess.Popen(
            [str(soffice), *self.installation.soffice_options(), "--headless", "--invisible", "--norestore",
             "--nologo", "--nodefault", "--nolockcheck", f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=environment, start_new_session=True)
        self.seen = 0

    def run(self, *actions: dict) -> list:
        done = subprocess.run([str(self.python), str(DRIVER)], input=json.dumps({"pipe": self.pipe, "actions": actions}),
                              capture_output=True, text=True, timeout=600)
        answer = json.loads(done.stdout) if done.stdout.strip() else {"error": done.stderr}
        assert "error" not in answer, f"{answer['error']}\n{answer.get('traceback', '')}"
        return answer["results"]

    def dispatch(self, workbook: Path, command: str, **answers) -> list[dict]:
        """Run a menu command on the workbook's window; the dialogs it showed (or asked)."""
        (self.dialogs_folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
        self.run({"op": "dispatch", "path": str(workbook), "url": f"{PROTOCOL}{command}"})
        records = self.dialogs_folder / "dialogs.jsonl"
        lines = records.read_text(encoding="utf-8").splitlines() if records.exists() else []
        new, self.seen = lines[self.seen:], len(lines)
        return [json.loads(line) for line in new]

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        self.log.close()


@pytest.fixture(scope="module")
def calc(tmp_path_factory: pytest.TempPathFactory, require_libreoffice: Path):
    require_tool(_find_unopkg)
    office = Calc(tmp_path_factory.mktemp("addin-calc"), require_tool(find_uno_python), require_libreoffice)
    try:
        yield office
    finally:
        office.close()


@pytest.fixture
def workbook(tmp_path: Path, default_workbook: Path) -> Path:
    """A copy of the default build, under its own name, in a folder of its own."""
    path = tmp_path / default_workbook.name
    shutil.copyfile(default_workbook, path)
    return path


def _only(records: list[dict], kind: str) -> dict:
    found = [record for record in records if record["kind"] == kind]
    assert len(found) == 1, records
    return found[0]


@pytest.mark.libreoffice
def test_check_passes_a_clean_build_and_leaves_it_as_it_was(calc: Calc, workbook: Path):
    before = workbook.read_bytes()
    calc.run({"op": "open", "path": str(workbook)})
    records = calc.dispatch(workbook, "check")
    assert records == [{"command": "check", "kind": "info", "title": WORDS["check_title"],
                        "lines": [WORDS["check_passed"]]}]
    about = _only(calc.dispatch(workbook, "about"), "info")
    assert f"Tech Trade Snapshot {__version__}" in about["lines"][0]
    assert wording("cover")["source"] in about["lines"][0]
    assert about["lines"][1] == WORDS["about_workbook"].format(version=__version__)
    assert calc.run({"op": "modified", "path": str(workbook)}) == [False]
    calc.run({"op": "close", "path": str(workbook)})
    # Unchanged, so still macro-free and still passing the check from the command line: these are the
    # default build's bytes, which tests/test_build.py checks (a second full check here proved nothing more).
    assert workbook.read_bytes() == before


@pytest.mark.libreoffice
def test_check_reports_a_planted_error_cell_and_selects_it(calc: Calc, workbook: Path):
    before = workbook.read_bytes()
    calc.run({"op": "open", "path": str(workbook)},
             {"op": "set", "path": str(workbook), "sheet": "States", "cell": "Z3", "formula": "=1/0"})
    records = calc.dispatch(workbook, "check", go_to=0)
    findings = _only(records, "findings")
    # The workbook as it stands in Calc: the unsaved error cell is found, in a copy.
    assert findings["lines"][:2] == [WORDS["check_copy"], WORDS["check_found"].format(count=1)]
    # What LibreOffice does to every file it saves is a note, as on the command line.
    assert all(line.startswith("note: ") for line in findings["lines"][2:])
    assert findings["findings"] == [{"text": "States!Z3: error #DIV/0! after recalculation in the recalculated copy "
                                             "and IronCalc (=1/0)",
                                     "place": ["States", "Z3"]}]
    # Going to the finding selects its cell; the analyst's unsaved edit is still there, the file untouched.
    assert calc.run({"op": "selection", "path": str(workbook)},
                    {"op": "modified", "path": str(workbook)}) == [["States", "Z3"], True]
    calc.run({"op": "close", "path": str(workbook)})
    assert workbook.read_bytes() == before


@pytest.mark.libreoffice
def test_check_passes_the_ods_edition_open_in_calc_and_leaves_it_as_it_was(calc: Calc, tmp_path: Path,
                                                                          default_ods_edition: tuple[Path, Path]):
    edition = tmp_path / default_ods_edition[1].name
    shutil.copyfile(default_ods_edition[1], edition)
    before = edition.read_bytes()
    calc.run({"op": "open", "path": str(edition)})
    # The .ods itself is checked (no copy), its recalculation done in this Calc.
    assert calc.dispatch(edition, "check") == [{"command": "check", "kind": "info", "title": WORDS["check_title"],
                                                "lines": [WORDS["check_passed"]]}]
    about = _only(calc.dispatch(edition, "about"), "info")
    assert about["lines"][1] == WORDS["about_workbook"].format(version=__version__)
    assert calc.run({"op": "modified", "path": str(edition)}) == [False]
    calc.run({"op": "close", "path": str(edition)})
    assert edition.read_bytes() == before


def _edited(tmp_path: Path, default_workbook: Path) -> Path:
    """The default build with one Census figure typed over, under the name build gives it."""
    folder = tmp_path / "edited"
    folder.mkdir()
    edited = folder / default_workbook.name
    set_number(default_workbook, edited, "Census exports", census_cell(default_workbook, "TX", 334, 2020), 5e10)
    return edited


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.libreoffice
def test_take_edits_back_writes_what_extract_writes(calc: Calc, tmp_path: Path, default_workbook: Path):
    edited = _edited(tmp_path, default_workbook)
    before = edited.read_bytes()
    beside = edited.with_name(edited.stem + "-data")
    calc.run({"op": "open", "path": str(edited)})
    records = calc.dispatch(edited, "extract")
    assert _only(records, "folder")["answer"] == str(beside)
    done = _only(records, "info")
    assert done["lines"][0] == WORDS["extract_done"].format(folder=beside)
    by_hand = run_cli("extract", edited, "--out", tmp_path / "by-hand")
    assert by_hand.returncode == 0, by_hand.stderr
    assert _files(beside) == _files(tmp_path / "by-hand") != {}
    calc.run({"op": "close", "path": str(edited)})
    assert edited.read_bytes() == before


@pytest.mark.libreoffice
def test_take_edits_back_asks_before_leaving_out_what_data_files_cannot_keep(calc: Calc, workbook: Path):
    """An own sheet with a chart: extract stops with status 3; the analyst is asked, as --allow-loss asks."""
    out = workbook.with_name("taken-back")
    calc.run({"op": "open", "path": str(workbook)},
             {"op": "add_sheet", "path": str(workbook), "name": "My chart"},
             *({"op": "set", "path": str(workbook), "sheet": "My chart", "cell": cell, "formula": value}
               for cell, value in (("A1", "State"), ("B1", "Share"), ("A2", "TX"), ("B2", "0.4"), ("A3", "CA"),
                                   ("B3", "0.6"))),
             {"op": "add_chart", "path": str(workbook), "sheet": "My chart", "name": "Mine", "range": "A1:B3"})
    question = _only(calc.dispatch(workbook, "extract", extract_folder=str(out), allow_loss=False), "question")
    assert question["key"] == "allow_loss"
    assert "My chart" in question["lines"][0] and "--allow-loss" in question["lines"][0]
    assert not out.exists()
    records = calc.dispatch(workbook, "extract", extract_folder=str(out), allow_loss=True)
    assert _only(records, "info")["lines"][0] == WORDS["extract_done"].format(folder=out)
    assert (out / "census_exports.csv").exists() and (out / "own").is_dir()
    calc.run({"op": "close", "path": str(workbook)})


@pytest.mark.libreoffice
def test_take_edits_back_says_the_command_lines_error_in_a_dialog(calc: Calc, tmp_path: Path):
    import openpyxl

    other = tmp_path / "someone else's.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Not the tool's"
    book.save(other)
    calc.run({"op": "open", "path": str(other)})
    error = _only(calc.dispatch(other, "extract", extract_folder=str(tmp_path / "out")), "error")
    by_hand = run_cli("extract", other, "--out", tmp_path / "by-hand")
    assert by_hand.returncode == 2
    assert error["lines"] == [by_hand.stderr.strip()]
    assert "Traceback" not in by_hand.stderr
    assert not (tmp_path / "out").exists()
    calc.run({"op": "close", "path": str(other)})


@pytest.mark.libreoffice
def test_rebuild_asks_before_replacing_an_edited_workbook_and_writes_what_build_writes(
        calc: Calc, tmp_path: Path, default_workbook: Path):
    edited = _edited(tmp_path, default_workbook)
    data = edited.with_name(edited.stem + "-data")
    assert run_cli("extract", edited, "--out", data).returncode == 0
    before = edited.read_bytes()
    calc.run({"op": "open", "path": str(edited)})
    opened = calc.run({"op": "documents"})[0][str(edited)]

    # Build would replace the open, edited workbook: asked, the analyst keeps it.
    records = calc.dispatch(edited, "rebuild", replace_edited=False)
    assert _only(records, "folder")["answer"] == str(data)
    question = _only(records, "question")
    assert question["key"] == "replace_edited" and "has been edited since tech-trade wrote it" in question["lines"][0]
    refused = run_cli("build", "--data", data, cwd=edited.parent)
    assert refused.returncode == 2
    # The question quotes the command line's refusal, word for word.
    assert question["lines"] == [WORDS["rebuild_replace"].format(message=refused.stderr.strip())]
    assert _only(records, "info")["lines"] == [refused.stderr.strip(), WORDS["rebuild_kept"]]
    assert edited.read_bytes() == before

    # Asked again, the analyst replaces it: the new workbook is what build --data makes, and it opens.
    records = calc.dispatch(edited, "rebuild", replace_edited=True)
    assert _only(records, "info")["lines"][-1] == f"wrote {edited}"
    by_hand = run_cli("build", "--data", data, "--out", tmp_path / "by-hand.xlsx")
    assert by_hand.returncode == 0, by_hand.stderr
    assert edited.read_bytes() == (tmp_path / "by-hand.xlsx").read_bytes() != before
    deadline = time.monotonic() + REOPEN_WAIT
    # The window that showed the old file is closed, and the new one opened, once the command is over.
    while calc.run({"op": "documents"})[0].get(str(edited)) in (None, opened):
        assert time.monotonic() < deadline, "the rebuilt workbook was not opened"
        time.sleep(0.5)
    assert calc.run({"op": "modified", "path": str(edited)}) == [False]
    calc.run({"op": "close", "path": str(edited)})


# ---------------------------------------------------------------- check, given a copy recalculated elsewhere

@pytest.mark.validator
def test_check_compares_with_a_copy_recalculated_elsewhere(tmp_path: Path, default_workbook: Path,
                                                           default_formulas, default_values):
    """The add-in's Check recalculates in the Calc the workbook is open in, and gives check the copy."""
    from helpers import type_over

    sheet = default_formulas["States"]
    cell = next(each.coordinate for row in sheet.iter_rows() for each in row
                if isinstance(each.value, str) and each.value.startswith("=")
                and isinstance(default_values["States"][each.coordinate].value, (int, float)))
    differing = tmp_path / "recalculated.xlsx"
    type_over(default_workbook, differing, "States", cell, 12345)
    found = run_cli("check", default_workbook, "--recalculated", differing)
    assert found.returncode == 1
    assert found.stdout.startswith(f"States!{cell}: recalculated value 12345 in the recalculated copy differs from "
                                   f"cached value ")
    missing = run_cli("check", default_workbook, "--recalculated", tmp_path / "absent.xlsx")
    assert missing.returncode == 2 and str(tmp_path / "absent.xlsx") in missing.stderr
