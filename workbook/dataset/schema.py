"""The schema of every file in ``data/``: its columns, their kinds and their keys.

``data/README.md`` documents the same schema for people; ``tests/test_schema_docs.py``
keeps the two in step.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

#: The largest number Excel keeps exactly (15 significant digits are shown, but
#: anything past 1e15 dollars is certainly a data error, and Excel's own limit is 9.99e307).
LARGEST_AMOUNT_USD = 1e15
#: Years the tool accepts at all; data outside this range is a typo.
FIRST_YEAR, LAST_YEAR = 1990, 2100
#: The most characters of a subject or country, which formulas match as criteria:
#: Excel matches at most 255, and a literal criterion may double its length in escapes.
MATCHED_TEXT_LENGTH = 100

#: Every figure published_figures.csv may hold (documented in data/README.md); the
#: Checks sheet labels each, so a figure outside this list cannot be shown.
PUBLISHED_FIGURES = (
    "semiconductor_exports",
    "semiconductor_exports_growth",
    "it_services_exports_growth",
    "tech_services_exports_rank",
    "tech_products_exports_rank",
    "states_tech_exports_over_1b",
    "state_tech_exports",
    "states_tech_top_three",
    "states_tech_leading",
    "state_tech_leading",
    "tech_exports_jobs",
    "tech_imports",
    "tech_trade_balance",
    "tech_services_trade_balance",
    "tech_services_exports_ten_years",
    "tech_services_trade_balance_ten_years",
    "top_destination_products",
    "top_destination_services",
)
#: The published figure of the top destinations of a flow of destinations.csv is this prefix + the flow.
DESTINATION_FIGURE_PREFIX = "top_destination_"
#: Published figures about one state: their subject is a code listed in states.csv.
STATE_FIGURES = ("state_tech_exports", "state_tech_leading")


@dataclass(frozen=True)
class Column:
    """A column of a file: its name, its kind and what its values must keep to. What the column
    means is told once, in data/README.md, whose tables tests/test_schema_docs.py holds to this schema."""

    name: str
    # "year", "amount", "integer", "number", "code" (letters, digits and underscores: formulas
    # match codes, where "*", "?", "<" or "=" would change what they match), "text"
    kind: str
    # A column's constraints, named where it is declared: Column("tile_row", "integer", minimum=0).
    _: KW_ONLY
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    #: Text that formulas match against must stay short: Excel compares at most 255
    #: characters in a COUNTIFS/SUMIFS criterion.
    max_length: int | None = None


# Each part named where a file's schema is declared (FileSchema(filename=..., columns=...)): five parts,
# three of them tuples, are not told apart by their place.
@dataclass(frozen=True, kw_only=True)
class FileSchema:
    filename: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: (column, file, column): every value of the column must appear in the other file's column.
    references: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


YEAR = Column("year", "year", minimum=FIRST_YEAR, maximum=LAST_YEAR)
STATE_CODE = Column("state_code", "code")
NAICS3 = Column("naics3", "integer", minimum=100, maximum=999)
#: A category's label in a tidy Census table, beside its code.
NAICS3_LABEL = Column("naics3_label", "text")


def source_format(description: str, columns: tuple[Column, ...] = ()) -> FileSchema:
    """What an importer expects of a file it reads (a Census download, an API response), as its errors say it:
    the layout of a source, not a data file of the project (no file name, no key)."""
    return FileSchema(filename="", description=description, columns=columns, key=())


def tidy_census_table(filename: str, what: str, columns: tuple[Column, ...], value_column: str, largest: float | None,
                      key: tuple[str, ...]) -> FileSchema:
    """The layout of a tidy Census table (``what``: "state trade by NAICS-3"), as the shared Census tables have
    it: ``columns``, then ``value_column`` in U.S. dollars, at most ``largest``."""
    every = (*columns, Column(value_column, "amount", minimum=0, maximum=largest))
    return FileSchema(filename=filename, description=f"Census {what} with columns {', '.join(c.name for c in every)}",
                      columns=every, key=key)


def _trade_file(filename: str, flow: str) -> FileSchema:
    return FileSchema(
        filename=filename,
        description=f"Census goods {flow} by state and NAICS-3 category, one row per year, state and category",
        columns=(
            YEAR,
            STATE_CODE,
            NAICS3,
            Column("value_usd", "amount", minimum=0, maximum=LARGEST_AMOUNT_USD),
        ),
        key=("year", "state_code", "naics3"),
        references=(("state_code", "states.csv", "state_code"), ("naics3", "categories.csv", "naics3")),
    )


def _partner_file(filename: str, flow: str) -> FileSchema:
    return FileSchema(
        filename=filename,
        description=f"Census U.S. goods {flow} by NAICS-3 category and partner country, one row per year, category "
                    "and country",
        columns=(
            YEAR,
            NAICS3,
            Column("country", "text", max_length=MATCHED_TEXT_LENGTH),
            Column("value_usd", "amount", minimum=0, maximum=LARGEST_AMOUNT_USD),
        ),
        key=("year", "naics3", "country"),
        references=(("naics3", "categories.csv", "naics3"),),
    )


def _listing(filename: str, description: str, code: Column, name: str, kinds: tuple[str, ...],
             *more: Column) -> FileSchema:
    """A list the trade files refer to: each entry's ``code`` (its key), its ``name``, its kind (one of
    ``kinds``), then ``more`` columns."""
    return FileSchema(filename=filename, description=description,
                      columns=(code, Column(name, "text"), Column("kind", "code", choices=kinds), *more),
                      key=(code.name,))


STATES = _listing("states.csv", "The states, district and territories that Census reports, with their place on "
                  "the tile-grid map", STATE_CODE, "state_name", ("state", "district", "territory"),
                  Column("tile_row", "integer", minimum=0, maximum=50),
                  Column("tile_col", "integer", minimum=0, maximum=50))
CATEGORIES = _listing("categories.csv", "NAICS-3 categories as Census labels them", NAICS3, "label",
                      ("product", "special"))

EXPORTS = _trade_file("census_exports.csv", "exports")
IMPORTS = _trade_file("census_imports.csv", "imports")
PARTNER_EXPORTS = _partner_file("partner_exports.csv", "exports")
PARTNER_IMPORTS = _partner_file("partner_imports.csv", "imports")

PUBLISHED = FileSchema(
    filename="published_figures.csv",
    description="Every figure the snapshot's press release states, with the sentence it is quoted from",
    columns=(
        Column("figure", "code", choices=PUBLISHED_FIGURES),
        YEAR,
        Column("subject", "text", required=False, max_length=MATCHED_TEXT_LENGTH),
        Column("value", "number", minimum=-LARGEST_AMOUNT_USD, maximum=LARGEST_AMOUNT_USD),
        Column("unit", "code", choices=("usd", "ratio", "count", "jobs", "rank")),
        Column("quote", "text"),
    ),
    key=("figure", "year", "subject"),
)

DESTINATIONS = FileSchema(
    filename="destinations.csv",
    description="The published top destinations of tech exports, with the value an analyst enters for each",
    columns=(
        Column("flow", "code", choices=("products", "services")),
        Column("country", "text", max_length=MATCHED_TEXT_LENGTH),
        Column("value_usd", "amount", required=False, minimum=0, maximum=LARGEST_AMOUNT_USD),
    ),
    key=("flow", "country"),
)

SETTINGS = FileSchema(
    filename="settings.csv",
    description="The workbook's settings an analyst chose (optional; written by extract)",
    columns=(
        Column("setting", "code", choices=("snapshot_year", "tech_category", "over_threshold_usd", "edition")),
        Column("value", "number", minimum=0, maximum=LARGEST_AMOUNT_USD),
    ),
    key=("setting",),
)

#: The months a partial year's figures may run through (a year through December is whole).
PARTIAL_YEAR_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November")

PARTIAL_YEARS = FileSchema(
    filename="partial_years.csv",
    description="The years whose Census figures cover part of the year only (optional; written by "
                "import-census --partial-years and by extract)",
    columns=(
        YEAR,
        Column("through_month", "code", choices=PARTIAL_YEAR_MONTHS),
    ),
    key=("year",),
)

#: Files the data folder may leave out; without them the tool's defaults apply (every year whole).
OPTIONAL_FILES = (SETTINGS, PARTIAL_YEARS)

#: Every file of the data folder, in the order they are loaded (referenced files first).
ALL_FILES = (STATES, CATEGORIES, EXPORTS, IMPORTS, PUBLISHED, DESTINATIONS, PARTNER_EXPORTS, PARTNER_IMPORTS)
