"""The names analysts' formulas rely on are published (README, the register's rows for a
sheet) and change only with a note in CHANGELOG.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers import REPO
from workbook.writing import register
from workbook.templates_loader import use_templates, wording

CHANGELOG = REPO / "CHANGELOG.md"
README = REPO / "README.md"

_NOTE = re.compile(r"- (Added|Removed|Renamed) `([^`]+)`(?: to `([^`]+)`)?\s*")
_LISTED = re.compile(r"- `([^`]+)`\s*")


def replay(changelog: str) -> list[str]:
    """The interface the changelog gives: as first published (its oldest section), then each
    later section's notes applied in turn, oldest first."""
    sections = re.split(r"^## .*$", changelog, flags=re.MULTILINE)[1:]
    *changes, first = sections
    interface = [found.group(1) for line in first.splitlines() if (found := _LISTED.fullmatch(line))]
    assert interface, "the oldest section of CHANGELOG.md lists the interface as first published"
    for section in reversed(changes):
        for line in section.splitlines():
            note = _NOTE.fullmatch(line)
            if note is None:
                continue
            action, name, new = note.groups()
            if action == "Added":
                assert name not in interface, f"CHANGELOG.md adds {name}, which was there already"
                interface.append(name)
            else:
                assert name in interface, f"CHANGELOG.md {action.lower()} {name}, which was not there"
                position = interface.index(name)
                if action == "Removed":
                    del interface[position]
                else:
                    assert new, f"CHANGELOG.md renames {name} to nothing"
                    interface[position] = new
    return interface


def _unnoted(changelog: str) -> tuple[list[str], list[str]]:
    """(declared but not in the changelog, in the changelog but no longer declared)."""
    declared = [entry.reference for entry in register.interface()]
    noted = replay(changelog)
    return sorted(set(declared) - set(noted)), sorted(set(noted) - set(declared))


def test_every_change_to_the_published_interface_is_noted_in_the_changelog():
    new, gone = _unnoted(CHANGELOG.read_text(encoding="utf-8"))
    assert (new, gone) == ([], []), (
        f"the published interface changed without a note in CHANGELOG.md: declared now but not noted: {new}; "
        f"noted but declared no more: {gone}. Note each change under '## Unreleased' "
        "(- Added `NAME`, - Removed `NAME`, - Renamed `OLD` to `NEW`) and update README's list.")


@pytest.fixture
def header_renamed(tmp_path: Path):
    """The register read through templates in which the States table's tech exports header is renamed."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    states = templates / "wording" / "states.toml"
    states.write_text(states.read_text(encoding="utf-8").replace(
        'tech_exports = "Tech exports"', 'tech_exports = "Tech exports USD"'), encoding="utf-8")
    use_templates(templates)
    yield
    use_templates(None)


def test_a_renamed_header_fails_without_a_note_and_passes_with_one(header_renamed):
    changelog = CHANGELOG.read_text(encoding="utf-8")
    assert _unnoted(changelog) == (["StateSummary[Tech exports USD]"], ["StateSummary[Tech exports]"])
    noted = changelog.replace("## Unreleased\n", "## Unreleased\n\n"
                              "- Renamed `StateSummary[Tech exports]` to `StateSummary[Tech exports USD]`\n", 1)
    assert _unnoted(noted) == ([], [])


def test_readme_lists_the_published_interface():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Formulas that keep working\n", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            table = cells[0].strip("`")
            listed.add(table)
            listed.update(f"{table}[{header}]" for header in re.findall(r"`([^`]+)`", cells[2]))
        elif len(cells) == 2 and cells[0].startswith("`"):
            listed.update(re.findall(r"`([^`]+)`", cells[0]))
    assert listed == {entry.reference for entry in register.interface()}


def test_the_interface_as_rows_for_a_sheet():
    rows = register.interface_rows()
    entries = register.interface()
    kinds = wording("interface")["kinds"]
    assert [reference for _, reference, _ in rows] == [entry.reference for entry in entries]
    assert {what for what, _, _ in rows} == set(kinds.values())
    assert ("Table", "StateSummary", "States") in rows
    assert ("Column", "StateSummary[Tech exports]", "States") in rows
    assert (kinds["year_columns"], "CensusExports[<year>]", "Census exports") in rows
    assert ("Defined name", "SnapshotYear", "Cover") in rows
    # Presentation tables and helper columns are not promised.
    references = {reference for _, reference, _ in rows}
    assert not references & {"PublishedChecks", "IdentityChecks", "LargestCategories", "TechTrend[Tech row]"}
