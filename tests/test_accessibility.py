"""Accessibility: ``check``'s findings on planted defects, and the default build, which has none.

Each defect is planted in a small workbook written with XlsxWriter, or in a built
workbook altered part by part (XlsxWriter refuses some defects, such as a merge
inside a table, that other programs write). The Map's text is measured against
every fill its colour scale can give a tile, with the rule that turns it light.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl.utils import range_boundaries

from helpers import REPO, related, rewrite_part, run_cli, sheet_part
from workbook.checking.accessibility import accessibility_problems
from workbook.checking.findings import Finding, FoundBy
from workbook.writing.contrast import blend, blend_bounds, contrast_ratio, light_text_from, minimum_contrast, relative_luminance
from workbook.templates_loader import styles, wording

MINIMUM = 4.5


def lines(path: Path) -> list[str]:
    return [str(problem) for problem in accessibility_problems(path)]


def small_workbook(path: Path, plant: Callable[[xlsxwriter.Workbook, object], None] | None = None) -> Path:
    """A sheet with a title in A1 and a named table of a few figures; ``plant`` adds a defect."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Exports")
    sheet.write_string("A1", "Tech exports by state")
    sheet.add_table("A3:B5", {"name": "StateExports", "columns": [{"header": "State"}, {"header": "Exports"}],
                              "data": [["CA", 37.5], ["TX", 45.0]]})
    if plant:
        plant(book, sheet)
    book.close()
    return path


def add_chart(book, sheet, **options) -> None:
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Exports!$B$4:$B$5", "categories": "=Exports!$A$4:$A$5"})
    chart.set_title({"name": "Tech exports by state"})
    sheet.insert_chart("D3", chart, options)


# ---------------------------------------------------------------- contrast


@pytest.mark.parametrize("text, fill, ratio", [
    ("#000000", "#FFFFFF", 21.0),
    ("#FFFFFF", "#FFFFFF", 1.0),
    ("#767676", "#FFFFFF", 4.54),  # the lightest grey that passes on white
    ("#777777", "#FFFFFF", 4.48),
    ("#FFFFFF", "#1F4E79", 8.66),
])
def test_contrast_is_wcag_2s(text, fill, ratio):
    assert contrast_ratio(text, fill) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(fill, text) == contrast_ratio(text, fill)


def test_the_threshold_lives_in_styles():
    assert minimum_contrast() == styles()["accessibility"]["min_contrast"] == MINIMUM


def test_light_text_starts_where_it_reads_better_and_never_where_dark_text_would_fail():
    switch = light_text_from(["#FFFFFF", "#000000"], "#000000", "#FFFFFF", MINIMUM)
    segment, fraction = switch
    assert segment == 0 and 0 < fraction < 1
    fill = blend("#FFFFFF", "#000000", fraction)
    assert contrast_ratio("#FFFFFF", fill) >= MINIMUM and contrast_ratio("#000000", fill) >= MINIMUM
    # A pale scale keeps dark text throughout; one too close to grey for either colour is refused.
    assert light_text_from(["#FFFFFF", "#DDEBF7"], "#000000", "#FFFFFF", MINIMUM) is None
    with pytest.raises(ValueError, match="contrast"):
        light_text_from(["#FFFFFF", "#000000"], "#000000", "#FFFFFF", 7)


# ---------------------------------------------------------------- each defect, planted and reported


def test_a_workbook_without_defects_has_no_findings(tmp_path):
    assert lines(small_workbook(tmp_path / "clean.xlsx", lambda book, sheet: add_chart(
        book, sheet, description="Column chart: Texas exported more tech than California."))) == []


def test_a_chart_without_alternative_text_is_named_with_its_title(tmp_path):
    path = small_workbook(tmp_path / "chart.xlsx", add_chart)
    assert lines(path) == [
        'accessibility: Exports: chart "Chart 1" (Tech exports by state): no alternative text; describe what it shows']


def test_a_decorative_chart_needs_no_alternative_text(tmp_path):
    assert lines(small_workbook(tmp_path / "decorative.xlsx",
                                lambda book, sheet: add_chart(book, sheet, decorative=True))) == []


