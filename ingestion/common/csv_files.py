"""Reading a delivered CSV file as all-text rows numbered as they stand in the file.

The dialect is fixed (comma, `"` quoting and escaping, header row, UTF-8) rather than sniffed,
so that an odd file cannot be read with a guessed delimiter; malformed lines raise instead of
being skipped (no `ignore_errors`). `_source_row` comes from `WITH ORDINALITY` on `read_csv`,
which numbers rows in file order even when DuckDB parses the file in parallel and fields hold
quoted line breaks: it is the 1-based data row, header not counted.

A file that cannot be read is explained rather than reported with DuckDB's raw message:
`explain_unreadable_csv` runs only after a read has failed (a clean nightly load pays nothing
for it) and names the rule, the line and, for encoding problems, the byte offset:

| rule                | what the file has                                              |
|---------------------|----------------------------------------------------------------|
| empty_file          | 0 bytes (not even a header)                                    |
| wrong_delimiter     | a header that is one column holding `;`, tab or `|`            |
| missing_column      | a contract column absent from the header                       |
| renamed_column      | contract columns absent *and* unknown columns present          |
| invalid_encoding    | bytes that are not UTF-8 (e.g. a Latin-1 export); never guessed |
| truncated_row       | a line with fewer fields than the header (a cut-off file)      |
| extra_fields        | a line with more fields than the header                        |
| unterminated_quote  | a quoted value that never closes                               |
| malformed_row       | any other line DuckDB's strict parser rejects                  |

A column the contract does not know, next to all the contract's columns, is not an error: the
file loads and `check_header` returns a warning naming the column (sources add columns without
notice; refusing the whole file for that would stop the nightly run for no data reason).
"""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb

from ingestion.common.errors import SourceError
from warehouse.sql import quote_identifier, quote_literal

CSV_OPTIONS = (
    "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
    "strict_mode = true, encoding = 'utf-8'"
)
_LIKELY_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_REJECT_RULES = {
    "MISSING COLUMNS": "truncated_row",
    "TOO MANY COLUMNS": "extra_fields",
    "UNQUOTED VALUE": "unterminated_quote",
}
_DECODE_CHUNK_BYTES = 16 * 1024 * 1024


def read_csv_sql(path: Path) -> str:
    """The `read_csv(...)` table function call for one delivered file."""
    return f"read_csv({quote_literal(Path(path).as_posix())}, {CSV_OPTIONS})"


def csv_header(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    error_type: type[SourceError] = SourceError,
    source_file: str | None = None,
) -> list[str]:
    """The column names in the file's header row (a UTF-8 byte-order mark is not part of them).

    `source_file` is the lineage name used in error messages (the path by default).
    """
    name = source_file or str(path)
    if Path(path).stat().st_size == 0:
        raise error_type(
            f"{name} is empty (0 bytes, no header row)", rule="empty_file", source_file=name
        )
    try:
        rows = con.execute(f"describe select * from {read_csv_sql(path)}").fetchall()
    except duckdb.Error as error:
        explained = explain_unreadable_csv(con, path, None, name, error_type)
        if explained is not None:
            raise explained from error
        raise error_type(f"cannot read the header of {name}: {error}", source_file=name) from error
    return [row[0] for row in rows]


def check_header(
    header: Sequence[str],
    expected: Iterable[str],
    path: Path,
    error_type: type[SourceError] = SourceError,
    source_file: str | None = None,
) -> list[str]:
    """Fail, naming the file, when the header lacks an expected column; warn about extras.

    Returns one warning per column the contract does not have (the column is not loaded).
    """
    name = source_file or str(path)
    expected = list(expected)
    missing = [column for column in expected if column not in header]
    unknown = [column for column in header if column not in expected]
    if missing and len(header) == 1:
        for delimiter, label in _LIKELY_DELIMITERS.items():
            if delimiter in header[0]:
                raise error_type(
                    f"{name} looks {label}-delimited: its header is one column "
                    f"{header[0]!r}; the contract's delimiter is a comma",
                    rule="wrong_delimiter",
                    source_file=name,
                )
    if missing and unknown:
        raise error_type(
            f"{name}: expected column(s) {', '.join(missing)} not found; found "
            f"column(s) {', '.join(unknown)} instead (renamed?); header: {list(header)}",
            rule="renamed_column",
            source_file=name,
        )
    if missing:
        raise error_type(
            f"{name} is missing column(s) {', '.join(missing)}; header: {list(header)}",
            rule="missing_column",
            source_file=name,
        )
    return [
        f"{name}: column {column!r} is not in the contract and was not loaded" for column in unknown
    ]


