"""Reading a delivered CSV file as all-text rows numbered as they stand in the file.

The dialect is fixed (comma, `"` quoting and escaping, header row, UTF-8) rather than sniffed,
so that an odd file cannot be read with a guessed delimiter; malformed lines raise instead of
being skipped (no `ignore_errors`). `_source_row` comes from `WITH ORDINALITY` on `read_csv`,
which numbers rows in file order even when DuckDB parses the file in parallel and fields hold
quoted line breaks: it is the 1-based data row, header not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb

from ingestion.common.errors import SourceError
from ingestion.common.sql import quote_identifier, quote_literal

CSV_OPTIONS = (
    "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
    "strict_mode = true, encoding = 'utf-8'"
)


def read_csv_sql(path: Path) -> str:
    """The `read_csv(...)` table function call for one delivered file."""
    return f"read_csv({quote_literal(Path(path).as_posix())}, {CSV_OPTIONS})"


def csv_header(
    con: duckdb.DuckDBPyConnection, path: Path, error_type: type[SourceError] = SourceError
) -> list[str]:
    """The column names in the file's header row."""
    try:
        rows = con.execute(f"describe select * from {read_csv_sql(path)}").fetchall()
    except duckdb.Error as error:
        raise error_type(f"cannot read the header of {path}: {error}") from error
    return [row[0] for row in rows]


def require_columns(
    header: Sequence[str],
    expected: Iterable[str],
    path: Path,
    error_type: type[SourceError] = SourceError,
) -> None:
    """Fail, naming the file, when the header lacks any expected column."""
    missing = [column for column in expected if column not in header]
    if missing:
        raise error_type(f"{path} is missing column(s) {', '.join(missing)}; header: {header}")


def staged_csv_select(
    header: Sequence[str],
    path: Path,
    columns: Iterable[str],
    source_file: str,
    constants: Mapping[str, str] | None = None,
) -> str:
    """A SELECT over one CSV file giving `columns` plus `_source_file`, `_source_row`.

    `constants` adds columns with a fixed SQL expression per file (e.g. the drop date).
    The file's own columns are aliased from its header so that the row-number column cannot
    collide with anything the file contains.
    """
    aliases = ", ".join([*(quote_identifier(c) for c in header), "_source_row"])
    selected = [quote_identifier(c) for c in columns]
    selected.append(f"{quote_literal(source_file)} as _source_file")
    selected.append("_source_row")
    for name, expression in (constants or {}).items():
        selected.append(f"{expression} as {quote_identifier(name)}")
    return (
        f"select {', '.join(selected)}\nfrom {read_csv_sql(path)} with ordinality as src({aliases})"
    )
