"""The Partners sheet: U.S. tech exports to and imports from every partner country.

One row per country of the partner data tables (``PartnerExports``, ``PartnerImports``),
in the table ``Partners``: exports, share, rank and change on the year before, the same
for imports, and the balance, each a live formula over the data tables that follows the
snapshot year and every edit. Above it, the totals over all countries (national figures,
which the Balance sheet sets beside the sums over states).

For a snapshot year that the partner tables have no column for, ``HasPartnerData`` is 0,
exports and imports say "no partner data for YEAR", and every other figure is blank.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from workbook.writing import register
from workbook.writing.layout import SheetLayout
from workbook.model import SnapshotModel
from workbook.model.keys import NoFigure
from workbook.model.partners import COLUMNS, partner_figures
from workbook.sheets.data_tables import WideTable, wide_table
from workbook.templates_loader import wording
from workbook.writing.xlsx import (Book, TableColumn, column_width, literal_criterion_of, live_text_formula,
                                   print_setup, mark_small_values, write_formula, write_table)

WORDING = "partners"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = False
TABLE = register.PARTNERS.name
#: Summary values sit right of their labels, which overflow into the empty cells between.
SUMMARY_VALUE_COL = 3
#: (defined name, wording key, model attribute) of the totals over all partner countries.
SUMMARY = (
    (register.TECH_EXPORTS_NATIONAL, "exports", "world_exports"),
    (register.TECH_IMPORTS_NATIONAL, "imports", "world_imports"),
    (register.TECH_GOODS_BALANCE_NATIONAL, "balance", "world_balance"),
)
#: Rank at or above which a destination or source is highlighted.
TOP = 10

#: Style and width of each column of the table.
_LOOK = {
    "country": ("formula_text", "name"),
    "exports": ("millions", "usd"),
    "export_share": ("ratio", "ratio"),
    "export_rank": ("rank", "ratio"),
    "export_change": ("change_ratio", "ratio"),
    "imports": ("millions", "usd"),
    "import_share": ("ratio", "ratio"),
    "import_rank": ("rank", "ratio"),
    "import_change": ("change_ratio", "ratio"),
    "balance": ("millions_change", "usd"),
}


def has_partner_data_formula(model: SnapshotModel) -> str:
    """1 where both partner tables have a column for the snapshot year and rows of the tech category, else 0.

    The tables hold the rows of the category the workbook was built for: an analyst who
    makes another category the tech one sees "no partner data", as the rebuild will show.
    """
    year, tech = register.SNAPSHOT_YEAR, register.TECH_CATEGORY
    tables = (register.PARTNER_EXPORTS, register.PARTNER_IMPORTS)
    conditions = [wide_table(model, table).has_year_column(year) for table in tables]
    conditions += [f"COUNTIFS({table.column('naics3')},{tech})>0" for table in tables]
    return f"IF(AND({','.join(conditions)}),1,0)"


def no_data_formula() -> str:
    """The "no partner data for YEAR" text, following SnapshotYear."""
    return live_text_formula(wording(WORDING)["no_data"])


def partner_sum(partner_table: WideTable, year: str, country: str) -> str:
    """SUMIFS of a partner table's tech rows for one country (``country`` is a formula of its text)."""
    table = partner_table.table
    return (f"SUMIFS({partner_table.year_column(year)},{table.column('country')},"
            f"{literal_criterion_of(country)},{table.column('naics3')},{register.TECH_CATEGORY})")


def country_lookup(column: str, country: str) -> str:
    """The value of ``column`` of the Partners table in the row of ``country`` (a formula of its text)."""
    return (f"SUMIFS({register.PARTNERS.column(column)},{register.PARTNERS.column('country')},"
            f"{literal_criterion_of(country)})")


def country_listed(country: str) -> str:
    """How many rows of the Partners table are ``country``'s (0 or 1; a formula)."""
    return f"COUNTIFS({register.PARTNERS.column('country')},{literal_criterion_of(country)})"


def _formulas(model: SnapshotModel) -> dict[str, str]:
    row = {key: register.PARTNERS.this_row(key) for key in COLUMNS}
    has_data, year = register.HAS_PARTNER_DATA, register.SNAPSHOT_YEAR
    formulas = {}
    for flow, table, total in (("export", register.PARTNER_EXPORTS, register.TECH_EXPORTS_NATIONAL),
                               ("import", register.PARTNER_IMPORTS, register.TECH_IMPORTS_NATIONAL)):
        value, partner_table = row[f"{flow}s"], wide_table(model, table)
        formulas[f"{flow}s"] = (f"IF({has_data}=1,{partner_sum(partner_table, year, row['country'])},"
                                f"{no_data_formula()})")
        formulas[f"{flow}_share"] = f'IF(ISNUMBER({value}),IF({total}=0,"",{value}/{total}),"")'
        formulas[f"{flow}_rank"] = f'IF(ISNUMBER({value}),RANK({value},{register.PARTNERS.column(f"{flow}s")}),"")'
        # Blank where the year before has no column (MATCH fails) or no trade with the country (division by 0).
        formulas[f"{flow}_change"] = (f'IF(ISNUMBER({value}),IFERROR({value}/'
                                      f'{partner_sum(partner_table, f"{year}-1", row["country"])}-1,""),"")')
    formulas["balance"] = (f'IF(AND(ISNUMBER({row["exports"]}),ISNUMBER({row["imports"]})),'
                           f'{row["exports"]}-{row["imports"]},"")')
    return formulas


