"""Property-based tests: the loader, fed generated malformed tables, either accepts them or
raises its own InputError, never anything else; and what it accepts keeps the schema's promises.

Example counts stay modest so that the suite stays fast; no example database is
written (a failure prints the seed that reproduces it).
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.errors import InputError
from workbook.dataset.load import MAX_CELL_TEXT, load_dataset, read_table
from workbook.dataset.schema import ALL_FILES, OPTIONAL_FILES, FileSchema

SCHEMAS = (*ALL_FILES, *OPTIONAL_FILES)

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Values that have tripped loaders: near-numbers, special floats, separators, quotes,
#: line breaks, byte-order marks, control characters, formula-like and error-like text.
AWKWARD = ("", " ", "0", "-0", "+1", "1", "2020", "2020.0", "2020.5", "1e3", "1,234", "$1,234", "1 234", "1_000",
           "0x1F", "1e309", "-1e309", "1e15", "1000000000000001", "nan", "NaN", "-nan", "inf", "-Infinity",
           "١٢٣", "½", "AK", "ak", "A*", "X?", "~", "=1+1", "@SUM(1)", "-2", "#N/A", "#REF!", "product", "special",
           "usd", "rank", "state", "products", "snapshot_year", "semiconductor_exports", "state_tech_exports",
           '"', "'", ",", '""', "\n", "\r\n", "\r", "\t", "\x00", "\x01", "\x1f", "\ufeff", "\ufffe", "\U0001d7d9",
           "_x0041_", "A" * 40)

cells = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(max_size=12),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def headers(draw, schema: FileSchema) -> list[str]:
    names = draw(st.permutations(schema.column_names))
    edit = draw(st.sampled_from(("as is", "as is", "drop", "extra", "twice", "blank", "spaces")))
    if edit == "drop" and len(names) > 1:
        names.pop(draw(st.integers(0, len(names) - 1)))
    elif edit == "extra":
        names.append(draw(cells))
    elif edit == "twice":
        names.append(names[0])
    elif edit == "blank":
        names.append("")
    elif edit == "spaces":
        names = [f" {name} " for name in names]
    return names


@st.composite
def csv_files(draw, schema: FileSchema) -> bytes:
    """A CSV file for ``schema``, more or less malformed, as the bytes on disk."""
    header = draw(headers(schema))
    width = len(header)
    row = st.lists(cells, min_size=max(width - 1, 0), max_size=width + 1)
    rows = draw(st.lists(row, max_size=6))
    out = io.StringIO()
    terminator = draw(st.sampled_from(("\n", "\r\n", "\r")))
    writer = csv.writer(out, lineterminator=terminator,
                        quoting=draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC))))
    writer.writerow(header)
    for fields in rows:
        writer.writerow(fields)
    text = out.getvalue()
    if draw(st.booleans()):
        text += draw(st.sampled_from(("", "\n", "\n\n", ",", '"', "\x00", "\ufeff")))
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16")))
    data = text.encode(encoding, errors="replace")
    damage = draw(st.sampled_from(("none", "none", "truncate", "flip", "insert")))
    if damage != "none" and data:
        at = draw(st.integers(0, len(data) - 1))
        if damage == "truncate":
            data = data[:at]
        elif damage == "flip":
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        else:
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


def read_or_refuse(path: Path, schema: FileSchema) -> pd.DataFrame | None:
    """The table if the loader accepts it, None if it refuses with its own error."""
    try:
        return read_table(path, schema)
    except InputError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(str(path)), message
        return None


def assert_keeps_the_schema(frame: pd.DataFrame, schema: FileSchema) -> None:
    assert list(frame.columns) == schema.column_names
    assert len(frame) >= 1
    assert not frame.duplicated(list(schema.key)).any()
    for column in schema.columns:
        values = frame[column.name]
        if column.kind in ("year", "integer", "amount", "number"):
            present = [float(value) for value in values if not pd.isna(value)]
            assert all(math.isfinite(value) for value in present)
            assert column.minimum is None or all(value >= column.minimum for value in present)
            assert column.maximum is None or all(value <= column.maximum for value in present)
            if column.required:
                assert len(present) == len(values)
        else:
            assert all(isinstance(value, str) for value in values)
            assert all(len(value) <= MAX_CELL_TEXT for value in values)
            assert not values.str.contains("[\x00-\x08\x0b\x0c\x0e-\x1f]", regex=True).any()
            if column.choices:
                assert set(values) - {""} <= set(column.choices)


@PROPERTY_SETTINGS
@given(st.sampled_from(SCHEMAS).flatmap(lambda schema: st.tuples(st.just(schema), csv_files(schema))))
def test_read_table_accepts_or_raises_its_own_error(generated):
    schema, data = generated
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / schema.filename
        path.write_bytes(data)
        frame = read_or_refuse(path, schema)
    if frame is not None:
        assert_keeps_the_schema(frame, schema)


#: A small data folder that loads: two states, three categories, a year of trade.
SMALL_DATA = {
    "states.csv": "state_code,state_name,kind,tile_row,tile_col\nAK,Alaska,state,0,0\nAL,Alabama,state,6,7\n",
    "categories.csv": "naics3,label,kind\n111,Agricultural Products,product\n"
                      "334,Computer & Electronic Products,product\n910,Waste And Scrap,special\n",
    "census_exports.csv": "year,state_code,naics3,value_usd\n2020,AK,334,1000\n2020,AL,334,2000\n2020,AL,111,5\n",
    "census_imports.csv": "year,state_code,naics3,value_usd\n2020,AK,334,700\n2020,AL,910,30\n",
    "published_figures.csv": "figure,year,subject,value,unit,quote\nstate_tech_exports,2020,AL,2000,usd,\"Quoted.\"\n",
    "destinations.csv": "flow,country,value_usd\nproducts,Canada,\n",
    "partner_exports.csv": "year,naics3,country,value_usd\n2020,334,Mexico,38\n2020,334,\"Korea, South\",7\n",
    "partner_imports.csv": "year,naics3,country,value_usd\n2020,334,China,141\n2020,111,Cote d'Ivoire,3\n",
}


def write_small_data(folder: Path) -> Path:
    for name, text in SMALL_DATA.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_small_data_folder_loads():
    with tempfile.TemporaryDirectory() as folder:
        assert load_dataset(write_small_data(Path(folder))).years == [2020]


@settings(PROPERTY_SETTINGS, max_examples=50)
@given(st.sampled_from(ALL_FILES).flatmap(lambda schema: st.tuples(st.just(schema), csv_files(schema))))
def test_load_dataset_with_one_malformed_file_accepts_or_raises_its_own_error(generated):
    schema, data = generated
    with tempfile.TemporaryDirectory() as folder:
        path = write_small_data(Path(folder)) / schema.filename
        path.write_bytes(data)
        try:
            dataset = load_dataset(Path(folder))
        except InputError as error:
            assert "\n" not in str(error)
            return
    assert_keeps_the_schema(getattr(dataset, _ATTRIBUTE[schema.filename]), schema)


@settings(PROPERTY_SETTINGS, max_examples=50)
@given(st.sampled_from(ALL_FILES), st.data())
def test_load_dataset_with_bytes_damaged_in_a_good_file_accepts_or_raises_its_own_error(schema, data):
    original = SMALL_DATA[schema.filename].encode("utf-8")
    edits = data.draw(st.lists(st.tuples(st.integers(0, len(original)), st.binary(max_size=3), st.integers(0, 3)),
                               min_size=1, max_size=4))
    damaged = original
    for at, inserted, removed in edits:
        at = min(at, len(damaged))
        damaged = damaged[:at] + inserted + damaged[at + removed:]
    with tempfile.TemporaryDirectory() as folder:
        (write_small_data(Path(folder)) / schema.filename).write_bytes(damaged)
        try:
            load_dataset(Path(folder))
        except InputError as error:
            assert "\n" not in str(error)


_ATTRIBUTE = {"states.csv": "states", "categories.csv": "categories", "census_exports.csv": "exports",
              "census_imports.csv": "imports", "published_figures.csv": "published", "destinations.csv": "destinations",
              "partner_exports.csv": "partner_exports", "partner_imports.csv": "partner_imports"}
