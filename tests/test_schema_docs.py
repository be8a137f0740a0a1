"""data/README.md documents every file and column of the schema the loader enforces."""

from __future__ import annotations

import pytest

from helpers import DATA
from workbook.dataset.schema import ALL_FILES, OPTIONAL_FILES


@pytest.mark.parametrize("schema", (*ALL_FILES, *OPTIONAL_FILES), ids=lambda schema: schema.filename)
def test_every_file_and_column_is_documented(schema):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"`{schema.filename}`" in readme
    for column in schema.column_names:
        assert f"`{column}`" in readme, f"{schema.filename}: column {column} is not documented"


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
