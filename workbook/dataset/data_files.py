"""Writes the files of ``data/`` in the project's schema, atomically."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from workbook.atomic import atomic_write_path
from workbook.dataset.schema import FileSchema
from workbook.paths import make_folder


def write_data_file(frame: pd.DataFrame, schema: FileSchema, data_dir: Path, sort: bool = True) -> Path:
    """Write ``frame`` as ``data_dir/schema.filename``: schema's columns in order, sorted by its key
    (or, not ``sort``, in the frame's order)."""
    make_folder(data_dir, "--data")
    ordered = frame[schema.column_names]
    if sort:
        ordered = ordered.sort_values(list(schema.key), kind="stable", key=_orderable)
    ordered = ordered.reset_index(drop=True)
    # Numbers are read as floats (amounts may exceed int64 in bad data); write each
    # whole value as the integer it is (63000000000, not 63000000000.0) and keep
    # fractions (0.056), so files read as their sources do and stay diff-friendly.
    for name in ordered.columns:
        if ordered[name].dtype.kind in "fO":
            ordered[name] = pd.Series([_shortest(value) for value in ordered[name]], index=ordered.index, dtype=object)
    path = data_dir / schema.filename
    with atomic_write_path(path) as tmp:
        ordered.to_csv(tmp, index=False, lineterminator="\n")
    return path


def _orderable(column: pd.Series) -> pd.Series:
    """A key column as it can be ordered: where an edit left values of more than one kind in it (a word, or
    a date, typed over a code), numbers first and every other kind after them, each kind in its own order;
    the data checks refuse those values once the file is read back."""
    kinds = {_kind(value) for value in column if not pd.isna(value)}
    if len(kinds) < 2:
        return column
    return pd.Series([value if pd.isna(value) else (_kind(value), value if _kind(value) == "" else str(value))
                      for value in column], index=column.index, dtype=object)


def _kind(value: object) -> str:
    """"" for a number, else the name of the value's type."""
    return "" if isinstance(value, (int, float)) else type(value).__name__


def _shortest(value: object) -> object:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value
