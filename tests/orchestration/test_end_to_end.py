"""The tiny district end to end through the real Dagster job, dbt and DuckDB."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb

from ingestion.contracts import ALL_TABLES


def test_full_refresh_succeeds_and_materializes_every_asset(tiny_pipeline_run):
    result = tiny_pipeline_run.result
    failures = [event.message for event in result.all_events if event.is_failure]
    assert result.success, "\n".join(failures[:5])
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    from orchestration.definitions import build_definitions

    expected = build_definitions().get_repository_def().asset_graph.materializable_asset_keys
    assert set(expected) - materialized == set()


def test_warehouse_holds_every_raw_table_with_rows_and_lineage(tiny_pipeline_run):
    con = duckdb.connect(str(tiny_pipeline_run.warehouse_path), read_only=True)
    try:
        for contract in ALL_TABLES:
            table = f"raw.{contract.raw_table}"
            rows, files, min_row = con.execute(
                f"select count(*), count(distinct _source_file), min(_source_row) from {table}"
            ).fetchone()
            assert rows > 0, f"{table} is empty"
            assert files >= 1 and min_row == 1, table
    finally:
        con.close()


def test_marts_are_filled(tiny_pipeline_run):
    con = duckdb.connect(str(tiny_pipeline_run.warehouse_path), read_only=True)
    try:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        assert marts, "no marts were built"
        empty = [
            m for m in marts if con.execute(f"select count(*) from marts.{m}").fetchone()[0] == 0
        ]
        assert empty == []
    finally:
        con.close()


# Sources pulled incrementally by default (HR by last_modified_at) re-pull the rows at the
# watermark and merge them by key: same content, but the lineage row number is the row's place in
# the newer pull.
INCREMENTAL_SOURCES = {"hr"}


def _raw_fingerprints(path) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every raw table, load time excluded."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        prints = {}
        for contract in ALL_TABLES:
            table = f"raw.{contract.raw_table}"
            excluded = (
                "_loaded_at, _source_row"
                if contract.source in INCREMENTAL_SOURCES
                else "_loaded_at"
            )
            prints[table] = con.execute(
                f"select count(*), sum(hash(columns(* exclude ({excluded})))) from {table}"
            ).fetchone()
        return prints
    finally:
        con.close()


def test_reloading_the_same_sources_is_idempotent(tiny_pipeline_run, tmp_path, monkeypatch):
    copy = tmp_path / "district.duckdb"
    shutil.copy(tiny_pipeline_run.warehouse_path, copy)
    before = _raw_fingerprints(copy)

    monkeypatch.setenv("DISTRICT_SOURCE_MODE", "real")
    monkeypatch.setenv("DISTRICT_SOURCES_DIR", str(tiny_pipeline_run.sources_dir))
    monkeypatch.setenv("WAREHOUSE_PATH", str(copy))
    from orchestration.definitions import build_definitions

    defs = build_definitions()
    raw_assets = [
        a
        for a in defs.assets
        if getattr(a, "group_names_by_key", None) and all(k.path[0] == "raw" for k in a.keys)
    ]
    with dg.instance_for_test() as instance:
        result = dg.materialize(raw_assets, instance=instance)
    assert result.success
    assert _raw_fingerprints(copy) == before


def test_dbt_tables_carry_their_row_count_and_typed_columns(tiny_pipeline_run):
    """Every table dbt builds (not views: they hold no rows) is materialized with its exact
    row count and its columns' DuckDB types, as the asset page's row count and Type column;
    a mart keyed by school year also with its rows per year (each partition shows the table's
    count, so the years' own are a separate entry)."""
    materializations = [
        event.event_specific_data.materialization
        for event in tiny_pipeline_run.result.get_asset_materialization_events()
    ]
    events = {m.asset_key: m.metadata for m in materializations}
    con = duckdb.connect(str(tiny_pipeline_run.warehouse_path), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in ('marts', 'restricted', 'intermediate', 'reference')"
        ).fetchall()
        assert len(tables) > 20
        for schema, table in tables:
            metadata = events[dg.AssetKey([schema, table])]
            (rows,) = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            assert metadata["dagster/row_count"].value == rows, (schema, table)
            declared = {c.name: c.type for c in metadata["dagster/column_schema"].value.columns}
            actual = dict(
                con.execute(
                    "select column_name, data_type from duckdb_columns() "
                    "where schema_name = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            )
            assert declared == actual, (schema, table)
            if schema == "marts" and "school_year" in actual:
                per_year = dict(
                    con.execute(
                        f'select school_year, count(*) from "{schema}"."{table}" group by all'
                    ).fetchall()
                )
                assert metadata["rows_by_school_year"].value == per_year, (schema, table)
                assert sum(per_year.values()) == rows
        views = con.execute(
            "select schema_name, view_name from duckdb_views() where schema_name = 'staging'"
        ).fetchall()
        for schema, view in views[:5]:
            assert "dagster/row_count" not in events[dg.AssetKey([schema, view])]
    finally:
        con.close()
