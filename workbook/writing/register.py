"""The register of the workbook's interface: every table it defines with its columns, every
defined name and every setting, declared once.

Formulas name these (``StateSummary[Tech exports]``, ``SnapshotYear``), and so do
analysts' own formulas, so they are an interface. Sheet modules take a table's name,
a column's structured reference and a defined name from here rather than spelling
them, and a column's header is read from the wording (``templates/wording/``) when it
is asked for: a header renamed there reaches every formula that names the column.
What no declaration can catch, the writing layer does: a formula naming a table,
column or defined name that the workbook does not define stops the build
(:mod:`workbook.writing.formula_names`).

``inputs``, ``extract``, ``diff`` and ``build`` read the input tables and the settings
from here too, and :func:`interface_rows` lists what is published as stable
(README, "Formulas that keep working").
"""

from __future__ import annotations

from dataclasses import dataclass

from workbook.dataset import schema
from workbook.templates_loader import wording


# ---------------------------------------------------------------- tables

@dataclass(frozen=True)
class Table:
    """An Excel table the workbook defines: its name, and its columns by key.

    ``headers`` names where the columns' headers are worded: pairs of a wording
    section and the key of its table of headers within it (None: the section itself).
    ``keys`` picks and orders the columns where a table of headers words more than
    one table's (the data tables share one); None takes every key, in order.
    """

    name: str
    #: The wording section of the sheet that holds the table.
    sheet: str
    headers_from: tuple[tuple[str, str | None], ...]
    keys: tuple[str, ...] | None = None
    #: Where the table has one column per year of the data, each headed by its year: how
    #: many of its other columns come before them (None: no year columns).
    years_after: int | None = None
    #: Published as stable across versions and rebuilds (README, "Formulas that keep working").
    stable: bool = True
    #: Columns that serve the sheet's own formulas and are not published.
    internal_keys: tuple[str, ...] = ()
    #: The data file whose rows the table holds as inputs (its columns keyed as the file's), if any.
    data_file: schema.FileSchema | None = None

    @property
    def year_columns(self) -> bool:
        return self.years_after is not None

    def headers(self) -> dict[str, str]:
        """Column key -> header, as worded now (year columns aside)."""
        worded: dict[str, str] = {}
        for section, subkey in self.headers_from:
            words = wording(section)
            worded.update(words if subkey is None else words[subkey])
        if self.keys is None:
            return {key: header for key, header in worded.items() if isinstance(header, str)}
        return {key: worded[key] for key in self.keys}

    def header(self, key: str | int) -> str:
        """The header of the column ``key``; a year column's header is the year, as text."""
        if isinstance(key, int):
            if not self.year_columns:
                raise KeyError(f"table {self.name} has no year columns")
            return str(key)
        try:
            return self.headers()[key]
        except KeyError:
            raise KeyError(f"table {self.name} has no column {key!r}") from None

    def column(self, key: str | int) -> str:
        """The whole column as a structured reference: ``StateSummary[Tech exports]``."""
        return f"{self.name}[{self.header(key)}]"

    def this_row(self, key: str | int) -> str:
        """The column's cell in the formula's own row, fully qualified.

        LibreOffice computes ``Table[[#This Row],[Col]]`` but gives #N/A for the
        unqualified ``[@Col]`` that Excel writes by default.
        """
        return f"{self.name}[[#This Row],[{self.header(key)}]]"

    def data_headers(self) -> dict[str, str]:
        """Header -> column of the data file, for each column of the data file the table holds
        under a header of its own (a wide Census table holds years and amounts as year columns)."""
        if self.data_file is None:
            return {}
        headers = self.headers()
        return {headers[column]: column for column in self.data_file.column_names if column in headers}

    def published_headers(self) -> list[str]:
        return [header for key, header in self.headers().items() if key not in self.internal_keys]


_DATA_COLUMNS = (("data_columns", None),)

CENSUS_EXPORTS = Table("CensusExports", "data_exports", _DATA_COLUMNS, keys=("state_code", "naics3"),
                       years_after=2, data_file=schema.EXPORTS)
CENSUS_IMPORTS = Table("CensusImports", "data_imports", _DATA_COLUMNS, keys=("state_code", "naics3"),
                       years_after=2, data_file=schema.IMPORTS)
STATE_LIST = Table("StateList", "data_states", _DATA_COLUMNS, keys=tuple(schema.STATES.column_names),
                   data_file=schema.STATES)
CATEGORY_LIST = Table("CategoryList", "data_categories", _DATA_COLUMNS, keys=tuple(schema.CATEGORIES.column_names),
                      data_file=schema.CATEGORIES)
