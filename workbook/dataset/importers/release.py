"""Reads the snapshot's press release and writes ``data/published_figures.csv``.

Every figure the release states becomes one row, quoted with the sentence it comes
from, so the workbook can check its own numbers against what was published. Each
figure is found by a regular expression in a declarative spec below; a spec that
no longer matches (the release was edited, a sentence was dropped) is an
``InputError`` naming the figure, never a silently missing row.

The release is dated 2021-06-30 and reports on 2020: a figure is for
``REPORT_YEAR`` unless its sentence states a year, which is then read from the
text (jobs supported: 2018). The ten-year figures cover the period ending in 2020
and are stored under 2020.

=====================================  ==============  ======  ===================================================
figure                                 subject         unit    what it is (value in the 2021 release)
=====================================  ==============  ======  ===================================================
semiconductor_exports                                  usd     U.S. semiconductor exports ($63 billion)
semiconductor_exports_growth                           ratio   their year-over-year growth (5.6%)
it_services_exports_growth                             ratio   growth of exports of IT, cloud and custom software
                                                               services (an estimated 11.9%)
tech_services_exports_rank                             rank    tech services among U.S. services export
                                                               categories (second, after travel)
tech_products_exports_rank                             rank    tech products among U.S. goods export categories
                                                               (third)
states_tech_exports_over_1b                            count   states exporting more than $1 billion of tech
                                                               products (32)
state_tech_exports                     state code      usd     tech product exports of each state the release
                                                               names (TX, CA, OR, MS, MD, CT)
states_tech_top_three                                  count   states where tech is one of the top three product
                                                               export categories (29)
states_tech_leading                                    count   states where tech is the leading product export
                                                               category (14)
state_tech_leading                     state code      rank    1 for each state of footnote [1], where tech is the
                                                               leading product export category
tech_exports_jobs                                      jobs    jobs directly supported by tech exports (an
                                                               estimated 918,500, in 2018)
tech_imports                                           usd     tech products and services bought from abroad (an
                                                               estimated $475 billion)
tech_trade_balance                                     usd     tech trade balance, negative for a deficit
                                                               (approximately -$140 billion)
tech_services_trade_balance                            usd     tech services trade balance, positive for a
                                                               surplus ($55 billion)
tech_services_exports_ten_years                        usd     tech services exports over the ten years to 2020
                                                               (nearly $1.3 trillion)
tech_services_trade_balance_ten_years                  usd     tech services trade surplus over the ten years to
                                                               2020 ($433 billion)
top_destination_products               country name    rank    top destinations of tech product exports, 1 first
                                                               (Mexico, Canada, China)
top_destination_services               country name    rank    top destinations of tech services exports, 1 first
                                                               (Ireland, Switzerland, Japan)
=====================================  ==============  ======  ===================================================

National figures have an empty subject.

The top destinations also become the rows of ``data/destinations.csv`` (flow, country,
value_usd), where an analyst enters the value of each; the release gives none, so a
new row's value is empty, and a value already entered for the same flow and country
is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import us

from workbook.dataset.data_files import write_data_file
from workbook.errors import InputError
from workbook.dataset.load import read_table
from workbook.dataset.schema import DESTINATION_FIGURE_PREFIX, DESTINATIONS, PUBLISHED

#: A row of published_figures.csv as the release gives it: figure, year, subject, value, unit, quote.
PublishedRecord = dict[str, object]

#: The year the release reports on; figures are for it unless their sentence says otherwise.
REPORT_YEAR = 2020

# Fragments of the patterns below: how the release writes each kind of value.
DOLLARS = r"\$\d[\d,]*(?:\.\d+)? (?:thousand|million|billion|trillion)|\$\d[\d,]*(?:\.\d+)?"
PERCENT = r"\d+(?:\.\d+)?%"
WHOLE_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
ORDINAL = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
YEAR = r"(?P<year>(?:19|20)\d\d)"
#: A list of names as the release writes it: "Mexico, Canada and China".
NAMES = r"[A-Z][A-Za-z ]*(?:, [A-Z][A-Za-z ]*)*,? and [A-Z][A-Za-z ]*[A-Za-z]"


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the release: the group ``value`` of ``pattern`` is the figure as written.

    If the pattern has a group ``year``, the figure is for that year instead of REPORT_YEAR.
    """

    figure: str
    unit: str
    pattern: str
    description: str
    #: The state the figure is about, by name as the release writes it; stored as its USPS code.
    state: str = ""
    #: -1 for a deficit, which the release states as a positive amount.
    sign: int = 1


