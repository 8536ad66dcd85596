"""Pure pieces of the BI publisher: DuckDB→PostgreSQL types and dbt manifest descriptions."""

from __future__ import annotations

import pytest
from bi_fixture_warehouse import FIXTURE_MANIFEST

from exports.bi.layout import lookup_columns_for, restricted_duckdb_path
from exports.bi.manifest import load_relation_docs, relation_docs_from_manifest
from exports.bi.type_mapping import postgres_column_for


@pytest.mark.parametrize(
    ("duckdb_type", "postgres_type", "transport"),
    [
        ("BIGINT", "bigint", '"c"'),
        ("UINTEGER", "bigint", '"c"'),
        ("HUGEINT", "numeric(38,0)", '"c"'),
        ("DECIMAL(9,6)", "numeric(9,6)", '"c"'),
        ("VARCHAR", "text", '"c"'),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz", '"c"'),
        ("TIMESTAMP_NS", "timestamp", 'cast("c" as timestamp)'),
        ("INTERVAL", "interval", 'cast("c" as varchar)'),
        ("UUID", "uuid", 'cast("c" as varchar)'),
        ("BLOB", "bytea", "'\\x' || hex(\"c\")"),
        ("VARCHAR[]", "jsonb", 'cast(to_json("c") as varchar)'),
        ("INTEGER[3]", "jsonb", 'cast(to_json("c") as varchar)'),
        ("STRUCT(a INTEGER, b VARCHAR)", "jsonb", 'cast(to_json("c") as varchar)'),
        ("MAP(VARCHAR, INTEGER)", "jsonb", 'cast(to_json("c") as varchar)'),
        ("ENUM('a', 'b')", "text", 'cast("c" as varchar)'),
    ],
)
def test_duckdb_types_map_to_postgres_types_and_transport_expressions(
    duckdb_type: str, postgres_type: str, transport: str
) -> None:
    column = postgres_column_for("c", duckdb_type)
    assert column.postgres_type == postgres_type
    assert column.transport_expression == transport


def test_identifiers_with_quotes_are_escaped_for_duckdb() -> None:
    assert postgres_column_for('odd"name', "BIGINT").transport_expression == '"odd""name"'


def test_manifest_descriptions_are_keyed_by_schema_and_alias_and_skip_blanks_and_tests() -> None:
    docs = relation_docs_from_manifest(FIXTURE_MANIFEST)
    # Three relations: the model, the aliased model and the seed; the dbt test is not one.
    assert set(docs) == {
        ("marts", "school_scorecard"),
        ("restricted", "dim_students"),
        ("reference", "attendance_bands"),
    }
    scorecard = docs[("marts", "school_scorecard")]
    assert scorecard.description == "One row per school, year, measure and student group."
    # `n` has a blank description and is left out.
    assert set(scorecard.column_descriptions) == {"school_code", "value", "retired_column"}
    assert docs[("restricted", "dim_students")].column_descriptions == {
        "birth_date": "Date of birth."
    }


def test_no_manifest_means_no_descriptions() -> None:
    assert load_relation_docs(None) == {}


def test_lookup_columns_only_when_the_table_has_them() -> None:
    assert lookup_columns_for("marts", "school_scorecard", ["school_code", "school_year", "n"]) == (
        "school_code",
        "school_year",
    )
    assert lookup_columns_for("marts", "school_scorecard", ["school_code"]) == ()
    assert lookup_columns_for("marts", "dim_schools", ["school_code", "school_year"]) == ()


def test_restricted_duckdb_file_sits_beside_the_analyst_file(tmp_path) -> None:
    assert restricted_duckdb_path(tmp_path / "district_bi.duckdb") == (
        tmp_path / "district_bi_restricted.duckdb"
    )
