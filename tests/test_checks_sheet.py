"""The Checks sheet reads in plain English: labels without code names, a live summary line of its
statuses; every number in a formula is written as Excel writes it (no 1e9); and a known reason is
shown only for the difference it explains."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from helpers import DATA, build_workbook, open_workbook, table_rows
from workbook.model.checks import KnownReason, _known_reason, known_reason
from workbook.templates_loader import TemplateError, wording

#: A number in scientific notation (1e9, 5E-07), not part of a name or a cell reference.
SCIENTIFIC = re.compile(r"(?<![A-Za-z_$\d.])\d+(?:\.\d+)?[eE][+-]?\d+(?![A-Za-z_(])")
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def test_no_formula_writes_a_number_in_scientific_notation(default_formulas):
    for sheet in default_formulas.worksheets:
        formulas = [(cell.coordinate, cell.value) for row in sheet.iter_rows() for cell in row
                    if isinstance(cell.value, str) and cell.value.startswith("=")]
        formulas += [(str(rules.sqref), formula) for rules in sheet.conditional_formatting
                     for rule in rules.rules for formula in (rule.formula or [])]
        for where, formula in formulas:
            found = SCIENTIFIC.findall(STRING_LITERAL.sub('""', formula))
            assert not found, f"{sheet.title}!{where}: {formula} writes {found}"


def test_every_published_figure_has_a_plain_english_label(default_values):
    words = wording("checks")["columns"]
    rows = table_rows(default_values, "PublishedChecks")
    for row in rows:
        for key in ("check", "reason"):
            text = row[words[key]] or ""
            assert not CODE_NAME.search(text), f"{row[words['figure']]}: {text!r} holds a code name"
    labels = {row[words["check"]] for row in rows if row[words["figure"]] == "state_tech_exports"}
    assert "Tech exports of California" in labels


def test_the_summary_line_counts_the_statuses_live(default_values, default_formulas):
    words = wording("checks")
    columns = words["columns"]
    rows = table_rows(default_values, "PublishedChecks")
    statuses = [row[columns["status"]] for row in rows]
    known = sum(1 for row in rows if row[columns["status"]] == words["differs"] and row[columns["reason"]])
    expected = words["summary"].format(
        total=len(rows), matches=statuses.count(words["matches"]), differ_known=known,
        differ_unknown=statuses.count(words["differs"]) - known, quoted=statuses.count(words["quoted"]),
        other_year=statuses.count(wording("published")["not_published"]))
    sheet = default_values[words["sheet"]]
    summary = next(cell for row in sheet.iter_rows(max_row=5) for cell in row if cell.value == expected)
    formula = default_formulas[words["sheet"]][summary.coordinate].value
    assert f"PublishedChecks[{columns['status']}]" in formula and f"PublishedChecks[{columns['reason']}]" in formula
    assert known > 0 and statuses.count(words["matches"]) > 0


def test_the_checks_table_keeps_its_column_headers(default_values):
    headers = set(table_rows(default_values, "PublishedChecks")[0])
    assert {"Figure", "Year", "Subject", "What is compared", "Published", "Workbook", "Difference", "Tolerance",
            "Status", "Known reason"} <= headers


def test_every_known_reason_explains_the_default_builds_difference(default_values):
    """A reason declared for a figure that differs is shown: its expected value is the data's."""
    words = wording("checks")
    columns = words["columns"]
    for row in table_rows(default_values, "PublishedChecks"):
        reason = known_reason(row[columns["figure"]], row[columns["subject"]] or "")
        if row[columns["status"]] == words["differs"]:
            assert reason is not None and row[columns["reason"]] == reason.text, row
            assert reason.explains(row[columns["workbook"]]), row


def test_a_known_reason_is_not_shown_for_a_difference_it_does_not_explain(tmp_path):
    """Texas at $0 in the data: no Census revision explains it, so it differs without a known reason."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    exports = pd.read_csv(data / "census_exports.csv")
    texas = (exports["state_code"] == "TX") & (exports["naics3"] == 334) & (exports["year"] == 2020)
    exports.loc[texas, "value_usd"] = 0
    exports.to_csv(data / "census_exports.csv", index=False)
    book = open_workbook(build_workbook(tmp_path / "texas-at-zero.xlsx", 2020, data), data_only=True)
    words = wording("checks")
    columns = words["columns"]
    rows = {(row[columns["figure"]], row[columns["subject"]]): row for row in table_rows(book, "PublishedChecks")}
    texas_row = rows[("state_tech_exports", "TX")]
    assert texas_row[columns["status"]] == words["differs"] and not texas_row[columns["reason"]]
    # California's revision is still the one its reason explains.
    assert rows[("state_tech_exports", "CA")][columns["reason"]]
    summary = book[words["sheet"]]["A3"].value
    assert "differ without a known reason" in summary and " 0 differ without" not in summary


def test_the_reason_formula_tests_the_workbook_value_against_the_expected_range(default_formulas):
    reason = known_reason("state_tech_exports", "TX")
    assert reason is not None
    rows = table_rows(default_formulas, "PublishedChecks")
    columns = wording("checks")["columns"]
    texas = next(row for row in rows if row[columns["figure"]] == "state_tech_exports" and row[columns["subject"]] == "TX")
    formula = texas[columns["reason"]]
    assert f">={int(reason.lowest)}" in formula and f"<={int(reason.highest)}" in formula


@pytest.mark.parametrize("entry, problem", [
    ("Census revisions since publication.", "must give text, expected"),
    ({"text": "Revised.", "expected": [2, 1], "source": "Census"}, "expected must be a number or [lowest, highest]"),
    ({"text": "Revised.", "expected": "45 billion", "source": "Census"}, "expected must be a number"),
])
def test_a_reason_without_its_expected_value_is_refused(entry, problem):
    with pytest.raises(TemplateError, match=re.escape(problem)):
        _known_reason("state_tech_exports.TX", entry)


def test_a_reason_explains_numbers_within_its_range_only():
    reason = KnownReason("Revised.", 44_950_000_000, 45_050_000_000, "Census")
    assert reason.explains(45_022_715_511) and reason.explains(44_950_000_000)
    assert not reason.explains(0) and not reason.explains("") and not reason.explains(None)
    assert not reason.explains(True)
