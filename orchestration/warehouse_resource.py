"""The warehouse as one configured Dagster resource: its path, shown in the UI's Resources tab,
and connections opened with the limits every connection of the project has (warehouse/)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from warehouse.connection import connect


class WarehouseResource(dg.ConfigurableResource):
    """The district's DuckDB warehouse file (WAREHOUSE_PATH, resolved once when the definitions
    load). DuckDB allows one writer: a step opens a connection for its own work and closes it
    before the next step's process needs the file."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path)

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A connection with the memory and thread limits (warehouse/connection.py)."""
        return connect(self.file, read_only=read_only)