def first_invalid_utf8(path: Path) -> tuple[int, int, bytes] | None:
    """(byte offset, 1-based line, offending bytes) of the first non-UTF-8 sequence, or None.

    Reads the file in chunks through an incremental decoder, so memory stays flat for a file
    of any size; it runs only after DuckDB has already refused the file.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset, newlines = 0, 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_DECODE_CHUNK_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # error.start counts from the start of what the decoder held: any bytes carried
                # over from the previous chunk come first.
                carried = len(error.object) - len(chunk)
                bad_at = offset - carried + error.start
                line = newlines + chunk[: max(error.start - carried, 0)].count(b"\n") + 1
                return bad_at, line, error.object[error.start : error.end]
            offset += len(chunk)
            newlines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return offset - (len(error.object) - error.start), newlines + 1, error.object
    return None


def explain_unreadable_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    columns: Sequence[str] | None,
    source_file: str,
    error_type: type[SourceError] = SourceError,
) -> SourceError | None:
    """The error that says why DuckDB could not read `path`, or None if the file reads fine.

    Encoding first (a Latin-1 file also breaks the line parser), then the first line DuckDB's
    reject scan reports. `columns` is the header when known; it is read from the first line
    otherwise.
    """
    invalid = first_invalid_utf8(path)
    if invalid is not None:
        offset, line, raw = invalid
        return error_type(
            f"{source_file} line {line}: byte(s) {raw.hex(' ')} at byte offset {offset} are "
            f"not UTF-8 (a Latin-1 or Windows-1252 export?); re-export the file as UTF-8",
            rule="invalid_encoding",
            source_file=source_file,
        )
    if columns is None:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline().rstrip("\r\n")
        columns = [c.strip('"') for c in first_line.split(",")]
    rejects = f"_csv_rejects_{uuid.uuid4().hex}"
    column_types = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in columns)
    try:
        con.execute(
            f"select count(*) from read_csv({quote_literal(Path(path).as_posix())}, "
            f"{CSV_OPTIONS}, auto_detect = false, columns = {{{column_types}}}, "
            f"store_rejects = true, rejects_table = '{rejects}', "
            f"rejects_scan = '{rejects}_scan')"
        ).fetchall()
        first = con.execute(
            f"select line, error_type, error_message, csv_line from {rejects} "
            f"order by line, byte_position limit 1"
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.execute(f"drop table if exists {rejects}")
        con.execute(f"drop table if exists {rejects}_scan")
    if first is None:
        return None
    line, reject_type, message, csv_line = first
    row = int(line) - 1
    return error_type(
        f"{source_file} row {row} (line {line}): {message} — {csv_line.rstrip()!r}",
        rule=_REJECT_RULES.get(str(reject_type), "malformed_row"),
        source_file=source_file,
        source_row=row,
    )


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


def explain_failed_load(
    con: duckdb.DuckDBPyConnection,
    error: SourceError,
    files: Sequence[tuple[Path, str, Sequence[str]]],
    error_type: type[SourceError] = SourceError,
) -> SourceError:
    """The most precise error for a CSV-backed load that failed while reading its files.

    `files` are (path, lineage name, header) of every file behind the load. When the failure
    came from DuckDB reading them, each file is examined and the first explained problem
    replaces the generic message; otherwise the error is returned as it was.
    """
    if not isinstance(error.__cause__, duckdb.Error):
        return error
    for path, source_file, header in files:
        explained = explain_unreadable_csv(con, path, header, source_file, error_type)
        if explained is not None:
            explained.__cause__ = error.__cause__
            return explained
    return error
