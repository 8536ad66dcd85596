"""What `make run` prints at the end: where the warehouse, the reports and the exports are."""

from __future__ import annotations

from pathlib import Path

from orchestration.settings import RunSettings
from warehouse.connection import connect

DBT_DOCS = Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "docs_site"


def _table_counts(warehouse: Path) -> dict[str, int]:
    """Tables per schema in the warehouse, read without holding a write lock."""
    if not warehouse.exists():
        return {}
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "select table_schema, count(*) from information_schema.tables "
            "group by table_schema order by table_schema"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def outputs(settings: RunSettings) -> list[tuple[str, Path]]:
    """(label, path) of everything a run produces, existing or not, after what it read: the
    demo district's generated sources, or a real district's SIS landing folder (an Ed-Fi
    district may have nothing under DISTRICT_SOURCES_DIR)."""
    out = settings.outputs_dir
    sources = (
        ("Sources (landing)", settings.sources.sources_dir)
        if settings.is_demo
        else (f"SIS ({settings.sources.sis_format})", settings.sources.sis_landing_dir)
    )
    return [
        sources,
        ("Warehouse (DuckDB)", settings.sources.warehouse_path),
        ("dbt docs site", DBT_DOCS / "index.html"),
        (
            "Data quality docs",
            out / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html",
        ),
        ("BI database", out / "bi" / "district_bi.duckdb"),
        ("BI Parquet files", out / "bi" / "parquet"),
        ("Open-data release", out / "open_data" / "releases" / "latest"),
        ("Open-data portal", out / "open_data" / "portal" / "index.html"),
    ]


def main() -> None:
    settings = RunSettings.from_env()
    print("\nDistrict data platform: outputs of the last run")
    for label, path in outputs(settings):
        state = "" if path.exists() else "  (not produced)"
        print(f"  {label:<22} {path}{state}")
    counts = _table_counts(settings.sources.warehouse_path)
    if counts:
        print(
            "  Warehouse tables by schema: "
            + ", ".join(f"{schema} {n}" for schema, n in counts.items())
        )
    print("  Dagster UI: make ui  (then open http://127.0.0.1:3000)")


if __name__ == "__main__":
    main()