@dataclass(frozen=True)
class ListSpec:
    """A list of places in the release: the group ``items`` of ``pattern`` is the list as written.

    Each place becomes a row of unit rank: its position in the list when ``in_order``
    (the release lists them first to last), else 1 (each place is first in its own right).
    """

    figure: str
    pattern: str
    description: str
    #: "state" stores each place as its USPS code; "country" keeps the name as written.
    places: str
    in_order: bool
    #: A figure of the release that counts the list, which must agree with its length.
    counted_by: str = ""


#: The states the release names with their tech product exports, in its order.
NAMED_STATES = ("Texas", "California", "Oregon", "Mississippi", "Maryland", "Connecticut")

FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("semiconductor_exports", "usd",
               rf"exports of semiconductors totaled (?P<value>{DOLLARS})",
               "U.S. exports of semiconductors in dollars"),
    FigureSpec("semiconductor_exports_growth", "ratio",
               rf"semiconductors totaled .*an increase of (?P<value>{PERCENT}) year-over-year",
               "the year-over-year growth of semiconductor exports as a percentage"),
    FigureSpec("it_services_exports_growth", "ratio",
               rf"IT services, cloud services and custom software services .*growth at an estimated "
               rf"(?P<value>{PERCENT})",
               "the growth of IT, cloud and custom software services exports as a percentage"),
    FigureSpec("tech_services_exports_rank", "rank",
               rf"Technology services exports ranked (?P<value>{ORDINAL}) only to travel services "
               rf"among all U\.S\. services export categories in {YEAR}",
               "the rank of technology services among U.S. services export categories, like 'second'"),
    FigureSpec("tech_products_exports_rank", "rank",
               rf"Technology product exports ranked (?P<value>{ORDINAL}) in {YEAR} "
               rf"among all U\.S\. goods export categories",
               "the rank of technology products among U.S. goods export categories, like 'third'"),
    FigureSpec("states_tech_exports_over_1b", "count",
               rf"(?P<value>{WHOLE_NUMBER}) states exported more than \$1 billion worth of technology products "
               rf"in {YEAR}",
               "the number of states exporting more than $1 billion of technology products"),
    *(
        FigureSpec("state_tech_exports", "usd", rf"\b{state} \((?P<value>{DOLLARS})\)",
                   f"the technology product exports of {state} in dollars, like '{state} ($1 billion)'",
                   state=state)
        for state in NAMED_STATES
    ),
    FigureSpec("states_tech_top_three", "count",
               rf"Tech ranks in the top three product export categories in (?P<value>{WHOLE_NUMBER}) states",
               "the number of states where tech is a top-three product export category"),
    FigureSpec("states_tech_leading", "count",
               rf"including (?P<value>{WHOLE_NUMBER}) states where it is the leading product category",
               "the number of states where tech is the leading product export category"),
    FigureSpec("tech_exports_jobs", "jobs",
               rf"Technology exports directly supported an estimated (?P<value>{WHOLE_NUMBER}) American jobs "
               rf"in {YEAR}",
               "the number of American jobs technology exports supported, and their year"),
    FigureSpec("tech_imports", "usd",
               rf"purchased an estimated (?P<value>{DOLLARS}) in technology products and services "
               rf"from overseas sellers in {YEAR}",
               "the technology products and services bought from overseas in dollars"),
    FigureSpec("tech_trade_balance", "usd",
               rf"tech trade deficit of approximately (?P<value>{DOLLARS})",
               "the tech trade deficit in dollars", sign=-1),
    FigureSpec("tech_services_trade_balance", "usd",
               rf"(?P<value>{DOLLARS}) trade surplus generated by exports of tech services",
               "the trade surplus of tech services in dollars"),
    FigureSpec("tech_services_exports_ten_years", "usd",
               rf"Over a 10-year period U\.S\. tech services exports have totaled nearly (?P<value>{DOLLARS})",
               "the tech services exports over ten years in dollars"),
    FigureSpec("tech_services_trade_balance_ten_years", "usd",
               rf"Over a 10-year period U\.S\. tech services exports .*resulting in a trade surplus of "
               rf"(?P<value>{DOLLARS})",
               "the tech services trade surplus over ten years in dollars"),
)

LISTS: tuple[ListSpec, ...] = (
    ListSpec("state_tech_leading", rf"^\[1\] (?P<items>{NAMES}) ?\.?$",
             "footnote [1]: the states where tech is the leading product export category, "
             "like '[1] Arizona, California and Virginia.'",
             places="state", in_order=False, counted_by="states_tech_leading"),
    ListSpec("top_destination_products",
             rf"top destinations for U\.S\. tech exports in {YEAR} .*with (?P<items>{NAMES}) holding the top spots",
             "the top destinations for U.S. tech exports, like 'with Mexico, Canada and China holding the top spots'",
             places="country", in_order=True),
    ListSpec("top_destination_services",
             rf"in the services category with (?P<items>{NAMES}) holding the top spots",
             "the top destinations for tech services, like "
             "'in the services category with Ireland, Switzerland and Japan holding the top spots'",
             places="country", in_order=True),
)


