"""The typed loader: casting, quarantine, accounting, idempotence and merge."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ingestion.common.errors import LoadAccountingError, SourceError
from ingestion.common.typed_load import load_typed
from ingestion.common.value_rules import VALUE_RULES, render_condition
from ingestion.contracts import TableContract

ZONE = "America/Los_Angeles"
"""The district time zone the loads' value rules use (a required argument)."""

DEMO = TableContract(
    source="demo",
    name="things",
    columns={
        "thing_id": "VARCHAR",
        "born_date": "DATE",
        "count_value": "INTEGER",
        "share": "DOUBLE",
        "seen_at": "TIMESTAMPTZ",
        "note": "VARCHAR",
    },
    key=("thing_id",),
    required=("thing_id", "born_date"),
)

# Six staged rows: 1, 2 and 6 are good; 3 has a bad date, 4 lacks a required id (and has a bad
# integer, which must not be the reported rule), 5 has a non-integral integer.
STAGED_ROWS = """
    ('T1', '2020-01-31', '7',   '0.5', '2025-01-01T10:00:00Z',      'a', 'f.csv', 1),
    ('T2', '2020-02-29', '',    '',    '2025-01-01 10:00:00',       '',  'f.csv', 2),
    ('T3', '2020-02-30', '1',   '1',   '',                          'c', 'f.csv', 3),
    ('',   '2020-03-01', 'x',   '1',   '',                          'd', 'f.csv', 4),
    ('T5', '2020-03-02', '1.5', '1',   '',                          'e', 'f.csv', 5),
    ('T6', '2020-03-03', '3.0', '1e0', '2025-01-01T10:00:00-07:00', 'f', 'g.csv', 1)
"""


def stage(con, rows: str = STAGED_ROWS, name: str = "staged_demo") -> str:
    con.execute(
        f"create or replace table {name} as select * from (values {rows}) as v("
        "thing_id, born_date, count_value, share, seen_at, note, _source_file, _source_row)"
    )
    return name


