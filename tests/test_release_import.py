"""Importing the press release: every figure it states, quoted from its sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import SHARED, running_in_ci
from workbook.errors import InputError
from workbook.dataset.importers import release
from workbook.dataset.importers.release import import_release, parse_value, read_release, split_sentences
from workbook.dataset.schema import DESTINATIONS, PUBLISHED

REPO = Path(__file__).resolve().parents[1]
# The press release's text, in the shared folder beside the checkout (CI has a copy there too);
# TECH_TRADE_SHARED names the shared folder where it lies elsewhere.
SEEDS = Path(os.environ.get("TECH_TRADE_SHARED", SHARED)) / "seeds"

FOOTNOTE_STATES = {"AZ", "CA", "CO", "FL", "ID", "MA", "MN", "NV", "NH", "NM", "OR", "TN", "VT", "VA"}

# figure, subject, value, unit, year, how the release writes it
EXPECTED = [
    ("semiconductor_exports", "", 63e9, "usd", 2020, "$63 billion"),
    ("semiconductor_exports_growth", "", 0.056, "ratio", 2020, "5.6%"),
    ("it_services_exports_growth", "", 0.119, "ratio", 2020, "11.9%"),
    ("tech_services_exports_rank", "", 2, "rank", 2020, "second only to travel"),
    ("tech_products_exports_rank", "", 3, "rank", 2020, "ranked third"),
    ("states_tech_exports_over_1b", "", 32, "count", 2020, "32 states"),
    ("state_tech_exports", "TX", 44.9e9, "usd", 2020, "Texas ($44.9 billion)"),
    ("state_tech_exports", "CA", 37.6e9, "usd", 2020, "California ($37.6 billion)"),
    ("state_tech_exports", "OR", 12.2e9, "usd", 2020, "Oregon ($12.2 billion)"),
    ("state_tech_exports", "MS", 1.2e9, "usd", 2020, "Mississippi ($1.2 billion)"),
    ("state_tech_exports", "MD", 1.2e9, "usd", 2020, "Maryland ($1.2 billion)"),
    ("state_tech_exports", "CT", 1e9, "usd", 2020, "Connecticut ($1 billion)"),
    ("states_tech_top_three", "", 29, "count", 2020, "29 states"),
    ("states_tech_leading", "", 14, "count", 2020, "14 states"),
    ("tech_exports_jobs", "", 918_500, "jobs", 2018, "918,500"),
    ("tech_imports", "", 475e9, "usd", 2020, "$475 billion"),
    ("tech_trade_balance", "", -140e9, "usd", 2020, "deficit of approximately $140 billion"),
    ("tech_services_trade_balance", "", 55e9, "usd", 2020, "$55 billion trade surplus"),
    ("tech_services_exports_ten_years", "", 1.3e12, "usd", 2020, "$1.3 trillion"),
    ("tech_services_trade_balance_ten_years", "", 433e9, "usd", 2020, "surplus of $433 billion"),
    ("top_destination_products", "Mexico", 1, "rank", 2020, "Mexico"),
    ("top_destination_products", "Canada", 2, "rank", 2020, "Canada"),
    ("top_destination_products", "China", 3, "rank", 2020, "China"),
    ("top_destination_services", "Ireland", 1, "rank", 2020, "Ireland"),
    ("top_destination_services", "Switzerland", 2, "rank", 2020, "Switzerland"),
    ("top_destination_services", "Japan", 3, "rank", 2020, "Japan"),
]


@pytest.fixture(scope="module")
def seed() -> Path:
    """The press release as text: the first of the shared seeds. Without it the tests that read it
    skip, except in CI, where it must be."""
    found = sorted(SEEDS.glob("*.txt"))
    if not found:
        missing = f"no press release text (*.txt) in {SEEDS}"
        if running_in_ci():
            pytest.fail(f"CI needs it: {missing}", pytrace=False)
        pytest.skip(missing)
    return found[0]


@pytest.fixture(scope="module")
def release_text(seed: Path) -> str:
    return seed.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def figures(seed: Path) -> pd.DataFrame:
    return read_release(seed)


def the_row(figures: pd.DataFrame, figure: str, subject: str = "") -> pd.Series:
    rows = figures[(figures["figure"] == figure) & (figures["subject"] == subject)]
    assert len(rows) == 1, f"{figure} {subject!r}: {len(rows)} rows"
    return rows.iloc[0]


def without(text: str, piece: str) -> str:
    assert piece in text, "the test edits a piece of the release that is no longer there"
    return text.replace(piece, "")


def write_release(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "release.txt"
    path.write_text(text, encoding=encoding)
    return path


def run_cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbook", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, check=False)


# --- the seed release --------------------------------------------------------------------------


@pytest.mark.parametrize(("figure", "subject", "value", "unit", "year", "written"), EXPECTED,
                         ids=[f"{e[0]}-{e[1]}" if e[1] else e[0] for e in EXPECTED])
def test_each_figure_of_the_release_has_its_value_unit_and_year(figures, figure, subject, value, unit, year, written):
    row = the_row(figures, figure, subject)
    assert row["value"] == pytest.approx(value, rel=1e-12)
    assert row["unit"] == unit
    assert row["year"] == year


@pytest.mark.parametrize(("figure", "subject", "written"), [(e[0], e[1], e[5]) for e in EXPECTED],
                         ids=[f"{e[0]}-{e[1]}" if e[1] else e[0] for e in EXPECTED])
def test_each_quote_is_the_sentence_of_the_release_stating_the_figure(figures, figure, subject, written, release_text):
    quote = the_row(figures, figure, subject)["quote"]
    assert quote in split_sentences(release_text)
    assert written in quote


def test_the_leading_states_are_exactly_the_footnote_list_as_codes_each_ranked_first(figures):
    leading = figures[figures["figure"] == "state_tech_leading"]
    assert set(leading["subject"]) == FOOTNOTE_STATES
    assert len(leading) == 14
    assert (leading["value"] == 1).all() and (leading["unit"] == "rank").all() and (leading["year"] == 2020).all()


def test_the_leading_states_are_quoted_from_the_footnote(figures, release_text):
    quotes = set(figures.loc[figures["figure"] == "state_tech_leading", "quote"])
    assert len(quotes) == 1
    footnote = quotes.pop()
    assert footnote.startswith("[1] Arizona, California")
    assert footnote in split_sentences(release_text)


def test_the_release_gives_only_the_figures_listed_here(figures):
    expected = {(figure, subject) for figure, subject, *_ in EXPECTED}
    expected |= {("state_tech_leading", code) for code in FOOTNOTE_STATES}
    assert set(zip(figures["figure"], figures["subject"])) == expected
    assert not figures.duplicated(list(PUBLISHED.key)).any()


def test_every_figure_id_is_documented_in_the_module_table(figures):
    documented = release.__doc__
    missing = [figure for figure in figures["figure"].unique() if f"\n{figure} " not in documented]
    assert missing == []


def test_an_abbreviation_like_us_does_not_end_a_sentence():
    text = "Ireland holds the top spot according to U.S. International Trade data. Japan is third."
    assert split_sentences(text) == [
        "Ireland holds the top spot according to U.S. International Trade data.",
        "Japan is third.",
    ]


def test_a_footnote_marker_stays_with_the_sentence_it_follows():
    text = "Tech leads in 14 states.[1] Exports supported jobs."
    assert split_sentences(text) == ["Tech leads in 14 states.[1]", "Exports supported jobs."]


# --- values as the release writes them -----------------------------------------------------------


@pytest.mark.parametrize(("written", "unit", "value"), [
    ("$63 billion", "usd", 63e9),
    ("$1 billion", "usd", 1e9),
    ("$44.9 billion", "usd", 44.9e9),
    ("$1.3 trillion", "usd", 1.3e12),
    ("5.6%", "ratio", 0.056),
    ("11.9%", "ratio", 0.119),
    ("918,500", "jobs", 918_500),
    ("32", "count", 32),
    ("14", "count", 14),
    ("second", "rank", 2),
    ("third", "rank", 3),
])
def test_a_value_is_read_in_its_unit(written, unit, value):
    assert parse_value(written, unit) == value


@pytest.mark.parametrize(("written", "unit"), [
    ("63 billion", "usd"),  # no dollar sign: not an amount of money
    ("$63 zillion", "usd"),
    ("5.6", "ratio"),
    ("918.5", "jobs"),
    ("second-ish", "rank"),
])
def test_a_value_not_written_as_its_unit_expects_is_an_input_error(written, unit):
    with pytest.raises(InputError, match="expected"):
        parse_value(written, unit, "some_figure", "release.txt")


# --- a changed release fails loudly --------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "figure"), [
    ("U.S. exports of semiconductors totaled $63 billion, an increase of 5.6% year-over-year.",
     "semiconductor_exports"),
    ("Technology exports directly supported an estimated 918,500 American jobs in 2018, "
     "the most recent year of available data at time of publication.", "tech_exports_jobs"),
    ("The deficit was lessened by a $55 billion trade surplus generated by exports of tech services.",
     "tech_services_trade_balance"),
    (" The same consistency held true in the services category with Ireland, Switzerland and Japan "
     "holding the top spots according to U.S. International Trade Administration statistics.",
     "top_destination_services"),
    ("[1] Arizona, California, Colorado, Florida, Idaho, Massachusetts, Minnesota, Nevada, New Hampshire, "
     "New Mexico, Oregon, Tennessee, Vermont and Virginia .", "state_tech_leading"),
])
def test_a_release_without_a_figures_sentence_fails_naming_the_figure(tmp_path, sentence, figure, release_text):
    path = write_release(tmp_path, without(release_text, sentence))
    with pytest.raises(InputError, match=f"figure {figure}: no sentence matches") as raised:
        read_release(path)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_release_without_one_named_state_fails_naming_the_state_figure(tmp_path, release_text):
    path = write_release(tmp_path, without(release_text, " and Connecticut ($1 billion)"))
    with pytest.raises(InputError, match="figure state_tech_exports: .*Connecticut"):
        read_release(path)


def test_a_footnote_that_disagrees_with_the_count_of_leading_states_fails(tmp_path, release_text):
    path = write_release(tmp_path, without(release_text, "Arizona, "))
    with pytest.raises(InputError, match="figure state_tech_leading: the list names 13 places, but "
                                         "states_tech_leading says 14"):
        read_release(path)


def test_a_figure_stated_by_two_sentences_is_ambiguous(tmp_path, release_text):
    repeated = "The deficit was lessened by a $55 billion trade surplus generated by exports of tech services."
    path = write_release(tmp_path, release_text + "\n" + repeated + "\n")
    with pytest.raises(InputError, match="figure tech_services_trade_balance: 2 sentences match"):
        read_release(path)


def test_a_release_saved_with_a_byte_order_mark_reads_the_same(tmp_path, figures, release_text):
    path = write_release(tmp_path, release_text, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(read_release(path), figures)


def test_a_release_that_is_not_utf8_is_an_input_error(tmp_path, release_text):
    path = tmp_path / "release.txt"
    path.write_bytes(release_text.replace("CompTIA's", "CompTIA\u2019s").encode("cp1252"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_release(path)


def test_a_missing_release_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read the press release"):
        read_release(tmp_path / "nowhere.txt")


# --- the file it writes ----------------------------------------------------------------------------


def test_import_writes_the_published_figures_file_sorted_by_key(tmp_path, figures, seed):
    path = import_release(seed, tmp_path / "data")
    assert path == tmp_path / "data" / "published_figures.csv"
    written = pd.read_csv(path, keep_default_na=False)
    assert list(written.columns) == PUBLISHED.column_names
    assert len(written) == len(figures)
    assert list(zip(written["figure"], written["subject"])) == sorted(zip(written["figure"], written["subject"]))


def test_whole_figures_are_written_without_a_decimal_point(tmp_path, seed):
    lines = import_release(seed, tmp_path).read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("semiconductor_exports,2020,,63000000000,usd,") for line in lines)
    assert any(line.startswith("tech_trade_balance,2020,,-140000000000,usd,") for line in lines)
    assert any(line.startswith("semiconductor_exports_growth,2020,,0.056,ratio,") for line in lines)


def test_import_writes_the_top_destinations_with_empty_values(tmp_path, seed):
    import_release(seed, tmp_path)
    written = pd.read_csv(tmp_path / DESTINATIONS.filename, keep_default_na=False)
    assert list(written.columns) == DESTINATIONS.column_names
    assert list(zip(written["flow"], written["country"])) == [
        ("products", "Canada"), ("products", "China"), ("products", "Mexico"),
        ("services", "Ireland"), ("services", "Japan"), ("services", "Switzerland")]
    assert (written["value_usd"] == "").all()


def test_import_keeps_destination_values_already_entered_and_destinations_added(tmp_path, seed):
    import_release(seed, tmp_path)
    path = tmp_path / DESTINATIONS.filename
    text = path.read_text(encoding="utf-8").replace("services,Japan,\n", "services,Japan,1500\nservices,Korea,7\n")
    path.write_text(text, encoding="utf-8")
    import_release(seed, tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "services,Japan,1500" in lines and "services,Korea,7" in lines
    assert "products,Mexico," in lines
    assert len(lines) == 1 + 7


# --- the command ------------------------------------------------------------------------------------


def test_the_command_writes_published_figures_and_exits_0(tmp_path, seed):
    result = run_cli("import-release", seed, "--data", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "published_figures.csv").is_file()
    assert "published_figures.csv" in result.stdout


def test_the_command_on_a_missing_file_exits_2_with_one_line_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    result = run_cli("import-release", tmp_path / "nowhere.txt", "--data", data)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "nowhere.txt" in result.stderr
    assert not data.exists()