def saved_by_libreoffice(path: Path, target: Path) -> Path:
    """The workbook as docProps/app.xml says LibreOffice 7.4 last saved it."""
    return rewrite_part(path, target, "docProps/app.xml", lambda xml: re.sub(
        r"<Application>[^<]*</Application>", "<Application>LibreOffice/7.4.7.2$Linux_X86_64</Application>", xml))


def test_a_chart_libreoffice_saved_without_alternative_text_is_a_note_saying_how_to_restore_it(tmp_path):
    path = saved_by_libreoffice(small_workbook(tmp_path / "chart.xlsx", add_chart), tmp_path / "saved.xlsx")
    [finding] = accessibility_problems(path)
    assert finding.note
    assert str(finding) == ('accessibility: Exports: chart "Chart 1" (Tech exports by state): no alternative text: '
                            "LibreOffice leaves it out when it saves as .xlsx; "
                            "`tech-trade extract` then `tech-trade build` puts the tool's descriptions back")
    result = run_cli("check", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note: 1 chart(s) lost their alternative text when LibreOffice saved the file" in result.stderr


def test_a_picture_libreoffice_saved_without_alternative_text_is_still_a_problem(tmp_path):
    path = small_workbook(tmp_path / "picture.xlsx", lambda book, sheet: sheet.insert_image("D3", REPO / "docs" / "map.png"))
    stripped = rewrite_part(path, tmp_path / "stripped.xlsx", "xl/drawings/drawing1.xml",
                            lambda xml: re.sub(r' descr="[^"]*"', "", xml))
    found = accessibility_problems(saved_by_libreoffice(stripped, tmp_path / "saved.xlsx"))
    assert [(str(problem), problem.note) for problem in found] == [
        ('accessibility: Exports: picture "Picture 1": no alternative text; describe what it shows', False)]


def test_a_picture_without_alternative_text_is_reported(tmp_path):
    path = small_workbook(tmp_path / "picture.xlsx", lambda book, sheet: sheet.insert_image(
        "D3", REPO / "docs" / "map.png", {"description": "The Map sheet"}))
    stripped = rewrite_part(path, tmp_path / "stripped.xlsx", "xl/drawings/drawing1.xml",
                            lambda xml: xml.replace(' descr="The Map sheet"', ""))
    assert lines(path) == []
    assert lines(stripped) == [
        'accessibility: Exports: picture "Picture 1": no alternative text; describe what it shows']


def test_a_table_with_a_default_name_is_reported(tmp_path):
    path = small_workbook(tmp_path / "table.xlsx", lambda book, sheet: sheet.add_table(
        "D3:D5", {"columns": [{"header": "Year"}], "data": [[2019], [2020]]}))
    assert lines(path) == ["accessibility: Exports: table Table2: a default name; name the table for what it holds"]


def test_a_table_without_a_header_row_is_reported(tmp_path):
    path = small_workbook(tmp_path / "headerless.xlsx", lambda book, sheet: sheet.add_table(
        "D3:D4", {"name": "Years", "header_row": False, "data": [[2019], [2020]]}))
    assert lines(path) == ["accessibility: Exports: table Years: no header row; give each column a header"]


def test_merged_cells_inside_a_table_are_reported(tmp_path):
    path = small_workbook(tmp_path / "plain.xlsx")
    # XlsxWriter refuses a merge over a table; other programs write one.
    merged = rewrite_part(path, tmp_path / "merged.xlsx", "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        "</sheetData>", '</sheetData><mergeCells count="2"><mergeCell ref="A4:B4"/><mergeCell ref="D1:E1"/>'
                        "</mergeCells>"))
    assert lines(merged) == ["accessibility: Exports: table StateExports: merged cells A4:B4 inside it; unmerge them"]


def test_a_sheet_without_a_title_in_a1_is_reported(tmp_path):
    def plant(book, sheet):
        book.add_worksheet("Empty corner").write_string("A3", "Notes start low")
        table = book.add_worksheet("Table first")
        table.add_table("A1:A3", {"name": "Years", "columns": [{"header": "Year"}], "data": [[2019], [2020]]})

    assert lines(small_workbook(tmp_path / "titles.xlsx", plant)) == [
        "accessibility: 'Empty corner'!A1: no title: A1 is empty; a screen reader starts there",
        "accessibility: 'Table first'!A1: no title: A1 is the header of table Years; put the sheet's title above it",
    ]