def test_good_rows_are_typed_and_bad_rows_quarantined(con):
    result = load_typed(con, stage(con), DEMO, ["f.csv", "g.csv"], timezone=ZONE)

    # 6 rows read = 3 loaded (T1, T2, T6) + 3 quarantined (rows 3, 4, 5 of f.csv)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 3, 3)
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'demo__things' order by ordinal_position"
        ).fetchall()
    )
    assert list(types) == [*DEMO.columns, "_source_file", "_source_row", "_loaded_at"]
    assert types["born_date"] == "DATE"
    assert types["count_value"] == "INTEGER"
    assert types["share"] == "DOUBLE"
    assert types["seen_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["_source_row"] == "BIGINT"

    rows = con.execute(
        "select thing_id, born_date, count_value, share, seen_at, note, _source_file, "
        "_source_row, _loaded_at from raw.demo__things order by thing_id"
    ).fetchall()
    ten_utc = datetime(2025, 1, 1, 10, tzinfo=UTC)
    # '3.0' is a whole number, so it is accepted as 3; '1e0' is the double 1.0;
    # 10:00-07:00 is 17:00 UTC; '2025-01-01 10:00:00' has no offset and is read as UTC.
    assert [r[:8] for r in rows] == [
        ("T1", date(2020, 1, 31), 7, 0.5, ten_utc, "a", "f.csv", 1),
        ("T2", date(2020, 2, 29), None, None, ten_utc, None, "f.csv", 2),
        ("T6", date(2020, 3, 3), 3, 1.0, datetime(2025, 1, 1, 17, tzinfo=UTC), "f", "g.csv", 1),
    ]
    assert {r[8] for r in rows} == {result.loaded_at}

    quarantined = con.execute(
        "select source, table_name, source_file, source_row, rule, column_name, "
        "offending_value, load_id from raw._quarantine order by source_row"
    ).fetchall()
    assert quarantined == [
        ("demo", "things", "f.csv", 3, "invalid_date", "born_date", "2020-02-30", result.load_id),
        ("demo", "things", "f.csv", 4, "required_missing", "thing_id", None, result.load_id),
        ("demo", "things", "f.csv", 5, "invalid_integer", "count_value", "1.5", result.load_id),
    ]
    record = json.loads(
        con.execute("select raw_record from raw._quarantine where source_row = 5").fetchone()[0]
    )
    assert record["thing_id"] == "T5"
    assert record["count_value"] == "1.5"
    assert record["note"] == "e"


def test_timestamps_without_offset_are_utc_whatever_the_session_zone(con):
    con.execute("set TimeZone = 'America/Los_Angeles'")
    load_typed(con, stage(con), DEMO, ["f.csv"], timezone=ZONE)
    con.execute("set TimeZone = 'UTC'")
    seen = con.execute("select seen_at from raw.demo__things where thing_id = 'T2'").fetchone()[0]
    assert seen == datetime(2025, 1, 1, 10, tzinfo=UTC)


def test_audit_row_matches_result(con):
    result = load_typed(con, stage(con), DEMO, ["f.csv", "g.csv"], timezone=ZONE)
    audit = con.execute(
        "select load_id, source, table_name, loaded_at, files, rows_read, rows_loaded, "
        "rows_quarantined from raw._load_audit"
    ).fetchall()
    assert audit == [
        (result.load_id, "demo", "things", result.loaded_at, ["f.csv", "g.csv"], 6, 3, 3)
    ]


def test_reload_gives_identical_tables_and_does_not_accumulate_quarantine(con):
    staged = stage(con)
    first = load_typed(con, staged, DEMO, ["f.csv"], timezone=ZONE)
    raw_first = con.execute(
        "select * exclude (_loaded_at) from raw.demo__things order by all"
    ).fetchall()
    second = load_typed(con, staged, DEMO, ["f.csv"], timezone=ZONE)
    raw_second = con.execute(
        "select * exclude (_loaded_at) from raw.demo__things order by all"
    ).fetchall()

    assert raw_first == raw_second
    assert first.load_id != second.load_id
    # quarantine holds only the second load's 3 rows, not 3 + 3
    assert con.execute(
        "select count(*), count(distinct load_id), any_value(load_id) from raw._quarantine"
    ).fetchone() == (3, 1, second.load_id)
    audit = con.execute(
        "select rows_read, rows_loaded + rows_quarantined from raw._load_audit"
    ).fetchall()
    assert audit == [(6, 6), (6, 6)]


def test_merge_replaces_rows_by_key_and_keeps_the_rest(con):
    load_typed(con, stage(con), DEMO, ["f.csv"], timezone=ZONE)
    update = stage(
        con,
        "('T1', '2021-01-01', '8', '', '', 'new', 'h.csv', 1), "
        "('T9', '2021-01-02', '9', '', '', 'added', 'h.csv', 2)",
        name="staged_update",
    )
    result = load_typed(con, update, DEMO, ["h.csv"], write_mode="merge", timezone=ZONE)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    rows = con.execute(
        "select thing_id, count_value, note from raw.demo__things order by thing_id"
    ).fetchall()
    # T1 replaced, T2 and T6 kept from the first load, T9 added: 3 - 1 + 2 = 4 rows
    assert rows == [("T1", 8, "new"), ("T2", None, None), ("T6", 3, "f"), ("T9", 9, "added")]
    # merge keeps the earlier load's quarantine rows
    assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == 3


def test_a_failed_load_leaves_the_previous_table_in_place(con, tmp_path):
    load_typed(con, stage(con), DEMO, ["f.csv"], timezone=ZONE)
    broken = tmp_path / "broken.csv"
    broken.write_text("thing_id,born_date\nT1,2020-01-01\n")
    con.execute(
        "create or replace view staged_broken as select thing_id, born_date, "
        "null as count_value, null as share, null as seen_at, null as note, "
        "'broken.csv' as _source_file, 1 as _source_row "
        f"from read_csv('{broken}', header = true, all_varchar = true, delim = ',')"
    )
    # The file goes bad after the view is defined, as a delivery being overwritten would.
    broken.write_text("thing_id,born_date\nT1,2020-01-01,surplus\n")
    with pytest.raises(SourceError, match="demo__things from broken.csv"):
        load_typed(con, "staged_broken", DEMO, ["broken.csv"], timezone=ZONE)

    assert con.execute("select count(*) from raw.demo__things").fetchone()[0] == 3
    assert con.execute("select count(*) from raw._load_audit").fetchone()[0] == 1


def test_a_relation_can_be_loaded_directly(con):
    relation = con.sql(
        "select 'T1' as thing_id, '2020-01-31' as born_date, '2' as count_value, "
        "null as share, null as seen_at, 'n' as note, 'r.csv' as _source_file, 1 as _source_row"
    )
    result = load_typed(con, relation, DEMO, ["r.csv"], timezone=ZONE)
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    assert con.execute("select count_value from raw.demo__things").fetchall() == [(2,)]
    # the temporary view made for the relation is gone again
    assert con.execute(
        "select count(*) from duckdb_views() where view_name like '_staged_relation_%'"
    ).fetchone() == (0,)


def test_rows_that_do_not_add_up_fail_the_load_and_write_nothing(con):
    # A staged view that returns fewer rows on every scan cannot balance: the count sees
    # sequence values 1-1000 (all 1000 rows pass), the insert sees 1001-2000 (500 pass).
    con.execute("create sequence draws")
    con.execute(
        "create or replace view staged_unstable as select 'T' || i as thing_id, "
        "'2020-01-01' as born_date, null as count_value, null as share, null as seen_at, "
        "null as note, 'u.csv' as _source_file, i as _source_row "
        "from range(1, 1001) as t(i) where nextval('draws') <= 1500"
    )
    with pytest.raises(
        LoadAccountingError,
        match="read 1000 rows but loaded 500, quarantined 0 and collapsed 0",
    ):
        load_typed(con, "staged_unstable", DEMO, ["u.csv"], timezone=ZONE)
    assert con.execute(
        "select count(*) from information_schema.tables where table_name = 'demo__things'"
    ).fetchone() == (0,)
    assert con.execute("select count(*) from raw._load_audit").fetchone() == (0,)


def test_the_value_rules_today_is_the_date_in_the_district_time_zone(con):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart, so at any moment their
    dates differ: the rule's "today" must be the zone's the load was given, not the machine's."""
    rule = next(r for r in VALUE_RULES if "{today}" in r.condition_sql)
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        condition = render_condition(con, rule, "value", lambda column: column, zone)
        today = datetime.now(ZoneInfo(zone)).date().isoformat()
        assert f"date '{today}'" in condition
