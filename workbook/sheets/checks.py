"""The Checks sheet: every figure the press release publishes next to the workbook's own
value for it, with the difference, a tolerance and a status; and the identities the
workbook keeps (states sum to the U.S. total, shares to 100%, balances add up).

Statuses are formulas and coloured by rules, so an edit that breaks a check shows
at once, in Excel and in LibreOffice.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from workbook.model import SnapshotModel
from workbook.model.destinations import CENSUS_FLOW, destination_figure
from workbook.model.partners import partner_figures
from workbook.model.checks import identity_difference, identity_status, published_status, tolerance
from workbook.model.states import state_figures
from workbook.register import (CENSUS_EXPORTS, GOODS_EXPORTS_US, HAS_PARTNER_DATA, IDENTITY_CHECKS, PUBLISHED_CHECKS,
                               SNAPSHOT_YEAR, STATE_SUMMARY, STATES_OVER_THRESHOLD, STATES_TECH_LEADING,
                               STATES_TECH_TOP_THREE, TECH_CATEGORY, TECH_CATEGORY_RANK_US, TECH_EXPORTS_US,
                               TECH_GOODS_BALANCE, TECH_GOODS_EXPORTS, TECH_GOODS_IMPORTS, TECH_SERVICES_BALANCE,
                               TECH_TOTAL_BALANCE)
from workbook.sheets import partners
from workbook.sheets.data_tables import published_sum, year_column
from workbook.templates_loader import wording
from workbook.xlsx import (Book, TableColumn, print_setup, string_literal, write_formula, write_table,
                           year_title_formula)

WORDING = "checks"
SUMMARISES_OTHERS = True
TITLE_ROW, SUBTITLE_ROW, PUBLISHED_HEADING_ROW = 0, 1, 3

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
UNIT_STYLES = {"usd": "usd_billions_2", "ratio": "ratio", "count": "count", "jobs": "count", "rank": "count"}


@dataclass(frozen=True)
class Comparison:
    formula: str | None
    value: float | None


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    formats = book.formats
    write_formula(sheet, TITLE_ROW, 0, year_title_formula(words["title"]), formats["title"],
                  words["title"].format(year=model.year))
    sheet.write_string(SUBTITLE_ROW, 0, words["subtitle"], formats["subtitle"])
    sheet.write_string(PUBLISHED_HEADING_ROW, 0, words["published_heading"], formats["heading"])
    first, last = _published_checks(book, sheet, model, words, PUBLISHED_HEADING_ROW + 1)
    status_col = list(PUBLISHED_CHECKS.headers()).index("status")
    _colour_statuses(book, sheet, first, last, status_col)

    heading_row = last + 2
    sheet.write_string(heading_row, 0, words["identities_heading"], formats["heading"])
    sheet.write_string(heading_row + 1, 0, words["identities_note"], formats["note"])
    first, last = _identity_checks(book, sheet, model, words, heading_row + 2)
    _colour_statuses(book, sheet, first, last, list(IDENTITY_CHECKS.headers()).index("status"))
    notes_row = last + 2
    sheet.write_string(notes_row, 0, words["notes"], formats["note"])
    partner_row = notes_row + 1
    has_data = model.figures(partner_figures).has_data
    write_formula(sheet, partner_row, 0,
                  f'IF({HAS_PARTNER_DATA}=1,{year_title_formula(words["partner_data"])},'
                  f'{year_title_formula(words["no_partner_data"])})', formats["note"],
                  words["partner_data" if has_data else "no_partner_data"].format(year=model.year))
    sheet.freeze_panes(PUBLISHED_HEADING_ROW + 2, 0)
    print_setup(sheet, partner_row, len(words["columns"]) - 1, repeat_row=PUBLISHED_HEADING_ROW + 1)


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
        return Comparison(formula, float(states.loc[subject, model_column]))
    return Comparison(None, None)


def _published_checks(book: Book, sheet: Worksheet, model: SnapshotModel, words: dict, header_row: int):
    col = PUBLISHED_CHECKS.headers()
    labels, reasons = words["labels"], words["reasons"]
    rows = model.data.published.drop_duplicates(["figure", "year", "subject"])
    ref = {key: PUBLISHED_CHECKS.this_row(key) for key in col}
    values: dict[str, list] = {key: [] for key in col}
    formulas: dict[str, list] = {key: [] for key in ("published", "workbook", "tolerance", "reason")}
    for entry in rows.itertuples():
        comparison = _comparison(book, model, entry.figure, entry.subject)
        difference = "" if comparison.value is None or entry.year != model.year else comparison.value - entry.value
        tol = tolerance(entry.unit, entry.value)
        status = published_status(comparison.value, difference, tol, entry.year, model.year)
        reason = reasons.get(f"{entry.figure}.{entry.subject}", reasons.get(entry.figure, ""))
        values["figure"].append(entry.figure)
        values["year"].append(entry.year)
        values["subject"].append(entry.subject)
        values["check"].append(labels[entry.figure].format(subject=entry.subject))
        values["published"].append(entry.value)
        values["workbook"].append("" if comparison.value is None else comparison.value)
        values["difference"].append(difference)
        values["tolerance"].append(tol)
        values["status"].append(status)
        values["reason"].append(reason if status == words["differs"] else "")
        formulas["published"].append(published_sum(entry.figure, ref["year"], entry.subject))
        formulas["workbook"].append(comparison.formula)
        formulas["tolerance"].append(f"IF(MOD({ref['published']},1e9)=0,5e8,5e7)" if entry.unit == "usd" else "0")
        formulas["reason"].append(
            f'IF({ref["status"]}={string_literal(words["differs"])},{string_literal(reason)},"")' if reason else None)
    shared = {
        "difference": (f'IF(OR({ref["workbook"]}="",{ref["year"]}<>{SNAPSHOT_YEAR}),"",'
                       f'{ref["workbook"]}-{ref["published"]})'),
        "status": (f'IF({ref["workbook"]}="",{string_literal(words["quoted"])},'
                   f'IF({ref["year"]}<>{SNAPSHOT_YEAR},{string_literal(wording("published")["not_published"])},'
                   f'IF(ABS({ref["difference"]})<={ref["tolerance"]},{string_literal(words["matches"])},'
                   f'{string_literal(words["differs"])})))'),
    }
    looks = {"figure": ("formula_text", "name"), "year": ("year", "year"), "subject": ("formula_text", "code"),
             "check": ("formula_text", "label"), "published": ("general_number", "usd"),
             "workbook": ("general_number", "usd"), "difference": ("general_number", "usd"),
             "tolerance": ("general_number", "usd"), "status": ("check", "flag"), "reason": ("note", "text")}
    unit_styles = [UNIT_STYLES[unit] for unit in rows["unit"]]
    columns = [
        TableColumn(header=col[key], style=looks[key][0], width=looks[key][1], values=values[key],
                    formula=shared.get(key), row_formulas=formulas.get(key),
                    row_styles=unit_styles if key in ("published", "workbook", "difference", "tolerance") else None)
        for key in col
    ]
    return write_table(book, sheet, header_row, PUBLISHED_CHECKS.name, columns)


def _identities(book: Book, model: SnapshotModel) -> list[tuple[str, str, object, str, object]]:
    """(wording key, left formula, left value, right formula, right value) of each identity."""
    states = model.figures(state_figures)
    all_tech = (f"SUMIFS({year_column(CENSUS_EXPORTS.name, SNAPSHOT_YEAR)},"
                f"{CENSUS_EXPORTS.column('naics3')},{TECH_CATEGORY})")
    data = model.data.exports
    tech_in_data = float(data.loc[(data["year"] == model.year) & (data["naics3"] == model.tech_naics3),
                                  "value_usd"].sum())
    value = book.value_of

    def total_balance_left():
        services = value(TECH_SERVICES_BALANCE)
        return "" if isinstance(services, str) else value(TECH_GOODS_BALANCE) + services

    return [
        ("states_sum", TECH_EXPORTS_US, value(TECH_EXPORTS_US), all_tech, tech_in_data),
        ("shares_sum", f"SUM({STATE_SUMMARY.column('share_of_us')})",
         float(states.table["share_of_us"].sum()), "1", 1.0),
        ("goods_balance", f"{TECH_GOODS_EXPORTS}-{TECH_GOODS_IMPORTS}",
         value(TECH_GOODS_EXPORTS) - value(TECH_GOODS_IMPORTS), TECH_GOODS_BALANCE, value(TECH_GOODS_BALANCE)),
        ("total_balance",
         f'IF(ISTEXT({TECH_SERVICES_BALANCE}),"",{TECH_GOODS_BALANCE}+{TECH_SERVICES_BALANCE})', total_balance_left(),
         f'IF(ISTEXT({TECH_TOTAL_BALANCE}),"",{TECH_TOTAL_BALANCE})',
         "" if isinstance(value(TECH_TOTAL_BALANCE), str) else value(TECH_TOTAL_BALANCE)),
        ("categories_sum", GOODS_EXPORTS_US, value(GOODS_EXPORTS_US),
         f"SUM({STATE_SUMMARY.column('goods_exports')})", float(states.table["goods_exports"].sum())),
    ]


def _identity_checks(book: Book, sheet: Worksheet, model: SnapshotModel, words: dict, header_row: int):
    col = IDENTITY_CHECKS.headers()
    ref = {key: IDENTITY_CHECKS.this_row(key) for key in col}
    identities = _identities(book, model)
    differences = [identity_difference(left, right) for _, _, left, _, right in identities]
    # Every identity compares dollars, except the shares that sum to 100%.
    styles = ["ratio" if key == "shares_sum" else "usd_billions_2" for key, *_ in identities]
    columns = [
        TableColumn(col["identity"], "formula_text", [words["identities"][key] for key, *_ in identities],
                    width="label"),
        TableColumn(col["left"], "general_number", [left for _, _, left, _, _ in identities], width="usd",
                    row_formulas=[formula for _, formula, _, _, _ in identities], row_styles=styles),
        TableColumn(col["right"], "general_number", [right for *_, right in identities], width="usd",
                    row_formulas=[formula for _, _, _, formula, _ in identities], row_styles=styles),
        TableColumn(col["difference"], "general_number", differences, width="usd", row_styles=styles,
                    formula=f'IF(OR(ISTEXT({ref["left"]}),ISTEXT({ref["right"]})),"",{ref["left"]}-{ref["right"]})'),
        TableColumn(col["status"], "check",
                    [identity_status(d, right) for d, (*_, right) in zip(differences, identities)],
                    formula=(f'IF(ISTEXT({ref["difference"]}),{string_literal(wording("published")["not_published"])},'
                             f'IF(ABS({ref["difference"]})<=1e-6*MAX(1,ABS({ref["right"]})),'
                             f'{string_literal(words["holds"])},{string_literal(words["broken"])}))')),
    ]
    return write_table(book, sheet, header_row, IDENTITY_CHECKS.name, columns)


def _colour_statuses(book: Book, sheet: Worksheet, first: int, last: int, col: int) -> None:
    words = wording(WORDING)
    for status, style in ((words["matches"], "rule_ok"), (words["holds"], "rule_ok"),
                          (words["differs"], "rule_bad"), (words["broken"], "rule_bad")):
        sheet.conditional_format(first, col, last, col, {
            "type": "cell", "criteria": "==", "value": string_literal(status), "format": book.formats[style]})