def test_cell_colours_below_the_contrast_are_reported_with_the_first_cell(tmp_path):
    def plant(book, sheet):
        pale = book.add_format({"font_color": "#999999"})
        sheet.write_string("D1", "A pale note", pale)
        sheet.write_string("D2", "Another", pale)
        sheet.write_string("E1", "Black on dark blue", book.add_format({"bg_color": "#1F4E79"}))
        sheet.write_string("F1", "White on dark blue", book.add_format({"font_color": "#FFFFFF", "bg_color": "#1F4E79"}))
        # A fill with nothing in it shows no text.
        sheet.write_blank("G1", None, book.add_format({"bg_color": "#000000"}))

    assert lines(small_workbook(tmp_path / "cells.xlsx", plant)) == [
        "accessibility: Exports!D1 and 1 more cell(s) of its style: text #999999 on fill #FFFFFF has a contrast of "
        "2.85:1, below 4.5:1",
        "accessibility: Exports!E1: text #000000 on fill #1F4E79 has a contrast of 2.42:1, below 4.5:1",
    ]


def test_theme_colours_are_resolved(tmp_path):
    path = small_workbook(tmp_path / "rgb.xlsx", lambda book, sheet: sheet.write_string(
        "D1", "Text in the theme's light colour", book.add_format({"font_color": "#FEFEFE"})))
    # Theme colour 0 is the theme's first light colour: white in Office's theme.
    themed = rewrite_part(path, tmp_path / "themed.xlsx", "xl/styles.xml",
                          lambda xml: xml.replace('<color rgb="FFFEFEFE"/>', '<color theme="0"/>'))
    assert lines(themed) == [
        "accessibility: Exports!D1: text #FFFFFF on fill #FFFFFF has a contrast of 1.00:1, below 4.5:1"]


def test_a_conditional_format_below_the_contrast_is_reported(tmp_path):
    def plant(book, sheet):
        sheet.conditional_format("B4:B5", {"type": "cell", "criteria": ">", "value": 40,
                                           "format": book.add_format({"font_color": "#FFFFFF", "bg_color": "#FFC000"})})
        # A readable one is not.
        sheet.conditional_format("B4:B5", {"type": "cell", "criteria": "<", "value": 40,
                                           "format": book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})})

    assert lines(small_workbook(tmp_path / "rule.xlsx", plant)) == [
        "accessibility: Exports: conditional format on B4:B5: text #FFFFFF on fill #FFC000 has a contrast of "
        "1.64:1, below 4.5:1"]


def test_a_data_bar_darker_than_its_text_allows_is_reported(tmp_path):
    path = small_workbook(tmp_path / "bar.xlsx", lambda book, sheet: sheet.conditional_format(
        "B4:B5", {"type": "data_bar", "bar_color": "#1F4E79", "bar_solid": True}))
    assert lines(path) == [
        "accessibility: Exports: conditional format on B4:B5: data bar: text #000000 on fill #1F4E79 has a "
        "contrast of 2.42:1, below 4.5:1"]


