"""Key findings: the press release's findings re-drafted for the snapshot year by formulas.

Each finding is a sentence built from the workbook's figures (FIXED for numbers, wording
from templates/), beside the sentence the release published for it, the year it was
published for, and the status Checks gives that figure for the snapshot year, read from
Checks' table by figure key. Pick another year and every draft is rewritten; a year the
release does not cover is said in words, never with an error.

Lists of states and destinations are built by helper cells below the printed page: a
running concatenation down a column whose last cell holds the list (TEXTJOIN and CONCAT
are not in Excel 2016).
"""

from __future__ import annotations

from typing import cast

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from workbook.writing import register
from workbook.writing.layout import SheetLayout
from workbook.writing.metrics import word_wrapped_height
from workbook.model import SnapshotModel
from workbook.model.balance import balance_figures
from workbook.model.dashboard import ranked_states
from workbook.model.findings import (DESTINATIONS_NAMED, LARGEST_NAMED, check_status, finding_figures, published_quote)
from workbook.model.states import YES, state_figures
from workbook.writing.prose import (BILLION, Phrase, amount_of, billions, choose, fill, literal, percent, text_of,
                                    whole, year_phrase)
from workbook.writing.register import (OVER_THRESHOLD_USD, SNAPSHOT_YEAR, STATES_OVER_THRESHOLD, STATES_TECH_LEADING,
                                       STATES_TECH_TOP_THREE, TECH_CATEGORY_RANK_US, TECH_EXPORTS_US,
                                       TECH_EXPORTS_US_CHANGE_PERCENT, TECH_GOODS_BALANCE, TECH_GOODS_IMPORTS,
                                       TECH_SERVICES_BALANCE, TECH_TOTAL_BALANCE, TECH_TOTAL_IMPORTS)
from workbook.sheets.data_tables import published_criteria
from workbook.writing.words import not_published, status_word
from workbook.templates_loader import Wording, wording
from workbook.writing.xlsx import (Book, TableColumn, colour_statuses, print_setup, string_literal, write_formula,
                                   write_header_row, write_table)

WORDING = "key_findings"
#: Whether it reads values other sheets define, and so is written after them (workbook.sheets.ReportSheet).
SUMMARISES_OTHERS = True

#: Style and width (characters) of each column of the findings table, by wording key.
LOOK = {
    "finding": ("label_wrapped", 18),
    "draft": ("wrapped", 50),
    "published": ("wrapped", 46),
    "published_year": ("year", 9),
    "status": ("check", 11),
}
#: Rows between the table and the helper cells, which stay below the printed page.
HELPERS_GAP = 3


def status_from_checks(figure: str) -> str:
    """Formula: the status Checks gives ``figure`` for the snapshot year, over all its subjects.

    Read from Checks' table by figure key with COUNTIFS: "not published" where it has no row
    for the year, else "differs" if any row differs, "matches" if any matches, else "quoted".
    """
    checks, table = wording("checks"), register.PUBLISHED_CHECKS
    criteria = f"{table.column('figure')},{string_literal(figure)},{table.column('year')},{SNAPSHOT_YEAR}"
    status = table.column("status")

    def count_with(word: str) -> str:
        return f"COUNTIFS({criteria},{status},{string_literal(word)})"

    return (f"IF(COUNTIFS({criteria})=0,{string_literal(not_published())},"
            f"IF({count_with(checks['differs'])}>0,{string_literal(checks['differs'])},"
            f"IF({count_with(checks['matches'])}>0,{string_literal(checks['matches'])},"
            f"{string_literal(checks['quoted'])})))")


