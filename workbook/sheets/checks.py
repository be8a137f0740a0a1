"""The Checks sheet: every figure the press release publishes next to the workbook's own
value for it, with the difference, a tolerance and a status; and the identities the
workbook keeps (states sum to the U.S. total, shares to 100%, balances add up).

Statuses are formulas and coloured by rules, so an edit that breaks a check shows
at once, in Excel and in LibreOffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.checks import (BILLION, IDENTITY_TOLERANCE, KnownReason, identity_difference, identity_status,
                                   known_reason, known_reasons, published_status, tolerance)
from workbook.model.destinations import CENSUS_FLOW, destination_figure
from workbook.model.keys import Status
from workbook.model.partners import partner_figures
from workbook.model.published import published_rows

from workbook.model.states import state_figures
from workbook.writing.register import (CENSUS_EXPORTS, GOODS_EXPORTS_US, HAS_PARTNER_DATA, IDENTITY_CHECKS,
                                       PUBLISHED_CHECKS, SNAPSHOT_YEAR, STATE_SUMMARY, STATES_OVER_THRESHOLD,
                                       STATES_TECH_LEADING, STATES_TECH_TOP_THREE, TECH_CATEGORY, TECH_CATEGORY_RANK_US,
                                       TECH_EXPORTS_US, TECH_GOODS_BALANCE, TECH_GOODS_EXPORTS, TECH_GOODS_IMPORTS,
                                       TECH_SERVICES_BALANCE, TECH_TOTAL_BALANCE)
from workbook.sheets import partners
from workbook.sheets.data_tables import published_sum, wide_table
from workbook.writing.words import status_word
from workbook.templates_loader import Wording, wording
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import row_height_for, wrapped_row_height
from workbook.writing.xlsx import (Book, TableColumn, colour_statuses, column_width, live_text_formula, print_setup,
                                   mark_small_values, string_literal, text_formula, write_table)

WORDING = "checks"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = True
PUBLISHED_TABLE = PUBLISHED_CHECKS.name
IDENTITY_TABLE = IDENTITY_CHECKS.name
#: The identities' table starts in the second column, whose width suits their wrapped labels.
IDENTITY_FIRST_COL = 1
#: Columns of the published figures that hold the figures themselves, in the row's unit.
FIGURE_KEYS = ("published", "workbook", "difference", "tolerance")
#: The table's key columns, last and outside the printed area: readers see the plain-English label.
KEY_COLUMNS = ("subject", "figure")

#: Published figures the workbook computes itself: figure -> defined name of its value.
COMPARED_BY_NAME = {
    "states_tech_exports_over_1b": STATES_OVER_THRESHOLD,
    "states_tech_top_three": STATES_TECH_TOP_THREE,
    "states_tech_leading": STATES_TECH_LEADING,
    "tech_products_exports_rank": TECH_CATEGORY_RANK_US,
    "tech_services_trade_balance": TECH_SERVICES_BALANCE,
}
#: Published figures about one state: figure -> (States column, model column), both by key.
COMPARED_BY_STATE = {
    "state_tech_exports": ("tech_exports", "tech_exports"),
    "state_tech_leading": ("tech_category_rank", "tech_category_rank"),
}


#: How a figure of each unit of published_figures.csv is shown.
UNIT_STYLES = {"usd": "billions_2", "ratio": "ratio", "count": "count", "jobs": "count", "rank": "count"}


@dataclass(frozen=True)
class Comparison:
    formula: str | None
    #: The workbook's own value: a number, the "not published" text, or None where it has none (quoted).
    value: float | str | None


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    # Every reason is read now: one given as bare text stops the build, whether or not a figure uses it.
    known_reasons()
    layout = SheetLayout(book, sheet, model.year)
    layout.title(words["title"])
    layout.subtitle(words["subtitle"])
    # The summary line: written once the table under it has given each figure's status.
    summary = SheetLayout(book, sheet, model.year, row=layout.row)
    layout.skip()
    header_row = layout.heading(words["published_heading"]) + 1
    (first, last), statuses, reasons = _published_checks(book, sheet, model, words, header_row)
    status_col = list(words["columns"]).index("status")
    _colour_statuses(book, sheet, first, last, status_col)
    _summary_line(summary, words, statuses, reasons)

    layout.row = last + 2
    layout.heading(words["identities_heading"])
    layout.note(words["identities_note"])
    first, last = _identity_checks(book, sheet, model, words, layout.row)
    _colour_statuses(book, sheet, first, last,
                     IDENTITY_FIRST_COL + list(words["identity_columns"]).index("status"))
    layout.row = last + 2
    layout.notes(words["notes"])
    has_data = model.figures(partner_figures).has_data
    partner_row = layout.live_line(f'IF({HAS_PARTNER_DATA}=1,{live_text_formula(words["partner_data"])},'
                                   f'{live_text_formula(words["no_partner_data"])})',
                                   words["partner_data" if has_data else "no_partner_data"].format(year=model.year))
    sheet.freeze_panes(header_row + 1, 0)
    # The key columns, last, stay off the page.
    print_setup(sheet, partner_row, len(words["columns"]) - 1 - len(KEY_COLUMNS), repeat_row=header_row)


def _summary_line(layout: SheetLayout, words: Wording, statuses: list[str], reasons: list[str]) -> None:
    """One line over the table, at the cursor: how many published figures match, differ (with a known reason or
    without one), are quoted only or are for another year; live counts of the Status column."""
    status, reason = PUBLISHED_CHECKS.column("status"), PUBLISHED_CHECKS.column("reason")

    def count(word: str) -> str:
        return f"COUNTIF({status},{string_literal(word)})"

    # The reason compared with "" rather than measured with LEN: a function of one value given a
    # range inside SUMPRODUCT reads one cell of it in IronCalc and Gnumeric.
    differ_known = f"SUMPRODUCT(({status}={string_literal(words['differs'])})*({reason}<>\"\"))"
    formulas = {
        "total": f"ROWS({status})",
        "matches": count(words["matches"]),
        "differ_known": differ_known,
        "differ_unknown": f"{count(words['differs'])}-{differ_known}",
        "quoted": count(words["quoted"]),
        "other_year": count(wording("published")["not_published"]),
    }
    known = sum(1 for each, why in zip(statuses, reasons) if each == words["differs"] and why)
    values = {
        "total": len(statuses),
        "matches": statuses.count(words["matches"]),
        "differ_known": known,
        "differ_unknown": statuses.count(words["differs"]) - known,
        "quoted": statuses.count(words["quoted"]),
        "other_year": statuses.count(wording("published")["not_published"]),
    }
    template = words["summary"]
    layout.live_line(text_formula(template, formulas), template.format(**values), "label")


def _comparison(book: Book, model: SnapshotModel, figure: str, subject: str) -> Comparison:
    if figure == destination_figure(CENSUS_FLOW):
        # The rank computed from Census partner data; none (quoted) without partner data for the year.
        country = string_literal(subject)
        figures = model.figures(partner_figures)
        row = figures.country(subject) if figures.has_data else None
        formula = (f'IF({HAS_PARTNER_DATA}<>1,"",IF({partners.country_listed(country)}=0,"",'
                   f'{partners.country_lookup("export_rank", country)}))')
        return Comparison(formula, None if row is None else int(row["export_rank"]))
    if figure in COMPARED_BY_NAME:
        name = COMPARED_BY_NAME[figure]
        return Comparison(name, book.value_of(name))
    if figure in COMPARED_BY_STATE:
        column, model_column = COMPARED_BY_STATE[figure]
        states = model.figures(state_figures).table
        formula = (f"INDEX({STATE_SUMMARY.column(column)},"
                   f"MATCH({string_literal(subject)},{STATE_SUMMARY.column('state_code')},0))")
        return Comparison(formula, float(cast(float, states.loc[subject, model_column])))
    return Comparison(None, None)


def _published_checks(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording,
                      header_row: int) -> tuple[tuple[int, int], list[str], list[str]]:
    """The table of published figures; returns its (first, last) rows and each row's status and known reason."""
    col = words["columns"]
    labels = words["labels"]
    # A state figure's label names the state; a country's stays as the release spells it.
    states = model.data.states
    names = dict(zip(states["state_code"], states["state_name"]))
    rows = model.data.published.drop_duplicates(["figure", "year", "subject"])
    ref = {key: PUBLISHED_CHECKS.this_row(key) for key in col}
    values: dict[str, list[Any]] = {key: [] for key in col}
    formulas: dict[str, list[str | None]] = {key: [] for key in ("published", "workbook", "tolerance", "reason")}
    for entry in published_rows(rows):
        comparison = _comparison(book, model, entry.figure, entry.subject)
        difference: float | str = ""
        if comparison.value is not None and entry.year == model.year:
            # The workbook's value of a figure published for the snapshot year is a number.
            assert not isinstance(comparison.value, str)
            difference = comparison.value - entry.value
        tol = tolerance(entry.unit, entry.value)
        status = published_status(comparison.value, difference, tol, entry.year, model.year)
        reason = known_reason(entry.figure, entry.subject)
        values["figure"].append(entry.figure)
        values["year"].append(entry.year)
        values["subject"].append(entry.subject)
        values["check"].append(labels[entry.figure].format(subject=names.get(entry.subject, entry.subject)))
        values["unit"].append(words["units"][entry.unit])
        values["published"].append(entry.value)
        values["workbook"].append("" if comparison.value is None else comparison.value)
        values["difference"].append(difference)
        values["tolerance"].append(tol)
        values["status"].append(status_word(status))
        explained = reason is not None and status is Status.DIFFERS and reason.explains(comparison.value)
        values["reason"].append(reason.text if explained and reason is not None else "")
        formulas["published"].append(published_sum(entry.figure, ref["year"], entry.subject))
        formulas["workbook"].append(comparison.formula)
        # Plain decimals: Excel never writes 1e9, and some readers refuse it.
        formulas["tolerance"].append(
            f"IF(MOD({ref['published']},{BILLION})=0,{BILLION // 2},{BILLION // 20})" if entry.unit == "usd" else "0")
        formulas["reason"].append(_reason_formula(reason, ref, words) if reason is not None else None)
    shared = {
        "difference": (f'IF(OR({ref["workbook"]}="",{ref["year"]}<>{SNAPSHOT_YEAR}),"",'
                       f'{ref["workbook"]}-{ref["published"]})'),
        "status": (f'IF({ref["workbook"]}="",{string_literal(words["quoted"])},'
                   f'IF({ref["year"]}<>{SNAPSHOT_YEAR},{string_literal(wording("published")["not_published"])},'
                   f'IF(ABS({ref["difference"]})<={ref["tolerance"]},{string_literal(words["matches"])},'
                   f'{string_literal(words["differs"])})))'),
    }
    looks = {"figure": ("formula_text", "name"), "year": ("year", "state_code"), "subject": ("formula_text", "name"),
             "check": ("wrapped", "check_label"), "unit": ("formula_text", "narrow"),
             "published": ("general_number", "figure"), "workbook": ("general_number", "figure"),
             "difference": ("general_number", "figure"), "tolerance": ("general_number", "figure"),
             "status": ("check", "status"), "reason": ("note_wrapped", "reason")}
    unit_styles = [UNIT_STYLES[unit] for unit in rows["unit"]]
    columns = [
        TableColumn(header=col[key], style=looks[key][0], width=looks[key][1], values=values[key],
                    formula=shared.get(key), row_formulas=formulas.get(key),
                    row_styles=unit_styles if key in FIGURE_KEYS else None,
                    header_style="header_number" if key in FIGURE_KEYS else "header")
        for key in col
    ]
    first, last = write_table(book, sheet, header_row, PUBLISHED_TABLE, columns)
    sheet.set_row(header_row, row_height_for("header"))
    for offset, (label, reason) in enumerate(zip(values["check"], values["reason"])):
        sheet.set_row(first + offset, wrapped_row_height(
            [(label, column_width(looks["check"][1])), (reason, column_width(looks["reason"][1]))]))
    figure_cols = [list(col).index(key) for key in FIGURE_KEYS]
    _mark_small_values(book, sheet, first, figure_cols, unit_styles)
    return (first, last), values["status"], values["reason"]


