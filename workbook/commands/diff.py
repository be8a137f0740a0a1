"""``tech-trade diff``: the input cells whose values differ between two workbooks."""

from __future__ import annotations

from pathlib import Path

from workbook.writing import register
from workbook.commands.extract import read_own_workbook
from workbook.reading.inputs import InputCell, RowKey, WorkbookInputs, _canonical
from workbook.reading.own import OwnContent, OwnSheet
from workbook.spreadsheet import quote_sheet_name


def diff_workbooks(old_path: Path, new_path: Path) -> list[str]:
    """One line per input that differs: ``sheet!cell: label: old -> new``, in table order;
    then the analyst's own sheets, notes and names that were added, removed or changed."""
    return input_differences(read_own_workbook(old_path), read_own_workbook(new_path))


def input_differences(old: WorkbookInputs, new: WorkbookInputs) -> list[str]:
    """What ``diff_workbooks`` says, from the two workbooks' inputs already read."""
    lines = _settings_lines(old, new)
    for key in _ordered_keys(old, new):
        old_cells = {cell.label: cell for cell in old.cells.get(key, [])}
        new_cells = {cell.label: cell for cell in new.cells.get(key, [])}
        for label in [*old_cells, *(label for label in new_cells if label not in old_cells)]:
            before, after = old_cells.get(label), new_cells.get(label)
            # The label is old's or new's, so at most one of them is None.
            if before is None and after is not None:
                lines.append(_line(after, "(none)", _shown(after.value)))
            elif after is None and before is not None:
                lines.append(_line(before, _shown(before.value), "(removed)"))
            elif before is not None and after is not None and _canonical(before.value) != _canonical(after.value):
                lines.append(_line(after, _shown(before.value), _shown(after.value)))
    return lines + own_differences(old.own, new.own)


def own_differences(old: OwnContent, new: OwnContent) -> list[str]:
    """The analyst's own work compared: sheets (cell by cell), notes (by where they stand), names."""
    lines = []
    old_sheets, new_sheets = {sheet.name: sheet for sheet in old.sheets}, {sheet.name: sheet for sheet in new.sheets}
    for name in [*old_sheets, *(name for name in new_sheets if name not in old_sheets)]:
        if name not in new_sheets:
            lines.append(f"{quote_sheet_name(name)}: own sheet removed")
        elif name not in old_sheets:
            lines.append(f"{quote_sheet_name(name)}: own sheet added")
        else:
            lines += _sheet_lines(old_sheets[name], new_sheets[name])
    old_notes, new_notes = {note.place: note for note in old.notes}, {note.place: note for note in new.notes}
    for place in [*old_notes, *(place for place in new_notes if place not in old_notes)]:
        before, after = old_notes.get(place), new_notes.get(place)
        if before is None or after is None or before.text != after.text:
            lines.append(f"note at {place}: {_shown(before.text if before else None)} -> "
                         f"{_shown(after.text if after else None) if after else '(removed)'}")
    old_names, new_names = {n.name: n.refers_to for n in old.names}, {n.name: n.refers_to for n in new.names}
    for name in sorted(set(old_names) | set(new_names)):
        if old_names.get(name) != new_names.get(name):
            lines.append(f"own name {name}: {_shown(old_names.get(name))} -> "
                         f"{_shown(new_names.get(name)) if name in new_names else '(removed)'}")
    return lines


def _sheet_lines(old: OwnSheet, new: OwnSheet) -> list[str]:
    def content(sheet: OwnSheet) -> dict[str, object]:
        return {cell.cell: cell.formula if cell.formula is not None else cell.value for cell in sheet.cells
                if cell.formula is not None or cell.value not in (None, "")}

    before, after = content(old), content(new)
    return [f"{quote_sheet_name(new.name)}!{cell}: own sheet: {_shown(before.get(cell))} -> "
            f"{_shown(after.get(cell)) if cell in after else '(removed)'}"
            for cell in [*before, *(cell for cell in after if cell not in before)]
            if _canonical(before.get(cell)) != _canonical(after.get(cell))]


def _ordered_keys(old: WorkbookInputs, new: WorkbookInputs) -> list[tuple[str, RowKey]]:
    keys = list(old.cells)
    seen = set(keys)
    return keys + [key for key in new.cells if key not in seen]


def _settings_lines(old: WorkbookInputs, new: WorkbookInputs) -> list[str]:
    lines = []
    for setting in sorted(register.SETTINGS, key=lambda setting: setting.setting):
        before, after = old.settings.get(setting.setting), new.settings.get(setting.setting)
        if _canonical(before) != _canonical(after):
            name = setting.setting
            where = new.setting_cells.get(name) or old.setting_cells[name]
            lines.append(_line(where, _shown(before) if name in old.settings else "(none)",
                               _shown(after) if name in new.settings else "(removed)"))
    return lines


def _line(cell: InputCell, before: str, after: str) -> str:
    return f"{quote_sheet_name(cell.sheet)}!{cell.cell}: {cell.label}: {before} -> {after}"


def _shown(value: object) -> str:
    return "(blank)" if value in (None, "") else repr(value)