def write(book: Book, sheet: Worksheet, model: SnapshotModel) -> None:
    words = wording(WORDING)
    layout = SheetLayout(book, sheet, model.year)
    layout.opening(words["title"], words["subtitle"])
    header_row = layout.row
    findings = words["findings"]
    notes_first = header_row + 1 + len(findings) + 1
    helpers = _Helpers(book, sheet, model, words, notes_first + len(words["notes"]) + HELPERS_GAP)
    drafts = _drafts(book, model, words, helpers)

    col = register.KEY_FINDINGS.headers()
    rows: dict[str, list[object]] = {"finding": [], "draft": [], "published": [], "published_year": [], "status": []}
    formulas: dict[str, list[str]] = {"draft": [], "published": [], "published_year": [], "status": []}
    published = register.PUBLISHED_FIGURES
    figure_column = published.column("figure")
    for key, finding in findings.items():
        figure = finding["figure"]
        quote, quote_year = published_quote(model, figure)
        found = f"COUNTIF({figure_column},{string_literal(figure)})=0"
        match = f"MATCH({string_literal(figure)},{figure_column},0)"
        rows["finding"].append(finding["label"])
        rows["draft"].append(drafts[key].text)
        formulas["draft"].append(drafts[key].formula)
        rows["published"].append(quote or words["drafts"]["no_quote"])
        formulas["published"].append(f"IF({found},{string_literal(words['drafts']['no_quote'])},"
                                     f"INDEX({published.column('quote')},{match}))")
        rows["published_year"].append(quote_year)
        formulas["published_year"].append(f'IF({found},"",INDEX({published.column("year")},{match}))')
        rows["status"].append(status_word(check_status(model, figure)))
        formulas["status"].append(status_from_checks(figure))
    columns = [
        TableColumn(header=col[key], style=style, values=rows[key], row_formulas=formulas.get(key))
        for key, (style, _) in LOOK.items()
    ]
    first, last = write_table(book, sheet, header_row, register.KEY_FINDINGS.name, columns)
    for offset, (key, (_, width)) in enumerate(LOOK.items()):
        sheet.set_column(offset, offset, width)
    for index in range(len(findings)):
        # As tall as the cell whose text wraps onto most lines: no empty lines under the text.
        sheet.set_row(first + index, max(word_wrapped_height(str(rows[key][index]), width, LOOK[key][0])
                                         for key, (_, width) in LOOK.items() if key in ("finding", "draft", "published")))
    checks = wording("checks")
    colour_statuses(book, sheet, first, last, list(LOOK).index("status"),
                    ((checks["matches"], "rule_ok"), (checks["differs"], "rule_bad")))

    layout.row = last + 2
    notes_last = layout.notes(words["notes"])
    helpers.write()

    print_setup(sheet, notes_last, len(LOOK) - 1, repeat_row=header_row)


# ---------------------------------------------------------------- helper cells

