"""Writes the files of ``data/`` in the project's schema, atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbook.atomic import atomic_write_path
from workbook.schema import FileSchema


def write_data_file(frame: pd.DataFrame, schema: FileSchema, data_dir: Path) -> Path:
    """Write ``frame`` as ``data_dir/schema.filename``: schema's columns in order, sorted by its key."""
    data_dir.mkdir(parents=True, exist_ok=True)
    ordered = frame[schema.column_names].sort_values(list(schema.key), kind="stable").reset_index(drop=True)
    # Whole-dollar amounts are read as floats (they may exceed int64 in bad data);
    # write them back as the integers they are, so files stay diff-friendly.
    for name in ordered.columns:
        column = ordered[name]
        if column.dtype.kind == "f" and bool((column.dropna() % 1 == 0).all()):
            ordered[name] = column.astype("Int64")
    path = data_dir / schema.filename
    with atomic_write_path(path) as tmp:
        ordered.to_csv(tmp, index=False, lineterminator="\n")
    return path