def import_release(release_path: Path, data_dir: Path) -> Path:
    """Read the press release and write its figures as ``data_dir/published_figures.csv``.

    Also write its top destinations as ``data_dir/destinations.csv``, keeping the values
    already entered there. Returns the path of the published figures.
    """
    figures = read_release(release_path)
    # The existing destinations are read (and checked) before anything is written.
    destinations = destination_rows(figures, _entered_destinations(Path(data_dir)))
    path = write_data_file(figures, PUBLISHED, data_dir)
    write_data_file(destinations, DESTINATIONS, data_dir)
    return path


def destination_rows(figures: pd.DataFrame, entered: pd.DataFrame) -> pd.DataFrame:
    """The rows of destinations.csv: every published top destination, plus those entered before.

    A value entered before for the same flow and country is kept; the release gives
    no values, so a new destination's value is empty. Destinations an analyst added
    stay: dropping them would lose their work.
    """
    published = figures[figures["figure"].str.startswith(DESTINATION_FIGURE_PREFIX)]
    released = pd.DataFrame({
        "flow": published["figure"].str.removeprefix(DESTINATION_FIGURE_PREFIX).to_numpy(dtype=object),
        "country": published["subject"].to_numpy(dtype=object),
        "value_usd": float("nan"),
    })
    rows = pd.concat([entered.astype({"flow": object, "country": object}), released], ignore_index=True)
    # The entered rows come first, so their values win over the release's empty ones.
    rows = rows.drop_duplicates(list(DESTINATIONS.key), keep="first")
    return rows.astype({"value_usd": "float64"}).reset_index(drop=True)


def _entered_destinations(data_dir: Path) -> pd.DataFrame:
    path = data_dir / DESTINATIONS.filename
    if not path.is_file():
        return pd.DataFrame({name: pd.Series(dtype=object) for name in DESTINATIONS.column_names})
    return read_table(path, DESTINATIONS)


def read_release(path: Path) -> pd.DataFrame:
    """Every figure the release states, one row each, in the columns of PUBLISHED."""
    sentences = split_sentences(_read_text(path))
    rows = [_figure_row(spec, sentences, path) for spec in FIGURES]
    for spec in LISTS:
        rows.extend(_list_rows(spec, sentences, path, rows))
    figures = pd.DataFrame(rows, columns=PUBLISHED.column_names)
    figures["value"] = figures["value"].astype(float)
    _check_keys_unique(figures, path)
    return figures


def _read_text(path: Path) -> str:
    try:
        # utf-8-sig: text saved by Windows editors starts with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"the press release is not UTF-8 text ({error.reason} at byte {error.start}); "
                               "expected it saved as UTF-8") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(path, f"cannot read the press release ({reason}); expected a plain text file") from None


