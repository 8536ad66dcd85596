"""Streaming Ed-Fi XML interchange files into DuckDB staging tables, one per record type.

A large district's attendance interchange is gigabytes, so a file is never parsed whole:
`iterparse` yields each top-level element (a `Student`, a `StudentSchoolAttendanceEvent`) when
it ends, the element becomes one record (`records.py`), and the parsed tree is cleared before
the next one. Records are appended to `_edfi_<record type>` temp tables in batches through
Arrow, so memory stays at one batch whatever the file's size.

Lineage: each record keeps `_source_file` (the file's lineage name) and `_source_row`, the
1-based position of its element among the file's top-level elements. Files are recognised by
their root element (`Interchange…`), not their name; an XML file whose root is not an
interchange, or that is not well-formed, is an error naming the file (and line).

The SIS reads its elements (`records.py`); the HR reader of a district without an HR database
(`ingestion/hr/edfi/`) passes its own extractors and the interchanges it needs, so it skips the
attendance file after its root element instead of parsing it a second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

import duckdb
import pyarrow as pa

from ingestion.common.errors import SourceError
from ingestion.sis.drops import SisSourceError
from ingestion.sis.edfi.records import EXTRACTORS, RECORD_COLUMNS

Extractors = Mapping[str, tuple[str, Callable]]

BATCH_ROWS = 20_000
LINEAGE = ("_source_file", "_source_row", "_edfi_id")
"""Staging columns after the record's own: where it came from, and its Ed-Fi resource id (the
ODS/API's `id`; the interchange element's `id` attribute, if any)."""


def staging_table(record_type: str) -> str:
    return f"_edfi_{record_type}"


@dataclass
class InterchangeReadout:
    """What was staged: files (or resource URLs), records per type, elements not read."""

    files: list[str] = field(default_factory=list)
    records: Counter = field(default_factory=Counter)
    files_by_record_type: dict[str, set[str]] = field(default_factory=dict)
    not_read: Counter = field(default_factory=Counter)

    def files_with(self, record_types) -> list[str]:
        """The files (or resource URLs) that held any record of `record_types`, sorted."""
        found: set[str] = set()
        for record_type in record_types:
            found |= self.files_by_record_type.get(record_type, set())
        return sorted(found)


class StagingSink:
    """Batches records per type and appends them to their staging tables."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        record_columns: Mapping[str, tuple[str, ...]] = RECORD_COLUMNS,
    ) -> None:
        self.con = con
        self.record_columns = record_columns
        self.batches: dict[str, list[dict]] = {}
        for record_type, columns in record_columns.items():
            ddl = ", ".join(f'"{c}" varchar' for c in columns)
            con.execute(
                f"create or replace temp table {staging_table(record_type)} "
                f"({ddl}, _source_file varchar, _source_row bigint, _edfi_id varchar)"
            )

    def add_record(
        self,
        readout: InterchangeReadout,
        record_type: str,
        record: dict,
        lineage: str,
        row: int,
        edfi_id: str | None = None,
    ) -> None:
        """Stage one record with its lineage and count it in the readout."""
        record["_source_file"] = lineage
        record["_source_row"] = row
        record["_edfi_id"] = edfi_id
        self.add(record_type, record)
        readout.records[record_type] += 1
        readout.files_by_record_type.setdefault(record_type, set()).add(lineage)

    def add(self, record_type: str, record: dict) -> None:
        batch = self.batches.setdefault(record_type, [])
        batch.append(record)
        if len(batch) >= BATCH_ROWS:
            self.flush(record_type)

    def flush(self, record_type: str | None = None) -> None:
        for name in [record_type] if record_type else list(self.batches):
            batch = self.batches.get(name) or []
            if not batch:
                continue
            columns = [*self.record_columns[name], *LINEAGE]
            arrow = pa.Table.from_pylist(
                batch,
                schema=pa.schema(
                    [(c, pa.int64() if c == "_source_row" else pa.string()) for c in columns]
                ),
            )
            self.con.register("_edfi_batch", arrow)
            try:
                self.con.execute(f"insert into {staging_table(name)} select * from _edfi_batch")
            finally:
                self.con.unregister("_edfi_batch")
            self.batches[name] = []


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def interchange_files(folder: Path, error_type: type[SourceError] = SisSourceError) -> list[Path]:
    """The `.xml` files of the landing folder (not its subfolders), in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise error_type(f"Ed-Fi landing folder does not exist: {folder}", rule="missing_folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    if not files:
        raise error_type(f"no Ed-Fi interchange (.xml) file in {folder}", rule="missing_file")
    return files


def read_interchanges(
    con: duckdb.DuckDBPyConnection,
    files: list[Path],
    lineage_of: Callable[[Path], str],
    extractors: Extractors = EXTRACTORS,
    record_columns: Mapping[str, tuple[str, ...]] = RECORD_COLUMNS,
    interchanges: frozenset[str] | None = None,
    error_type: type[SourceError] = SisSourceError,
) -> InterchangeReadout:
    """Stream every file into the staging tables (replacing them); see the module docstring.

    `extractors` and `record_columns` are the SIS's unless given; with `interchanges` (root
    element names), a file with another root is left after its first tag, unread and unlisted.
    Errors (a file not well-formed, or not an interchange) are raised as `error_type`.
    """
    sink = StagingSink(con, record_columns)
    readout = InterchangeReadout()
    for path in files:
        lineage = lineage_of(path)
        if _read_file(path, lineage, sink, readout, extractors, interchanges, error_type):
            readout.files.append(lineage)
    sink.flush()
    return readout


def _read_file(
    path: Path,
    lineage: str,
    sink: StagingSink,
    readout: InterchangeReadout,
    extractors: Extractors,
    interchanges: frozenset[str] | None,
    error_type: type[SourceError],
) -> bool:
    """Stage the file's elements; False when its interchange is not one of `interchanges`."""
    depth = 0
    position = 0
    root = None
    with path.open("rb") as handle:
        try:
            for event, element in iterparse(handle, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if root is None:
                        root = element
                        if not _local(element.tag).startswith("Interchange"):
                            raise error_type(
                                f"{lineage}: root element <{_local(element.tag)}> is not an "
                                "Ed-Fi interchange",
                                rule="not_an_interchange",
                                source_file=lineage,
                            )
                        if interchanges is not None and _local(element.tag) not in interchanges:
                            return False
                    continue
                depth -= 1
                if depth != 1:
                    continue
                position += 1
                name = _local(element.tag)
                extractor = extractors.get(name)
                if extractor is None:
                    readout.not_read[name] += 1
                else:
                    record_type, extract = extractor
                    sink.add_record(
                        readout, record_type, extract(element), lineage, position, element.get("id")
                    )
                root.clear()
        except ParseError as error:
            line = error.position[0] if error.position else None
            raise error_type(
                f"{lineage}: not well-formed XML at line {line}: {error}",
                rule="malformed_xml",
                source_file=lineage,
                source_row=position + 1,
            ) from error
    return True
