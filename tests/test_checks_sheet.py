"""The Checks sheet reads in plain English: labels without code names, a live summary line of its
statuses; and every number in a formula is written as Excel writes it (no 1e9)."""

from __future__ import annotations

import re

from helpers import table_rows
from workbook.templates_loader import wording

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