# A sentence ends at ., ! or ? before whitespace, after any closing quote or footnote marker ("exports.[1] Tech").
_SENTENCE_END = re.compile(r"[.!?][\"”’]?(?:\[\d+\])?(?=\s)")
# "U.S." ends a word, not a sentence: "according to U.S. International Trade Administration statistics".
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, each on one line with its whitespace collapsed.

    Paragraphs (separated by blank lines) never share a sentence, so a heading or a
    footnote without a final full stop stays a sentence of its own.
    """
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for end in _sentence_ends(paragraph):
            sentences.append(paragraph[start:end])
            start = end
        sentences.append(paragraph[start:])
    collapsed = (" ".join(sentence.split()) for sentence in sentences)
    return [sentence for sentence in collapsed if sentence]


def _sentence_ends(paragraph: str) -> list[int]:
    return [
        end.end() for end in _SENTENCE_END.finditer(paragraph)
        if not _INITIALISM.search(paragraph[: end.start() + 1])
    ]


def _find(pattern: str, figure: str, description: str, sentences: list[str], path: Path) -> tuple[re.Match[str], str]:
    """The one sentence ``pattern`` matches, and the match; a release without it is an error."""
    found = [(match, sentence) for sentence in sentences if (match := re.search(pattern, sentence))]
    if not found:
        raise InputError(path, f"figure {figure}: no sentence matches; expected {description}")
    if len(found) > 1:
        raise InputError(path, f"figure {figure}: {len(found)} sentences match; expected one giving {description}",
                         value=found[1][1])
    return found[0]


def _figure_row(spec: FigureSpec, sentences: list[str], path: Path) -> PublishedRecord:
    match, sentence = _find(spec.pattern, spec.figure, spec.description, sentences, path)
    written = match.group("value")
    return {
        "figure": spec.figure,
        "year": _year(match),
        "subject": _state_code(spec.state, spec.figure, path) if spec.state else "",
        "value": spec.sign * parse_value(written, spec.unit, spec.figure, path),
        "unit": spec.unit,
        "quote": sentence,
    }


def _year(match: re.Match[str]) -> int:
    stated = match.re.groupindex.get("year") and match.group("year")
    return int(stated) if stated else REPORT_YEAR


def _list_rows(spec: ListSpec, sentences: list[str], path: Path,
               rows: list[PublishedRecord]) -> list[PublishedRecord]:
    match, sentence = _find(spec.pattern, spec.figure, spec.description, sentences, path)
    names = split_names(match.group("items"))
    if spec.counted_by:
        _check_count(spec, len(names), rows, path)
    return [
        {
            "figure": spec.figure,
            "year": _year(match),
            "subject": _place(name, spec, path),
            "value": float(position if spec.in_order else 1),
            "unit": "rank",
            "quote": sentence,
        }
        for position, name in enumerate(names, start=1)
    ]


def split_names(written: str) -> list[str]:
    """``"Mexico, Canada and China"`` → ``["Mexico", "Canada", "China"]`` (a serial comma is fine too)."""
    return [name.strip() for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", written) if name.strip()]


def _check_count(spec: ListSpec, listed: int, rows: list[PublishedRecord], path: Path) -> None:
    stated = next(row["value"] for row in rows if row["figure"] == spec.counted_by)
    if listed != stated:
        raise InputError(path, f"figure {spec.figure}: the list names {listed} places, "
                               f"but {spec.counted_by} says {stated:g}")


def _place(name: str, spec: ListSpec, path: Path) -> str:
    return _state_code(name, spec.figure, path) if spec.places == "state" else name


def _state_code(name: str, figure: str, path: Path) -> str:
    state = us.states.lookup(name)
    if state is None:
        raise InputError(path, f"figure {figure}: expected the name of a U.S. state", value=name)
    return state.abbr


_SCALES = {"": 1, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {word: rank for rank, word in enumerate(ORDINAL.split("|"), start=1)}


def parse_value(written: str, unit: str, figure: str = "", path: Path | str = "the release") -> float:
    """A value as the release writes it, in ``unit``.

    "$63 billion" → 63e9 (usd), "5.6%" → 0.056 (ratio), "918,500" → 918500 (count, jobs),
    "second" → 2 (rank). Decimal arithmetic keeps "$44.9 billion" exactly 44900000000.
    """
    try:
        return float(_PARSERS[unit](written.strip()))
    except (KeyError, ValueError, InvalidOperation):
        raise InputError(path, f"figure {figure}: expected {_FORMS.get(unit, 'a known unit')}",
                         value=written) from None


def _parse_dollars(written: str) -> Decimal:
    amount, _, scale = written.removeprefix("$").partition(" ")
    if not written.startswith("$") or scale not in _SCALES:
        raise ValueError(written)
    return _parse_number(amount) * _SCALES[scale]


def _parse_percent(written: str) -> Decimal:
    if not written.endswith("%"):
        raise ValueError(written)
    return _parse_number(written.removesuffix("%")) / 100


def _parse_whole_number(written: str) -> Decimal:
    if not re.fullmatch(WHOLE_NUMBER, written):
        raise ValueError(written)
    return _parse_number(written)


def _parse_rank(written: str) -> Decimal:
    if written.lower() in _ORDINALS:
        return Decimal(_ORDINALS[written.lower()])
    return _parse_whole_number(written)


def _parse_number(written: str) -> Decimal:
    # Decimal rejects "1,2,", "" and "1.2.3" by itself; the thousands separators go first.
    return Decimal(written.replace(",", ""))


_PARSERS = {
    "usd": _parse_dollars,
    "ratio": _parse_percent,
    "count": _parse_whole_number,
    "jobs": _parse_whole_number,
    "rank": _parse_rank,
}
_FORMS = {
    "usd": "dollars, like '$63 billion'",
    "ratio": "a percentage, like '5.6%'",
    "count": "a whole number, like '32'",
    "jobs": "a whole number, like '918,500'",
    "rank": "a rank, like 'second'",
}


def _check_keys_unique(figures: pd.DataFrame, path: Path) -> None:
    repeated = figures[figures.duplicated(list(PUBLISHED.key), keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise InputError(path, f"figure {first['figure']}: {first['subject'] or 'the figure'} "
                               f"appears more than once for {first['year']}")