class _Helpers:
    """The helper cells below the page: running lists of state codes, the largest states,
    the top destinations. Their places are fixed first, so drafts can point at them."""

    def __init__(self, book: Book, sheet: Worksheet, model: SnapshotModel, words: Wording, row: int) -> None:
        self.book, self.sheet, self.model, self.words = book, sheet, model, words
        self.figures = model.figures(finding_figures)
        self.states = model.figures(state_figures).table
        self.heading_row = row
        self.largest_first = row + 3
        self.destinations_first = self.largest_first + LARGEST_NAMED + 3
        self.lists_header = self.destinations_first + DESTINATIONS_NAMED + 2
        self.lists_first = self.lists_header + 1
        self.lists_last = self.lists_first + len(self.states) - 1

    # Where the sentences read.
    def largest(self, rank: int, col: int) -> str:
        return xl_rowcol_to_cell(self.largest_first + rank - 1, col)

    def state_list(self, which: str) -> str:
        return xl_rowcol_to_cell(self.lists_last, 3 if which == "top_three" else 5)

    def destination_list(self, flow: str) -> str:
        return xl_rowcol_to_cell(self.destinations_first + DESTINATIONS_NAMED - 1, 2 if flow == "products" else 4)

    def write(self) -> None:
        formats, sheet, words = self.book.formats, self.sheet, self.words
        sheet.write_string(self.heading_row, 0, words["helpers_heading"], formats["heading"])
        sheet.write_string(self.heading_row + 1, 0, words["helpers_note"], formats["note"])
        self._largest()
        self._destinations()
        self._lists()

    def _largest(self) -> None:
        formats, sheet = self.book.formats, self.sheet
        write_header_row(self.book, sheet, self.largest_first - 1, self.words["largest_columns"])
        states = register.STATE_SUMMARY
        exports, names = states.column("tech_exports"), states.column("state_name")
        for entry in ranked_states(self.figures.largest):
            row = self.largest_first + entry.rank - 1
            sheet.write_number(row, 0, entry.rank, formats["rank"])
            write_formula(sheet, row, 2, f"LARGE({exports},{xl_rowcol_to_cell(row, 0)})", formats["usd_billions"],
                          entry.tech_exports)
            write_formula(sheet, row, 1, f"INDEX({names},MATCH({xl_rowcol_to_cell(row, 2)},{exports},0))",
                          formats["text"], entry.state_name)

    def _destinations(self) -> None:
        """Rank k's country for each flow, and the running list: products from the Partners table's
        export ranks (Census), services as the release ranks them (an explicit array formula: three criteria)."""
        formats, sheet = self.book.formats, self.sheet
        write_header_row(self.book, sheet, self.destinations_first - 1, self.words["destinations_columns"])
        published = register.PUBLISHED_FIGURES
        figure, year = published.column("figure"), published.column("year")
        value, subject = published.column("value"), published.column("subject")
        partners = register.PARTNERS
        for flow, name_col in (("products", 1), ("services", 3)):
            names = self.figures.destinations[flow]
            key = f"top_destination_{flow}"
            name_cells = [xl_rowcol_to_cell(self.destinations_first + k, name_col) for k in range(DESTINATIONS_NAMED)]
            total = _count_so_far(name_cells)
            named = sum(1 for name in names if name)
            listed = ""
            for k in range(DESTINATIONS_NAMED):
                row = self.destinations_first + k
                rank_cell = xl_rowcol_to_cell(row, 0)
                sheet.write_number(row, 0, k + 1, formats["rank"])
                if flow == "products":
                    found = f"MATCH({rank_cell},{partners.column('export_rank')},0)"
                    write_formula(sheet, row, name_col, f'IF({register.HAS_PARTNER_DATA}<>1,"",'
                                  f'IFERROR(INDEX({partners.column("country")},{found}),""))', formats["text"], names[k])
                else:
                    criteria = published_criteria(key, SNAPSHOT_YEAR) + f",{value},{rank_cell}"
                    formula = (f'{{=IF(COUNTIFS({criteria})=0,"",INDEX({subject},MATCH(1,'
                               f'({figure}={string_literal(key)})*({year}={SNAPSHOT_YEAR})*({value}={rank_cell}),0)))}}')
                    sheet.write_array_formula(row, name_col, row, name_col, formula, formats["text"], names[k])
                previous = "" if k == 0 else xl_rowcol_to_cell(row - 1, name_col + 1)
                position = sum(1 for name in names[:k + 1] if name)
                listed, list_formula = _running_list(
                    listed, names[k], bool(names[k]), position, named, f'{name_cells[k]}<>""', name_cells[k],
                    previous, f"({_count_so_far(name_cells[:k + 1])})", f"({total})", self.words)
                write_formula(sheet, row, name_col + 1, list_formula, formats["text"], listed)

    def _lists(self) -> None:
        formats, sheet, words = self.book.formats, self.sheet, self.words
        write_header_row(self.book, sheet, self.lists_header, words["helpers_columns"])
        codes = self.states.index.tolist()
        states = register.STATE_SUMMARY
        for which, flag_column, count_col, total_name in (
                ("top_three", states.column("tech_top_three"), 2, STATES_TECH_TOP_THREE),
                ("leading", states.column("tech_leading"), 4, STATES_TECH_LEADING)):
            flags = self.states["tech_top_three" if which == "top_three" else "tech_leading"].tolist()
            total = sum(1 for flag in flags if flag == YES)
            count, listed = 0, ""
            for index, (code, flag) in enumerate(zip(codes, flags)):
                row = self.lists_first + index
                number_cell, code_cell = xl_rowcol_to_cell(row, 0), xl_rowcol_to_cell(row, 1)
                if which == "top_three":
                    sheet.write_number(row, 0, index + 1, formats["rank"])
                    write_formula(sheet, row, 1, f"INDEX({states.column('state_code')},{number_cell})",
                                  formats["text"], code)
                is_flagged = f'INDEX({flag_column},{number_cell})="{YES}"'
                previous_count = "0" if index == 0 else xl_rowcol_to_cell(row - 1, count_col)
                count += flag == YES
                write_formula(sheet, row, count_col, f"{previous_count}+IF({is_flagged},1,0)", formats["count"], count)
                previous = "" if index == 0 else xl_rowcol_to_cell(row - 1, count_col + 1)
                listed, formula = _running_list(listed, code, flag == YES, count, total, is_flagged, code_cell,
                                                previous, xl_rowcol_to_cell(row, count_col), total_name, words)
                write_formula(sheet, row, count_col + 1, formula, formats["text"], listed)