def _summary_formulas(model: SnapshotModel) -> dict[str, str]:
    def total(table: register.Table) -> str:
        year_column = wide_table(model, table).year_column(register.SNAPSHOT_YEAR)
        return (f"IF({register.HAS_PARTNER_DATA}=1,SUMIFS({year_column},"
                f"{table.column('naics3')},{register.TECH_CATEGORY}),{no_data_formula()})")

    exports, imports = register.TECH_EXPORTS_NATIONAL, register.TECH_IMPORTS_NATIONAL
    return {
        "exports": total(register.PARTNER_EXPORTS),
        "imports": total(register.PARTNER_IMPORTS),
        "balance": f"IF(AND(ISNUMBER({exports}),ISNUMBER({imports})),{exports}-{imports},{no_data_formula()})",
    }


#: Partners the printed report lists, the largest first (the table is sorted by exports).
PRINTED_PARTNERS = 25
#: The column, right of the printed page, of the flag whether there is partner data for the year.
FLAG_COL = len(_LOOK) + 1


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    formats = book.formats
    figures = model.figures(partner_figures)
    col = words["columns"]
    # What a figure shows in a year without partner data (the model's NO_PARTNER_DATA).
    no_data = words["no_data"].format(year=model.year)

    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])
    layout.subtitle(words["subtitle"])
    # Whether the partner data covers the snapshot year, in words that follow it.
    status = words["has_data" if figures.has_data else "no_data"].format(year=model.year)
    write_formula(sheet, layout.row, 0, f"IF({register.HAS_PARTNER_DATA}=1,{live_text_formula(words['has_data'])},"
                                        f"{no_data_formula()})",
                  # In a year without partner data this line is the page: as a heading, it reads as one.
                  formats["note" if figures.has_data else "heading"], status)
    status_row = layout.row
    # The flag the formulas read, right of the printed page: the line above says it in words.
    sheet.write_string(status_row, FLAG_COL + 1, words["summary_rows"]["has_data"], formats["label"])
    write_formula(sheet, status_row, FLAG_COL, has_partner_data_formula(model), formats["count"],
                  1 if figures.has_data else 0)
    book.define_name(register.HAS_PARTNER_DATA, sheet, status_row, FLAG_COL, words["summary_rows"]["has_data"])
    layout.skip(2)

    layout.heading(words["summary_heading"])
    summary_formulas = _summary_formulas(model)
    for name, key, attribute in SUMMARY:
        layout.named_figure(name, words["summary_rows"][key], summary_formulas[key],
                            _shown(getattr(figures, attribute), no_data), "billions_2", SUMMARY_VALUE_COL)
    layout.skip()

    layout.heading(words["table_heading"])
    layout.paragraph(words["table_note"], sum(column_width(width) for _, width in _LOOK.values()))
    header_row = layout.row
    formulas = _formulas(model)
    table = figures.table
    columns = [TableColumn(header=col[key], style=style, width=width,
                           values=[_shown(value, no_data) for value in table[key].tolist()], formula=formulas.get(key),
                           header_style="header" if key == "country" else "header_number")
               for key, (style, width) in _LOOK.items()]
    first, last = write_table(book, sheet, header_row, TABLE, columns)
    # Figures below the column's unit as "<1", before the rules that colour the top ten.
    for offset, (style, _) in enumerate(_LOOK.values()):
        mark_small_values(book, sheet, first, offset, last, offset, style)
    _highlight_top(book, sheet, first, last)
    layout.row = last + 2
    end = layout.notes(words["notes"])
    sheet.freeze_panes(header_row + 1, 1)
    # The report prints the largest partners, one page; the workbook lists every one. A year
    # without partner data prints the line that says so, not a page of it.
    last_printed = min(end, first + PRINTED_PARTNERS - 1) if figures.has_data else status_row
    print_setup(sheet, last_printed, len(COLUMNS) - 1, repeat_row=header_row if figures.has_data else None)


def _shown(value: object, no_data: str) -> object:
    """What a partner figure's cell shows: the figure, or ``no_data`` in a year without partner data."""
    return no_data if value is NoFigure.NO_PARTNER_DATA else value


def _highlight_top(book: Book, sheet: Worksheet, first: int, last: int) -> None:
    """The top ten destinations (by exports) and sources (by imports), picked out as they change."""
    keys = list(_LOOK)
    spans = {"export_rank": (keys.index("country"), keys.index("export_change")),
             "import_rank": (keys.index("imports"), keys.index("import_change"))}
    for rank_key, (from_col, to_col) in spans.items():
        rank = f"${xl_col_to_name(keys.index(rank_key))}{first + 1}"
        sheet.conditional_format(first, from_col, last, to_col, {
            "type": "formula", "criteria": f"=AND(ISNUMBER({rank}),{rank}<={TOP})",
            "format": book.formats["rule_highlight"]})
