"""The Notes sheet tells step by step how to change and extend the workbook; the other tests here do those steps.

What the steps must say is what LibreOffice 7.4 needs (found by the tests in this
folder): rows and columns inserted inside a table, the formulas of the row above
copied into a new report row, a new year's header typed as text, and a rebuild for
the sheets laid out at build time.
"""

from __future__ import annotations

from pathlib import Path

from helpers import open_workbook
from workbook.templates_loader import wording

TASKS = ("Pick another snapshot year", "Change a figure", "Add a state or territory", "Add a category",
         "Add a destination", "Add a new year's data", "Take the edits back and build again")


def _notes(path: Path) -> list[tuple]:
    sheet = open_workbook(path)[wording("notes")["sheet"]]
    return [tuple(cell.value for cell in row[:2]) for row in sheet.iter_rows()]


def test_the_notes_list_every_task_with_numbered_steps_in_order(default_workbook: Path):
    words = wording("notes")
    assert tuple(task["title"] for task in words["steps"]) == TASKS
    rows = _notes(default_workbook)
    heading = rows.index((words["steps_heading"], None))
    shown, task = [], None
    # After the heading, the note on inserting inside tables; then a task's title beside its first step.
    for label, text in rows[heading + 2:]:
        if label is None and text is None:
            break
        task = label or task
        shown.append((task, text))
    assert shown == [(entry["title"], f"{index}. {step}") for entry in words["steps"]
                     for index, step in enumerate(entry["steps"], start=1)]


def test_the_steps_say_what_libreoffice_needs():
    steps = {task["title"]: " ".join(task["steps"]) for task in wording("notes")["steps"]}
    note = wording("notes")["steps_note"]
    assert "inside a table" in note
    for task in ("Add a state or territory", "Add a category", "Add a destination"):
        assert "inside the table" in steps[task], task
        assert "copy" in steps[task] and "row above" in steps[task], task
    assert "Insert Rows Above" in steps["Add a state or territory"]
    assert "Insert Columns Before" in steps["Add a new year's data"]
    assert "as text, with an apostrophe in front ('2026)" in steps["Add a new year's data"]
    for task in ("Add a state or territory", "Add a category", "Add a new year's data"):
        assert "build again" in steps[task], task
    assert "tech-trade extract" in steps["Take the edits back and build again"]