def _count_so_far(cells: list[str]) -> str:
    """How many of ``cells`` hold a name, as a number: each condition is made one with "--", since a
    count of one condition would otherwise be a logical, which Excel never finds equal to 1."""
    return "+".join(f'--({cell}<>"")' for cell in cells)


def _running_list(listed: str, item: str, included: bool, position: int, total: int, condition: str, item_cell: str,
                  previous_cell: str, position_formula: str, total_formula: str, words: Wording) -> tuple[str, str]:
    """One step of a list built down a column: (its text now, its formula).

    The first item starts the list, the last is joined with " and ", the others with ", ".
    """
    separator, last_separator = words["list_separator"], words["list_last_separator"]
    previous = previous_cell or '""'
    formula = (f"IF({condition},IF({position_formula}=1,{item_cell},{previous}&IF({position_formula}={total_formula},"
               f"{string_literal(last_separator)},{string_literal(separator)})&{item_cell}),{previous})")
    if included:
        if position == 1:
            listed = item
        else:
            listed = listed + (last_separator if position == total else separator) + item
    return listed, formula


# ---------------------------------------------------------------- the drafts

def us_change_phrase(book: Book, model: SnapshotModel, said: Wording) -> Phrase:
    """The U.S. tech exports' change on the year before in words, following TechExportsUSChangePercent:
    ``said``'s change_up or change_down (with ``{pct}`` and ``{previous}``), change_none, or
    change_unknown where the year before had no tech exports (the cell then holds blank text)."""
    name = TECH_EXPORTS_US_CHANGE_PERCENT
    change = book.value_of(name)
    previous = year_phrase(f"{SNAPSHOT_YEAR}-1", model.year - 1)
    pct = percent(name, change if isinstance(change, float) else 0.0)
    return choose(f"ISNUMBER({name})", isinstance(change, float),
                  choose(f"{name}>0", isinstance(change, float) and change > 0,
                         fill(said["change_up"], pct=pct, previous=previous),
                         choose(f"{name}<0", isinstance(change, float) and change < 0,
                                fill(said["change_down"], pct=pct, previous=previous),
                                fill(said["change_none"], previous=previous))),
                  literal(said["change_unknown"]))


