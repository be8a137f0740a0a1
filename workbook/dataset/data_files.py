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
        ordered = ordered.sort_values(list(schema.key), kind="stable")
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


def _shortest(value: object) -> object:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value