def _reason_formula(reason: KnownReason, ref: dict[str, str], words: Wording) -> str:
    """The known reason, shown while the figure differs and the workbook's value is one the reason explains.

    Outside that range the cell is empty, and the summary line counts the figure as differing
    without a known reason (Texas typed as text reads $0, which no Census revision explains).
    """
    workbook = ref["workbook"]
    return (f'IF({ref["status"]}={string_literal(words["differs"])},'
            f'IF(AND({workbook}>={_plain_number(reason.lowest)},{workbook}<={_plain_number(reason.highest)}),'
            f'{string_literal(reason.text)},""),"")')


def _plain_number(value: float) -> str:
    """A number as Excel writes it in a formula: 45050000000, never 4.505e+10."""
    return str(int(value)) if value.is_integer() else repr(value)


def _mark_small_values(book: Book, sheet: Worksheet, first: int, cols: list[int], row_styles: list[str]) -> None:
    """Figures below their unit as "<0.01", run by run of rows of one style (one unit)."""
    start = 0
    for index in range(1, len(row_styles) + 1):
        if index == len(row_styles) or row_styles[index] != row_styles[start]:
            for col in cols:
                mark_small_values(book, sheet, first + start, col, first + index - 1, col, row_styles[start])
            start = index


def _identities(book: Book, model: SnapshotModel) -> list[tuple[str, str, float | str, str, float | str]]:
    """(wording key, left formula, left value, right formula, right value) of each identity."""
    states = model.figures(state_figures)
    all_tech = (f"SUMIFS({wide_table(model, CENSUS_EXPORTS).year_column(SNAPSHOT_YEAR)},"
                f"{CENSUS_EXPORTS.column('naics3')},{TECH_CATEGORY})")
    data = model.data.exports
    tech_in_data = float(data.loc[(data["year"] == model.year) & (data["naics3"] == model.tech_naics3),
                                  "value_usd"].sum())
    value = book.value_of

    def total_balance_left() -> float | str:
        services = value(TECH_SERVICES_BALANCE)
        return "" if isinstance(services, str) else book.number_of(TECH_GOODS_BALANCE) + services

    return [
        ("states_sum", TECH_EXPORTS_US, value(TECH_EXPORTS_US), all_tech, tech_in_data),
        ("shares_sum", f"SUM({STATE_SUMMARY.column('share_of_us')})",
         float(states.table["share_of_us"].sum()), "1", 1.0),
        ("goods_balance", f"{TECH_GOODS_EXPORTS}-{TECH_GOODS_IMPORTS}",
         book.number_of(TECH_GOODS_EXPORTS) - book.number_of(TECH_GOODS_IMPORTS), TECH_GOODS_BALANCE,
         value(TECH_GOODS_BALANCE)),
        ("total_balance",
         f'IF(ISTEXT({TECH_SERVICES_BALANCE}),"",{TECH_GOODS_BALANCE}+{TECH_SERVICES_BALANCE})', total_balance_left(),
         f'IF(ISTEXT({TECH_TOTAL_BALANCE}),"",{TECH_TOTAL_BALANCE})',
         "" if isinstance(value(TECH_TOTAL_BALANCE), str) else value(TECH_TOTAL_BALANCE)),
        ("categories_sum", GOODS_EXPORTS_US, value(GOODS_EXPORTS_US),
         f"SUM({STATE_SUMMARY.column('goods_exports')})", float(states.table["goods_exports"].sum())),
    ]