def _drafts(book: Book, model: SnapshotModel, words: Wording, helpers: _Helpers) -> dict[str, Phrase]:
    said = words["drafts"]
    value = book.value_of
    states = model.figures(state_figures)
    figures = helpers.figures
    year = year_phrase(SNAPSHOT_YEAR, model.year)

    rank = value(TECH_CATEGORY_RANK_US)
    # The rank when it is a whole number; None where tech is no product category (text).
    whole_rank = float(rank) if not isinstance(rank, str) and float(rank).is_integer() else None
    is_rank = whole_rank is not None
    ordinals = said["ordinals"]
    ordinal = choose(
        f"{TECH_CATEGORY_RANK_US}<={len(ordinals)}", whole_rank is not None and whole_rank <= len(ordinals),
        Phrase(f"CHOOSE({TECH_CATEGORY_RANK_US},{','.join(string_literal(word) for word in ordinals)})",
               ordinals[int(whole_rank) - 1] if whole_rank is not None and 1 <= whole_rank <= len(ordinals) else ""),
        fill(said["rank_number"], rank=whole(TECH_CATEGORY_RANK_US, whole_rank if whole_rank is not None else 0.0)))
    exports = fill(said["exports"], value=billions(TECH_EXPORTS_US, states.us_tech_exports), year=year,
                   change=us_change_phrase(book, model, said),
                   rank=choose(f"ISNUMBER({TECH_CATEGORY_RANK_US})", is_rank, fill(said["rank"], ordinal=ordinal),
                               literal("")))

    threshold = model.over_threshold_usd
    largest = figures.largest.set_index("rank")

    def state(rank_: int) -> Phrase:
        return text_of(helpers.largest(rank_, 1), str(largest.loc[rank_, "state_name"]))

    def amount(rank_: int) -> Phrase:
        return billions(helpers.largest(rank_, 2), float(cast(float, largest.loc[rank_, "tech_exports"])))

    over = fill(said["over_threshold"], count=whole(STATES_OVER_THRESHOLD, states.states_over_threshold),
                threshold=choose(f"MOD({OVER_THRESHOLD_USD},{BILLION})=0", threshold % 1e9 == 0,
                                 whole(f"{OVER_THRESHOLD_USD}/{BILLION}", threshold / 1e9),
                                 billions(OVER_THRESHOLD_USD, threshold)),
                year=year, first=state(1), first_value=amount(1), second=state(2), second_value=amount(2),
                third=state(3), third_value=amount(3))

    def state_list(which: str, name: str, count: int, codes: list[str]) -> Phrase:
        listed = _joined_list(codes, words)
        return choose(f"{name}=0", count == 0, fill(said[f"{which}_none"], year=year),
                      fill(said[which], count=whole(name, count),
                           list=text_of(helpers.state_list(which), listed)))

    top_three = state_list("top_three", STATES_TECH_TOP_THREE, states.states_tech_top_three, figures.top_three_codes)
    leading = state_list("leading", STATES_TECH_LEADING, states.states_tech_leading, figures.leading_codes)

    balance = model.figures(balance_figures)
    goods_balance = balance.goods_balance
    total_imports, total_balance = value(TECH_TOTAL_IMPORTS), value(TECH_TOTAL_BALANCE)
    has_total = not isinstance(total_imports, str) and not isinstance(total_balance, str)
    imports_balance = fill(
        said["balance"], imports=billions(TECH_GOODS_IMPORTS, balance.goods_imports), year=year,
        goods_kind=_kind(TECH_GOODS_BALANCE, goods_balance, said),
        goods_balance=billions(TECH_GOODS_BALANCE, goods_balance),
        total=choose(f"AND(ISNUMBER({TECH_TOTAL_IMPORTS}),ISNUMBER({TECH_TOTAL_BALANCE}))", has_total,
                     fill(said["total"], total_imports=billions(TECH_TOTAL_IMPORTS, amount_of(total_imports)),
                          total_kind=_kind(TECH_TOTAL_BALANCE, amount_of(total_balance), said),
                          total_balance=billions(TECH_TOTAL_BALANCE, amount_of(total_balance))),
                     fill(said["total_missing"], year=year)))

    services_balance = value(TECH_SERVICES_BALANCE)
    has_services = not isinstance(services_balance, str)
    services = choose(f"ISNUMBER({TECH_SERVICES_BALANCE})", has_services,
                      fill(said["services"], kind=_kind(TECH_SERVICES_BALANCE, amount_of(services_balance), said),
                           value=billions(TECH_SERVICES_BALANCE, amount_of(services_balance))),
                      fill(said["services_missing"], year=year))

    def destinations(flow: str) -> Phrase:
        names = figures.destinations[flow]
        listed = _joined_list([name for name in names if name], words)
        cell = helpers.destination_list(flow)
        return choose(f'{cell}=""', not listed, fill(said[f"destinations_{flow}_missing"], year=year),
                      fill(said[f"destinations_{flow}"], year=year, list=text_of(cell, listed)))

    return {"exports": exports, "over_threshold": over, "top_three": top_three, "leading": leading,
            "balance": imports_balance, "services": services,
            "destinations_products": destinations("products"), "destinations_services": destinations("services")}


def _kind(name: str, amount: float, said: Wording) -> Phrase:
    """"deficit" or "surplus", by the sign of a balance."""
    return choose(f"{name}<0", amount < 0, literal(said["deficit"]), literal(said["surplus"]))


def _joined_list(items: list[str], words: Wording) -> str:
    """Items as the helper cells join them: "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return str(words["list_separator"]).join(items[:-1]) + str(words["list_last_separator"]) + items[-1]
