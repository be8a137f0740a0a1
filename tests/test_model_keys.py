"""The model gives figures and keys; the sheets word the keys. A key written unworded would show
its name, or stop the build; a word chosen in the model would escape the wording's edits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import DATA
from workbook.dataset.load import load_dataset
from workbook.model import build_model
from workbook.model.balance import balance_figures
from workbook.model.checks import identity_status, published_status
from workbook.model.destinations import destination_figures
from workbook.model.findings import check_status
from workbook.model.keys import NOT_PUBLISHED, NoFigure, Status
from workbook.model.partners import partner_figures
from workbook.templates_loader import wording
from workbook.writing.words import not_published, shown, status_word

MODEL = Path(__file__).resolve().parent.parent / "workbook" / "model"
#: What the model may read from the wording, (section, key): data rather than words for the reader
#: (the comments beside each reading say why).
MODEL_READS = {("checks", "reasons"), ("categories", "label_words")}


def test_every_status_has_its_own_word():
    words = [status_word(status) for status in Status]
    assert all(isinstance(word, str) and word for word in words)
    # The Checks sheet counts statuses by their words: two statuses in one word would be counted as one.
    assert len(set(words)) == len(words)
    assert status_word(Status.NOT_PUBLISHED) == not_published() == wording("published")["not_published"]
    assert status_word(Status.DIFFERS) == wording("checks")["differs"]


def test_shown_words_a_key_and_leaves_a_figure():
    assert shown(NOT_PUBLISHED) == not_published()
    assert shown(1.5) == 1.5
    assert shown("") == ""


def test_the_model_gives_statuses_as_keys():
    assert published_status(None, "", 0.0, 2020, 2020) is Status.QUOTED
    assert published_status(10.0, 0.0, 0.0, 2019, 2020) is Status.NOT_PUBLISHED
    assert published_status(10.0, 0.4, 0.5, 2020, 2020) is Status.MATCHES
    assert published_status(10.0, 0.6, 0.5, 2020, 2020) is Status.DIFFERS
    assert identity_status("", 1.0) is Status.NOT_PUBLISHED
    assert identity_status(0.0, 1.0) is Status.HOLDS
    assert identity_status(1.0, 1.0) is Status.BROKEN


@pytest.fixture(scope="module")
def model_2019():
    """2019: the release publishes none of the snapshot's figures, and the partner data has no column."""
    return build_model(load_dataset(DATA), 2019)


def test_a_year_the_release_and_the_partner_data_do_not_cover_gives_keys(model_2019):
    assert balance_figures(model_2019).services_balance is NOT_PUBLISHED
    assert check_status(model_2019, "tech_services_trade_balance") is Status.NOT_PUBLISHED
    partners = partner_figures(model_2019)
    assert partners.world_exports is NoFigure.NO_PARTNER_DATA
    assert partners.world_balance is NoFigure.NO_PARTNER_DATA
    assert set(partners.table["exports"]) == {NoFigure.NO_PARTNER_DATA}
    table = destination_figures(model_2019).table
    assert set(table["published_rank"]) == {NOT_PUBLISHED}
    assert set(table["census_value"]) <= {NoFigure.NO_PARTNER_DATA, NoFigure.SERVICES_NOT_IN_CENSUS}


def _wording_reads(path: Path) -> list[tuple[int, str, str]]:
    """(line, section, key) of each ``wording("section")["key"]`` in a module; key "" where none is taken."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    taken = {id(node.value): node for node in ast.walk(tree) if isinstance(node, ast.Subscript)}
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "wording":
            section = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else "?"
            subscript = taken.get(id(node))
            key = (subscript.slice.value if subscript is not None and isinstance(subscript.slice, ast.Constant)
                   else "")
            reads.append((node.lineno, str(section), str(key)))
    return reads


def test_the_model_reads_no_words_for_the_reader():
    found = [f"{path.name}:{line}: wording({section!r})[{key!r}]"
             for path in sorted(MODEL.glob("*.py")) for line, section, key in _wording_reads(path)
             if (section, key) not in MODEL_READS]
    assert not found, "the model returns keys and the sheets word them:\n" + "\n".join(found)
    # The test sees the reads it allows.
    assert any(_wording_reads(MODEL / "checks.py"))