def test_a_colour_scale_too_dark_for_its_text_is_reported_unless_a_rule_gives_light_text(tmp_path):
    scale = {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#1F4E79"}
    dark = small_workbook(tmp_path / "scale.xlsx", lambda book, sheet: sheet.conditional_format("B4:B5", scale))
    [line] = lines(dark)
    assert line.startswith("accessibility: Exports: conditional format on B4:B5: colour scale: on its fill #")
    assert "no text colour its cells take reaches 4.5:1 (the best, #000000, has " in line

    def with_light_text(book, sheet):
        sheet.conditional_format("B4:B5", scale)
        sheet.conditional_format("B4:B5", {"type": "cell", "criteria": ">", "value": 40,
                                           "format": book.add_format({"font_color": "#FFFFFF"})})

    assert lines(small_workbook(tmp_path / "switched.xlsx", with_light_text)) == []


@pytest.mark.libreoffice
@pytest.mark.validator
def test_check_prints_each_finding_and_exits_1(tmp_path):
    path = small_workbook(tmp_path / "check.xlsx", add_chart)
    result = run_cli("check", path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        'accessibility: Exports: chart "Chart 1" (Tech exports by state): no alternative text; describe what it shows']
    assert "1 problem(s)" in result.stderr


# ---------------------------------------------------------------- the default build


def test_the_default_build_has_no_accessibility_finding(default_workbook):
    assert lines(default_workbook) == []


def table_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return next(part for part in archive.namelist() if part.startswith("xl/tables/")
                    and f'displayName="{name}"' in archive.read(part).decode())


def drawing_part(path: Path, sheet_name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        [drawing] = related(archive, sheet_part(path, sheet_name), "drawing")
    return drawing


def test_defects_planted_in_the_default_build_are_each_reported(default_workbook, tmp_path):
    renamed = rewrite_part(default_workbook, tmp_path / "renamed.xlsx", table_part(default_workbook, "StateSummary"),
                           lambda xml: xml.replace('name="StateSummary" displayName="StateSummary"',
                                                   'name="Table1" displayName="Table1"'))
    merged = rewrite_part(renamed, tmp_path / "merged.xlsx", sheet_part(default_workbook, "States"),
                          lambda xml: xml.replace("</sheetData>", '</sheetData><mergeCells count="1">'
                                                                  '<mergeCell ref="A20:B20"/></mergeCells>'))
    untitled = rewrite_part(merged, tmp_path / "untitled.xlsx", sheet_part(default_workbook, "Map"),
                            lambda xml: re.sub(r'<c r="A1"[^>]*>.*?</c>', "", xml, count=1))
    # Each chart's description taken away (a chart never given one gets an empty title instead).
    stripped = rewrite_part(untitled, tmp_path / "stripped.xlsx", drawing_part(default_workbook, "Dashboard"),
                            lambda xml: re.sub(r' descr="[^"]*"', "", xml) if " descr=" in xml
                            else xml.replace('name="Chart 1"', 'name="Chart 1" title=""'))
    # The Categories heat map back at a blue too dark for its black figures.
    darker = rewrite_part(stripped, tmp_path / "darker.xlsx", sheet_part(default_workbook, "Categories"),
                          lambda xml: xml.replace(
                              '<color rgb="FF' + styles()["heat_scale_high"]["bg_color"].lstrip("#") + '"/>',
                              '<color rgb="FF2E75B6"/>'))
    found = lines(darker)
    assert "accessibility: States: table Table1: a default name; name the table for what it holds" in found
    assert "accessibility: States: table Table1: merged cells A20:B20 inside it; unmerge them" in found
    assert "accessibility: Map!A1: no title: A1 is empty; a screen reader starts there" in found
    dashboard_charts = [line for line in found if line.startswith('accessibility: Dashboard: chart "Chart ')]
    assert dashboard_charts and all(line.endswith("no alternative text; describe what it shows")
                                    for line in dashboard_charts)
    assert any(line.startswith("accessibility: Categories: conditional format on ")
               and "colour scale: on its fill #" in line for line in found)


def test_every_table_has_a_meaningful_name_one_header_row_and_no_merged_cells(default_formulas):
    tables = [(sheet, table) for sheet in default_formulas.worksheets for table in sheet.tables.values()]
    assert len(tables) >= 10
    for sheet, table in tables:
        assert not re.fullmatch(r"Table\d+", table.displayName), table.displayName
        assert table.headerRowCount in (None, 1), table.displayName
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        for merged in sheet.merged_cells.ranges:
            assert (merged.max_row < min_row or merged.min_row > max_row or merged.max_col < min_col
                    or merged.min_col > max_col), f"{merged} inside {table.displayName}"
    assert all(sheet["A1"].value for sheet in default_formulas.worksheets)


# ---------------------------------------------------------------- no information by colour alone


def test_state_flags_say_yes_or_no_in_words_beside_their_colour(default_formulas, default_values):
    sheet = default_formulas["States"]
    table = sheet.tables["StateSummary"]
    min_col, min_row, max_col, max_row = range_boundaries(table.ref)
    headers = [cell.value for cell in sheet[min_row][min_col - 1:max_col]]
    columns = wording("states")["columns"]
    for key in ("over_threshold", "tech_top_three", "tech_leading"):
        col = min_col + headers.index(columns[key])
        flags = {default_values["States"].cell(row, col).value for row in range(min_row + 1, max_row + 1)}
        assert flags == {"Yes", "No"}, key
    # Every rule that colours a cell on States compares it with a word it shows, or with zero for a
    # figure whose format shows its sign, or marks a row by a flag the row shows in words.
    for ranges in sheet.conditional_formatting:
        for rule in ranges.rules:
            if rule.type == "cellIs":
                operand = rule.formula[0]
                if operand.startswith('"'):
                    assert operand == '"Yes"'
                else:
                    assert operand == "0"
                    first = str(ranges.sqref).split(":")[0]
                    assert sheet[first].number_format.startswith("+"), first
            elif rule.type == "expression" and rule.formula[0].startswith("AND(ISNUMBER("):
                # A small figure's finer number format (xlsx.mark_small_values): coloured, if at all,
                # by its sign, which its format shows.
                first = str(ranges.sqref).split(":")[0]
                colours = rule.dxf is not None and rule.dxf.fill is not None
                assert not colours or sheet[first].number_format.startswith("+"), first
            elif rule.type == "expression":
                assert rule.formula[0].endswith('="Yes"')


def test_check_statuses_are_words_beside_their_colour(default_formulas):
    sheet = default_formulas["Checks"]
    words = wording("checks")
    coloured = [rule.formula[0] for ranges in sheet.conditional_formatting for rule in ranges.rules
                if rule.dxf is not None and rule.dxf.fill is not None]
    assert coloured
    assert all(operand.strip('"') in words.values() and operand.strip('"').isalpha() for operand in coloured)


# ---------------------------------------------------------------- the Map's text on its tiles


def map_rules(sheet):
    scale = next(rule for ranges in sheet.conditional_formatting for rule in ranges.rules
                 if rule.type == "colorScale")
    light = next(rule for ranges in sheet.conditional_formatting for rule in ranges.rules if rule.type == "cellIs")
    return scale, light


def light_from(rule) -> tuple[str, float, str]:
    """(start, fraction, end) of the light-text rule's threshold: ``start+fraction*(end-start)``."""
    match = re.fullmatch(r"(\$[A-Z]+\$\d+)\+([0-9.]+)\*\((\$[A-Z]+\$\d+)-(\$[A-Z]+\$\d+)\)", rule.formula[0])
    assert match and match[1] == match[4], rule.formula
    return match[1], float(match[2]), match[3]


def colours(sheet):
    """The scale's fills, low to high, and the tiles' dark and light text colours."""
    scale, light = map_rules(sheet)
    fills = ["#" + colour.rgb[-6:] for colour in scale.colorScale.color]
    dark = "#" + sheet[next(iter_tiles(sheet))].font.color.rgb[-6:]
    return fills, dark, "#" + light.dxf.font.color.rgb[-6:]


def test_map_text_turns_light_on_dark_tiles_by_a_rule_over_the_legend(default_formulas):
    sheet = default_formulas["Map"]
    scale, light = map_rules(sheet)
    assert light.operator == "greaterThanOrEqual"
    assert str(light.dxf.font.color.rgb).endswith(styles()["rule_light_text"]["font_color"].lstrip("#"))
    # The rule covers the cells the scale colours.
    [scaled] = [ranges.sqref for ranges in sheet.conditional_formatting if scale in ranges.rules]
    [switched] = [ranges.sqref for ranges in sheet.conditional_formatting if light in ranges.rules]
    assert str(scaled) == str(switched)
    # From a fixed fraction of the way between two neighbouring points of the scale: the legend's cells.
    points = [point.val for point in scale.colorScale.cfvo]
    start, fraction, end = light_from(light)
    assert [start, end] in ([points[0], points[1]], [points[1], points[2]]) and 0 <= fraction <= 1


def test_every_fill_the_map_can_show_keeps_its_text_at_the_contrast(default_formulas):
    """Every value a tile can hold: each position along the scale, each rounding of its colour."""
    sheet = default_formulas["Map"]
    scale, light = map_rules(sheet)
    fills, dark, bright = colours(sheet)
    points = [point.val for point in scale.colorScale.cfvo]
    start, fraction, _ = light_from(light)
    switch = (points.index(start), fraction)
    steps = 2000
    for segment in range(len(fills) - 1):
        for step in range(steps + 1):
            position = (segment, step / steps)
            text = bright if position >= switch else dark
            for fill in blend_bounds(fills[segment], fills[segment + 1], step / steps):
                assert contrast_ratio(text, fill) >= MINIMUM, (position, text, fill)
    # The scale runs pale to dark, so both colours of text are used.
    assert relative_luminance(fills[-1]) < relative_luminance(fills[0])
    assert switch < (len(fills) - 2, 1.0)


def test_each_tile_of_the_default_build_reads_at_the_contrast(default_formulas, default_values):
    sheet, values = default_formulas["Map"], default_values["Map"]
    scale, light = map_rules(sheet)
    fills, dark, bright = colours(sheet)
    low, mid, top = (values[point.val.replace("$", "")].value for point in scale.colorScale.cfvo)
    start, fraction, end = light_from(light)
    from_value = values[start.replace("$", "")].value
    threshold = from_value + fraction * (values[end.replace("$", "")].value - from_value)
    light_tiles = 0
    for cell in iter_tiles(sheet):
        value = values[cell].value
        if value <= low:
            fill = fills[0]
        elif value >= top:
            fill = fills[2]
        elif value <= mid:
            fill = blend(fills[0], fills[1], (value - low) / (mid - low))
        else:
            fill = blend(fills[1], fills[2], (value - mid) / (top - mid))
        text = bright if value >= threshold else dark
        light_tiles += text == bright
        assert contrast_ratio(text, fill) >= MINIMUM, (cell, value, text, fill)
    # The states at the top of the scale (Texas, California and others) have light text.
    assert light_tiles >= 5


def iter_tiles(sheet):
    """The coordinates of the Map's tiles: the cells whose formula reads a state's figure."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=INDEX(StateSummary"):
                yield cell.coordinate


def test_accessibility_problems_read_like_checks_other_lines():
    problem = Finding("Dashboard: chart \"Chart 1\"", "no alternative text", FoundBy.ACCESSIBILITY)
    assert str(problem) == 'accessibility: Dashboard: chart "Chart 1": no alternative text'
    assert not problem.schema and not problem.note


def test_a_sheet_that_is_not_well_formed_is_refused_in_one_line(tmp_path):
    from workbook.errors import TechTradeError

    path = small_workbook(tmp_path / "whole.xlsx")
    # Past its first element, which is as far as opening the file safely reads a sheet.
    broken = rewrite_part(path, tmp_path / "broken.xlsx", "xl/worksheets/sheet1.xml",
                          lambda xml: xml.replace("</sheetData>", "</sheetDat>"))
    with pytest.raises(TechTradeError, match=r"part xl/worksheets/sheet1.xml is not well-formed XML"):
        accessibility_problems(broken)


def test_a_map_palette_no_text_can_read_on_stops_the_build_in_one_line(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    styles_file = templates / "styles.toml"
    text = styles_file.read_text(encoding="utf-8")
    low = '[map_scale_low]\nbg_color = "#F3F8FC"'
    assert text.count(low) == 1
    # Dark at both ends and pale between: no single point can turn the text light.
    styles_file.write_text(text.replace(low, '[map_scale_low]\nbg_color = "#1F4E79"'), encoding="utf-8")
    out = tmp_path / "unreadable.xlsx"
    result = run_cli("build", "--data", REPO / "data", "--templates", templates, "--out", out)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "the Map's tiles would not all be readable" in result.stderr
    assert not out.exists()


def test_the_tech_column_header_says_tech_beside_its_colour(default_formulas):
    sheet = default_formulas["Categories"]
    [rule] = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules
              if rule.type == "expression" and rule.formula[0].endswith("=TechCategory")
              and rule.dxf.numFmt is not None]
    assert rule.dxf.fill is not None
    assert rule.dxf.numFmt.formatCode == '0" tech"'


def test_every_style_with_a_colour_reads_at_the_contrast():
    """Text and fill of each style, the window's black text or white fill where it sets none. The Map's
    scale and its light text go together by a rule, which the Map's tests measure."""
    from workbook.sheets.tile_map import SCALE_STYLES

    theme = styles()
    measured = 0
    for name, style in theme.items():
        if not isinstance(style, dict) or name in ("rule_light_text", *SCALE_STYLES):
            continue
        if "font_color" in style or "bg_color" in style:
            text, fill = style.get("font_color", "#000000"), style.get("bg_color", "#FFFFFF")
            assert contrast_ratio(text, fill) >= MINIMUM, (name, text, fill)
            measured += 1
    assert measured >= 10
