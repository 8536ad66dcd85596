"""Reading HR tables through SQLAlchemy, in key order and in chunks.

Every value is cast to text *in the HR database* (`CAST(col AS VARCHAR)` in the database's own
dialect) so that what reaches the warehouse is what the database stores, not a pandas guess
(an integer column with NULLs would otherwise arrive as `1.0`); typing happens once, in the
typed loader, like every other source.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from ingestion.common.errors import SourceError
from ingestion.contracts import TableContract


class HrSourceError(SourceError):
    """The HR database cannot be reached, or a table or column the contract needs is absent."""

    source = "hr"


def masked_url(url: str) -> str:
    """The database URL with any password replaced by `***`, safe for logs and lineage."""
    return make_url(url).render_as_string(hide_password=True)


class HrTableReader:
    """Reads contract tables from one HR database."""

    def __init__(self, url: str, chunk_rows: int = 50_000) -> None:
        self.url = url
        self.display_url = masked_url(url)
        self.chunk_rows = chunk_rows
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        """Connect lazily, failing with the (masked) database URL in the message."""
        if self._engine is None:
            parsed = make_url(self.url)
            is_sqlite_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
                None,
                "",
                ":memory:",
            )
            if is_sqlite_file and not Path(parsed.database).is_file():
                # SQLite would silently create an empty database instead of failing.
                raise HrSourceError(
                    f"HR database file not found: {self.display_url}",
                    rule="missing_database",
                    source_file=self.display_url,
                )
            try:
                engine = sa.create_engine(self.url)
                with engine.connect() as connection:
                    connection.execute(sa.text("select 1"))
            except sa.exc.SQLAlchemyError as error:
                raise HrSourceError(
                    f"cannot reach the HR database {self.display_url}: "
                    f"{_without_password(str(error), self.url)}",
                    rule="unreachable_database",
                    source_file=self.display_url,
                ) from None
            self._engine = engine
        return self._engine

    def source_file(self, contract: TableContract) -> str:
        """The lineage name of a table: masked URL + `#<table>`."""
        return f"{self.display_url}#{contract.name}"

    def _query(self, contract: TableContract, modified_since: datetime | None) -> sa.Select:
        engine = self.engine()
        inspector = sa.inspect(engine)
        if not inspector.has_table(contract.name):
            raise HrSourceError(
                f"HR database {self.display_url} has no table {contract.name}",
                rule="missing_table",
                source_file=self.source_file(contract),
            )
        present = {c["name"]: c["type"] for c in inspector.get_columns(contract.name)}
        missing = [column for column in contract.columns if column not in present]
        if missing:
            raise HrSourceError(
                f"HR table {contract.name} in {self.display_url} lacks column(s) "
                f"{', '.join(missing)}",
                rule="missing_column",
                source_file=self.source_file(contract),
            )
        table = sa.table(contract.name, *(sa.column(c) for c in contract.columns))
        query = sa.select(
            *(sa.cast(table.c[c], sa.String).label(c) for c in contract.columns)
        ).order_by(*(table.c[k] for k in contract.key))
        if modified_since is not None:
            query = query.where(
                _modified_since_clause(engine, table, present["last_modified_at"], modified_since)
            )
        return query

    def read_chunks(
        self, contract: TableContract, modified_since: datetime | None = None
    ) -> Iterator[pd.DataFrame]:
        """The table as text DataFrames of at most `chunk_rows` rows, in key order.

        With `modified_since`, only rows whose last_modified_at is at or after it.
        """
        try:
            query = self._query(contract, modified_since)
            with self.engine().connect() as connection:
                yield from pd.read_sql(
                    query, connection, chunksize=self.chunk_rows, dtype_backend="pyarrow"
                )
        except sa.exc.SQLAlchemyError as error:
            raise HrSourceError(
                f"reading HR table {contract.name} from {self.display_url} failed: "
                f"{_without_password(str(error), self.url)}",
                rule="read_failed",
                source_file=self.source_file(contract),
            ) from None


def _without_password(text: str, url: str) -> str:
    """A driver's message with the URL's password blanked, should the driver echo it."""
    password = make_url(url).password
    return text.replace(password, "***") if password else text


def _modified_since_clause(
    engine: Engine, table: sa.TableClause, column_type: sa.types.TypeEngine, since: datetime
):
    """`last_modified_at >= since`, comparing instants rather than text where it matters.

    SQLite keeps timestamps as text in whatever ISO spelling was written (`T` or space, `Z` or
    an offset), so both sides go through SQLite's datetime(), which normalizes them to UTC.
    A timestamp column without a time zone (MySQL/MariaDB DATETIME, PostgreSQL `timestamp`)
    holds UTC wall-clock time, so it is compared with the UTC wall-clock value: drivers would
    otherwise drop the offset (pymysql) or shift by the session time zone (PostgreSQL). A text
    column elsewhere is cast to a timestamp with time zone first.
    """
    column = table.c["last_modified_at"]
    since_utc = since.astimezone(UTC)
    if engine.dialect.name == "sqlite":
        return sa.func.datetime(column) >= sa.func.datetime(since_utc.isoformat())
    if isinstance(column_type, sa.DateTime):
        if getattr(column_type, "timezone", False):
            return column >= since_utc
        return column >= since_utc.replace(tzinfo=None)
    return sa.cast(column, sa.DateTime(timezone=True)) >= since_utc
