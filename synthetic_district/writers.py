"""Writing tables in the exact shapes the source systems export.

CSV goes through DuckDB's COPY from Arrow tables: categorical columns are dictionary arrays
(no per-row Python strings), dates are date32 (written ISO), NULL is written as an empty field.
Column order always comes from ingestion/contracts.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ingestion.contracts import TableContract
from synthetic_district.dates import NO_DATE, from_day_number


def categorical(indices: np.ndarray, labels: np.ndarray | list) -> pa.Array:
    """Dictionary-encoded strings: `labels[indices]` without building the strings per row."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)),
        pa.array(np.asarray(labels, dtype=object), type=pa.string()),
    )


def dates(days: np.ndarray) -> pa.Array:
    """Day numbers as a date32 column; NO_DATE is NULL."""
    days = np.asarray(days, dtype=np.int32)
    return pa.array(days, mask=days == NO_DATE).cast(pa.date32())


def text(values) -> pa.Array:
    """Strings; an empty string is written as NULL (an empty, unquoted field)."""
    values = np.asarray(values, dtype=object)
    return pa.array(values, mask=values == "", type=pa.string())


def timestamps_z(seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings (`2024-02-14T22:30:00Z`) from epoch seconds."""
    return (
        np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s").astype(object)
        + "Z"
    )


class CsvWriter:
    """Writes Arrow tables as CSV with DuckDB, tracking files and bytes written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = true")
        self.con.execute("SET enable_progress_bar = false")
        self.files: list[Path] = []
        self.rows: dict[str, int] = {}

    def write(self, contract: TableContract, columns: dict[str, pa.Array], path: Path) -> None:
        names = list(contract.columns)
        missing = set(names) ^ set(columns)
        if missing:
            raise ValueError(f"{contract.raw_table}: columns differ from contract: {missing}")
        self.write_columns(contract.raw_table, names, columns, path)

    def write_columns(
        self, label: str, names: list[str], columns: dict[str, pa.Array], path: Path
    ) -> None:
        table = pa.table({name: columns[name] for name in names})
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con.register("out_table", table)
        select = ", ".join(f'"{n}"' for n in names)
        self.con.execute(
            f"COPY (SELECT {select} FROM out_table) TO '{path}' (HEADER, DELIMITER ',', QUOTE '\"')"
        )
        self.con.unregister("out_table")
        self.files.append(path)
        self.rows[label] = self.rows.get(label, 0) + table.num_rows

    def close(self) -> None:
        self.con.close()


def write_json_pages(records: pd.DataFrame, folder: Path, page_size: int) -> list[Path]:
    """Save records as the vendor API's cursor pages (`{"data": [...], "meta": {...}}`)."""
    folder.mkdir(parents=True, exist_ok=True)
    total = len(records)
    n_pages = max(1, -(-total // page_size))
    paths = []
    for page in range(1, n_pages + 1):
        chunk = records.iloc[(page - 1) * page_size : page * page_size]
        data = chunk.to_json(orient="records", force_ascii=False, double_precision=10)
        next_cursor = f"p{page + 1:05d}" if page < n_pages else None
        meta = {"page": page, "page_size": page_size, "next_cursor": next_cursor, "total": total}
        path = folder / f"page-{page:05d}.json"
        path.write_text(f'{{"data": {data}, "meta": {json.dumps(meta)}}}', encoding="utf-8")
        paths.append(path)
    return paths


def iso(day: int) -> str:
    return from_day_number(day).isoformat()