#: The years the snapshot year can be set to: derived from the Census tables, not an input of its own.
YEAR_LIST = Table("YearList", "data_years", _DATA_COLUMNS, keys=("year",))
PUBLISHED_FIGURES = Table("PublishedFigures", "data_published", _DATA_COLUMNS,
                          keys=tuple(schema.PUBLISHED.column_names), data_file=schema.PUBLISHED)
#: Flow, country and value are inputs (data/destinations.csv); rank and share are formulas.
DESTINATIONS = Table("Destinations", "destinations", (("destinations", "columns"),), data_file=schema.DESTINATIONS)
#: The tech category's rows of data/'s partner files: one row per country and category, a column per year.
PARTNER_EXPORTS = Table("PartnerExports", "data_partner_exports", _DATA_COLUMNS, keys=("country", "naics3"),
                        years_after=2, data_file=schema.PARTNER_EXPORTS)
PARTNER_IMPORTS = Table("PartnerImports", "data_partner_imports", _DATA_COLUMNS, keys=("country", "naics3"),
                        years_after=2, data_file=schema.PARTNER_IMPORTS)
PARTNERS = Table("Partners", "partners", (("partners", "columns"),))
STATE_SUMMARY = Table("StateSummary", "states", (("states", "columns"),))
CATEGORY_TOTALS = Table("CategoryTotals", "categories", (("categories", "totals_columns"),))
LARGEST_CATEGORIES = Table("LargestCategories", "categories", (("categories", "largest_columns"),), stable=False)
TECH_TREND_US = Table("TechTrendUS", "trend", (("trend", "us_columns"),))
#: A state's helper columns (where its tech row lies in CensusExports) follow its year columns.
TECH_TREND = Table("TechTrend", "trend", (("trend", "state_columns"), ("state_rows", None)), years_after=2,
                   internal_keys=("rows", "row"))
KEY_FINDINGS = Table("KeyFindings", "key_findings", (("key_findings", "columns"),), stable=False)
PUBLISHED_CHECKS = Table("PublishedChecks", "checks", (("checks", "columns"),), stable=False)
IDENTITY_CHECKS = Table("IdentityChecks", "checks", (("checks", "identity_columns"),), stable=False)

#: Every table the workbook defines, in the order of its sheets.
TABLES = (KEY_FINDINGS, STATE_SUMMARY, CATEGORY_TOTALS, LARGEST_CATEGORIES, PARTNERS, DESTINATIONS, TECH_TREND_US,
          TECH_TREND,
          PUBLISHED_CHECKS, IDENTITY_CHECKS, CENSUS_EXPORTS, CENSUS_IMPORTS, STATE_LIST, CATEGORY_LIST, YEAR_LIST,
          PUBLISHED_FIGURES, PARTNER_EXPORTS, PARTNER_IMPORTS)


#: The tables of inputs, in the order of the data files they hold.
INPUT_TABLES = (STATE_LIST, CATEGORY_LIST, CENSUS_EXPORTS, CENSUS_IMPORTS, PUBLISHED_FIGURES, DESTINATIONS,
                PARTNER_EXPORTS, PARTNER_IMPORTS)


# ---------------------------------------------------------------- defined names

@dataclass(frozen=True)
class DefinedName:
    """A name the workbook defines for one cell."""

    name: str
    #: The wording section of the sheet that holds the cell.
    sheet: str


_NAMES: dict[str, DefinedName] = {}


def _define(name: str, sheet: str) -> str:
    _NAMES[name] = DefinedName(name, sheet)
    return name


