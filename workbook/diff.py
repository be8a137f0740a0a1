"""``tech-trade diff``: the input cells whose values differ between two workbooks."""

from __future__ import annotations

from pathlib import Path

from workbook import register
from workbook.extract import read_own_workbook
from workbook.inputs import InputCell, WorkbookInputs, _canonical
from workbook.spreadsheet import quote_sheet_name


def diff_workbooks(old_path: Path, new_path: Path) -> list[str]:
    """One line per input that differs: ``sheet!cell: label: old -> new``, in table order."""
    old, new = read_own_workbook(old_path), read_own_workbook(new_path)
    lines = _settings_lines(old, new)
    for key in _ordered_keys(old, new):
        old_cells = {cell.label: cell for cell in old.cells.get(key, [])}
        new_cells = {cell.label: cell for cell in new.cells.get(key, [])}
        for label in [*old_cells, *(label for label in new_cells if label not in old_cells)]:
            before, after = old_cells.get(label), new_cells.get(label)
            if before is None:
                lines.append(_line(after, "(none)", _shown(after.value)))
            elif after is None:
                lines.append(_line(before, _shown(before.value), "(removed)"))
            elif _canonical(before.value) != _canonical(after.value):
                lines.append(_line(after, _shown(before.value), _shown(after.value)))
    return lines


def _ordered_keys(old: WorkbookInputs, new: WorkbookInputs) -> list:
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
