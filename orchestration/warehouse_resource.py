"""The warehouse as one configured Dagster resource: its path, resolved once when the
definitions load and shown in the UI's Resources tab, for the steps that read the warehouse
themselves (connections come from warehouse/connection.py, with the project's limits)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class WarehouseResource(dg.ConfigurableResource):
    """The district's DuckDB warehouse file (WAREHOUSE_PATH). DuckDB allows one writer: a step
    opens a connection for its own work and closes it before the next step's process needs the
    file."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path)