def _identity_checks(book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording,
                     header_row: int) -> tuple[int, int]:
    col = IDENTITY_CHECKS.headers()
    ref = {key: IDENTITY_CHECKS.this_row(key) for key in col}
    identities = _identities(book, model)
    differences = [identity_difference(left, right) for _, _, left, _, right in identities]
    # Every identity compares dollars, except the shares that sum to 100%.
    styles = ["ratio" if key == "shares_sum" else "billions_2" for key, *_ in identities]
    # Widths are the published table's, whose columns these share.
    columns = [
        TableColumn(col["identity"], "wrapped", [words["identities"][key] for key, *_ in identities]),
        TableColumn(col["left"], "general_number", [left for _, _, left, _, _ in identities],
                    row_formulas=[formula for _, formula, _, _, _ in identities], row_styles=styles,
                    header_style="header_number"),
        TableColumn(col["right"], "general_number", [right for *_, right in identities],
                    row_formulas=[formula for _, _, _, formula, _ in identities], row_styles=styles,
                    header_style="header_number"),
        TableColumn(col["difference"], "general_number", differences, row_styles=styles,
                    header_style="header_number",
                    formula=f'IF(OR(ISTEXT({ref["left"]}),ISTEXT({ref["right"]})),"",{ref["left"]}-{ref["right"]})'),
        TableColumn(col["status"], "check",
                    [status_word(identity_status(d, right)) for d, (*_, right) in zip(differences, identities)],
                    formula=(f'IF(ISTEXT({ref["difference"]}),{string_literal(wording("published")["not_published"])},'
                             f'IF(ABS({ref["difference"]})<={IDENTITY_TOLERANCE}*MAX(1,ABS({ref["right"]})),'
                             f'{string_literal(words["holds"])},{string_literal(words["broken"])}))')),
    ]
    first, last = write_table(book, sheet, header_row, IDENTITY_TABLE, columns, first_col=IDENTITY_FIRST_COL)
    sheet.set_row(header_row, row_height_for("header"))
    for offset, key in enumerate(key for key, *_ in identities):
        sheet.set_row(first + offset, wrapped_row_height([(words["identities"][key], column_width("check_label"))]))
    _mark_small_values(book, sheet, first, [IDENTITY_FIRST_COL + offset for offset in (1, 2, 3)], styles)
    return first, last


def _colour_statuses(book: Book, sheet: Worksheet, first: int, last: int, col: int) -> None:
    words = wording(WORDING)
    colour_statuses(book, sheet, first, last, col, ((words["matches"], "rule_ok"), (words["holds"], "rule_ok"),
                                                    (words["differs"], "rule_bad"), (words["broken"], "rule_bad")))
