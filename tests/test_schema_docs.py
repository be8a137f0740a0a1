"""data/README.md documents every file and column of the schema the loader enforces."""

from __future__ import annotations

import re

import pytest

from helpers import DATA
from workbook.dataset.schema import ALL_FILES, OPTIONAL_FILES


def _column_table(filename: str) -> dict[str, str]:
    """The rows of the column table in the section of data/README.md whose heading names ``filename``:
    each column it lists, with the kind it gives."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    section = next(part for part in readme.split("\n## ") if f"`{filename}`" in part.split("\n", 1)[0])
    table = section.split("| column | kind | meaning |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.strip().splitlines()[1:]:
        names, kind = line.split(" | ")[:2]
        for name in re.findall(r"`([a-z0-9_]+)`", names):
            rows[name] = kind
    return rows


@pytest.mark.parametrize("schema", (*ALL_FILES, *OPTIONAL_FILES), ids=lambda schema: schema.filename)
def test_every_file_has_a_table_of_exactly_its_columns(schema):
    # data/README.md is where a column's meaning is told: the schema declares only its name, kind and limits.
    assert sorted(_column_table(schema.filename)) == sorted(schema.column_names)


@pytest.mark.parametrize("schema", (*ALL_FILES, *OPTIONAL_FILES), ids=lambda schema: schema.filename)
def test_the_table_says_which_columns_may_be_empty(schema):
    table = _column_table(schema.filename)
    said_optional = {name for name, kind in table.items() if "may be empty" in kind}
    assert said_optional == {column.name for column in schema.columns if not column.required}


@pytest.mark.parametrize("schema", (*ALL_FILES, *OPTIONAL_FILES), ids=lambda schema: schema.filename)
def test_a_column_of_few_choices_lists_them_all(schema):
    table = _column_table(schema.filename)
    for column in schema.columns:
        if 1 < len(column.choices) <= 5:
            assert all(f"`{choice}`" in table[column.name] for choice in column.choices), column.name


def test_a_column_missing_from_its_table_is_caught():
    from workbook.dataset.schema import Column, FileSchema, STATES

    widened = FileSchema(filename=STATES.filename, description=STATES.description, key=STATES.key,
                         columns=(*STATES.columns, Column("tile_size", "integer")))
    with pytest.raises(AssertionError):
        test_every_file_has_a_table_of_exactly_its_columns(widened)


def test_every_published_figure_id_is_documented():
    import pandas as pd

    readme = (DATA / "README.md").read_text(encoding="utf-8")
    figures = pd.read_csv(DATA / "published_figures.csv")["figure"].unique()
    for figure in figures:
        assert f"`{figure}`" in readme, f"figure {figure} is not documented"


def test_the_figures_the_loader_accepts_are_those_documented_labelled_and_imported():
    """The loader refuses a figure outside PUBLISHED_FIGURES: each must be documented, have a
    label on the Checks sheet, and be what import-release writes."""
    from workbook.dataset.importers.release import FIGURES, LISTS
    from workbook.dataset.schema import PUBLISHED_FIGURES, STATE_FIGURES
    from workbook.templates_loader import wording

    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert all(f"`{figure}`" in readme for figure in PUBLISHED_FIGURES)
    assert set(wording("checks")["labels"]) == set(PUBLISHED_FIGURES)
    assert {spec.figure for spec in (*FIGURES, *LISTS)} == set(PUBLISHED_FIGURES)
    assert set(STATE_FIGURES) <= set(PUBLISHED_FIGURES)