# The settings: the snapshot year, which a reader may pick, on the Cover; the others on the Notes.
SNAPSHOT_YEAR = _define("SnapshotYear", "cover")
TECH_CATEGORY = _define("TechCategory", "notes")
OVER_THRESHOLD_USD = _define("OverThresholdUSD", "notes")
#: The edition ("Tech Trade Snapshot 2021" shows 2020): the snapshot year + 1 unless fixed.
EDITION = _define("Edition", "notes")
# States: the U.S. summary.
TECH_EXPORTS_US = _define("TechExportsUS", "states")
TECH_EXPORTS_US_PREVIOUS = _define("TechExportsUSPrevious", "states")
TECH_EXPORTS_US_CHANGE = _define("TechExportsUSChange", "states")
TECH_EXPORTS_US_CHANGE_PERCENT = _define("TechExportsUSChangePercent", "states")
STATES_OVER_THRESHOLD = _define("StatesOverThreshold", "states")
STATES_TECH_TOP_THREE = _define("StatesTechTopThree", "states")
STATES_TECH_LEADING = _define("StatesTechLeading", "states")
# Categories: the U.S. summary.
GOODS_EXPORTS_US = _define("GoodsExportsUS", "categories")
TECH_CATEGORY_RANK_US = _define("TechCategoryRankUS", "categories")
TECH_SHARE_OF_GOODS_US = _define("TechShareOfGoodsUS", "categories")
# Partners: whether the partner data covers the snapshot year, and the totals over all partner countries.
HAS_PARTNER_DATA = _define("HasPartnerData", "partners")
TECH_EXPORTS_NATIONAL = _define("TechExportsNational", "partners")
TECH_IMPORTS_NATIONAL = _define("TechImportsNational", "partners")
TECH_GOODS_BALANCE_NATIONAL = _define("TechGoodsBalanceNational", "partners")
# Balance: exports, imports and balance of tech goods, services and both.
TECH_GOODS_EXPORTS = _define("TechGoodsExports", "balance")
TECH_GOODS_IMPORTS = _define("TechGoodsImports", "balance")
TECH_GOODS_BALANCE = _define("TechGoodsBalance", "balance")
TECH_SERVICES_EXPORTS = _define("TechServicesExports", "balance")
TECH_SERVICES_IMPORTS = _define("TechServicesImports", "balance")
TECH_SERVICES_BALANCE = _define("TechServicesBalance", "balance")
TECH_TOTAL_EXPORTS = _define("TechTotalExports", "balance")
TECH_TOTAL_IMPORTS = _define("TechTotalImports", "balance")
TECH_TOTAL_BALANCE = _define("TechTotalBalance", "balance")
# Trend: the U.S. total in the first and last year of the data.
TECH_EXPORTS_US_FIRST_YEAR = _define("TechExportsUSFirstYear", "trend")
TECH_EXPORTS_US_LAST_YEAR = _define("TechExportsUSLastYear", "trend")

#: Every defined name of the workbook, in the order of their sheets.
DEFINED_NAMES: tuple[DefinedName, ...] = tuple(_NAMES.values())


# ---------------------------------------------------------------- settings

@dataclass(frozen=True)
class Setting:
    """An input that every sheet follows (the Edition, only where it is fixed rather than a formula)."""

    #: Its defined name.
    name: str
    #: Its name in settings.csv (written by ``extract``).
    setting: str
    #: Its label's key in the wording of the sheet that holds it.
    words_key: str
    #: The attribute of the model that holds its value for a build (None: not an input in this build).
    model_attribute: str

    @property
    def sheet(self) -> str:
        """The wording section of the sheet that holds it."""
        return _NAMES[self.name].sheet


SETTINGS = (
    Setting(SNAPSHOT_YEAR, "snapshot_year", "year_heading", "year"),
    Setting(TECH_CATEGORY, "tech_category", "tech_category", "tech_naics3"),
    Setting(OVER_THRESHOLD_USD, "over_threshold_usd", "over_threshold", "over_threshold_usd"),
    Setting(EDITION, "edition", "edition", "fixed_edition"),
)


# ---------------------------------------------------------------- the published interface

#: How the interface writes a year column's header: one column per year, headed by the year.
YEAR_HEADER = "<year>"


@dataclass(frozen=True)
class InterfaceEntry:
    """One table name, column header or defined name published as stable."""

    #: "table", "column", "year columns" or "defined name".
    kind: str
    #: The table's or the defined name's name.
    name: str
    #: The wording section of the sheet that holds it.
    sheet: str
    #: A column's header (YEAR_HEADER for a table's year columns).
    header: str | None = None

    @property
    def reference(self) -> str:
        """As a formula spells it: ``StateSummary``, ``StateSummary[Tech exports]``, ``SnapshotYear``."""
        return self.name if self.header is None else f"{self.name}[{self.header}]"


def interface() -> list[InterfaceEntry]:
    """The table names, column headers and defined names analysts' formulas may rely on:
    stable across rebuilds, and changed between versions only with a note in CHANGELOG.md.

    Tables that only present the workbook's own checks and rankings, and the helper
    columns that serve a sheet's formulas, are left out.
    """
    entries: list[InterfaceEntry] = []
    for entry in TABLES:
        if not entry.stable:
            continue
        entries.append(InterfaceEntry("table", entry.name, entry.sheet))
        headers = entry.published_headers()
        if entry.years_after is not None:
            headers = [*headers[:entry.years_after], YEAR_HEADER, *headers[entry.years_after:]]
        entries += [InterfaceEntry("year columns" if header == YEAR_HEADER else "column", entry.name, entry.sheet,
                                   header) for header in headers]
    entries += [InterfaceEntry("defined name", name.name, name.sheet) for name in DEFINED_NAMES]
    return entries


def interface_rows() -> list[tuple[str, str, str]]:
    """The published interface as rows for a sheet: (what it is, its name as formulas spell it,
    the sheet that holds it), worded by the ``interface`` section of the wording."""
    words = wording("interface")
    return [(words["kinds"][entry.kind.replace(" ", "_")], entry.reference, wording(entry.sheet)["sheet"])
            for entry in interface()]
