"""The Ed-Fi ODS/API transport (`SIS_FORMAT=edfi_api`) against a loopback test server.

The server (`edfi_ods_api_server.py`) serves the Grand Bend fixture's records as the Resources
API does, so the main check needs no hand-worked figures of its own: the API transport must
give exactly the raw tables and quarantine rows the XML transport gives from the same records
(whose figures test_ingest_edfi_grand_bend.py checks by hand). The other tests drive the
protocol: paging with Total-Count, token refresh, retries, and the errors that name a resource.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from edfi_ods_api_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    OdsApiState,
    ods_api_server,
    resources_from_fixture,
)

from ingestion.common.warehouse import connect_warehouse
from ingestion.contracts import BY_RAW_NAME, SIS_TABLES
from ingestion.sis import SisSourceError, load_sis
from ingestion.sis.edfi.api_client import EdfiApiClient
from ingestion.sis.edfi.api_records import RESOURCES
from ingestion.sis.edfi.loader import load_sis_edfi_api

GRAND_BEND = Path(__file__).resolve().parents[1] / "fixtures" / "edfi_grand_bend"
STUDENTS = BY_RAW_NAME["sis__students"]


@pytest.fixture(scope="module")
def grand_bend_resources() -> dict[str, list[dict]]:
    return resources_from_fixture(GRAND_BEND)


@pytest.fixture
def state(grand_bend_resources) -> OdsApiState:
    return OdsApiState(grand_bend_resources, known=set(RESOURCES))


@pytest.fixture
def api(state):
    with ods_api_server(state) as url:
        yield url


def _client(url: str, sleeps: list | None = None, **kwargs) -> EdfiApiClient:
    options = {"page_size": 100, "max_retries": 2, "backoff_seconds": 0.5, **kwargs}
    recorded = sleeps if sleeps is not None else []
    return EdfiApiClient(url, CLIENT_ID, CLIENT_SECRET, sleep=recorded.append, **options)


def _api_settings(settings, api: str, **extra):
    return dataclasses.replace(
        settings,
        sis_format="edfi_api",
        edfi_api_url=api,
        edfi_client_id=CLIENT_ID,
        edfi_client_secret=CLIENT_SECRET,
        **extra,
    )


def _contract_rows(con, contract) -> list[tuple]:
    columns = ", ".join(contract.columns)
    return sorted(
        con.execute(f"select {columns} from raw.{contract.raw_table}").fetchall(),
        key=lambda row: tuple("" if v is None else str(v) for v in row),
    )


def _quarantine(con) -> list[tuple]:
    return sorted(
        con.execute(
            "select table_name, rule, column_name, coalesce(offending_value, '') "
            "from raw._quarantine"
        ).fetchall()
    )


def test_api_and_xml_give_the_same_warehouse(api, settings, tmp_path, state):
    xml_con = connect_warehouse(tmp_path / "xml.duckdb")
    api_con = connect_warehouse(tmp_path / "api.duckdb")
    try:
        xml = load_sis(
            xml_con,
            dataclasses.replace(settings, sis_landing_dir=GRAND_BEND, sis_format="edfi_xml"),
        )
        pulled = load_sis(api_con, _api_settings(settings, api, edfi_page_size=200))
        for contract in SIS_TABLES:
            assert _contract_rows(api_con, contract) == _contract_rows(xml_con, contract), (
                contract.name
            )
            ours, theirs = pulled[contract.raw_table], xml[contract.raw_table]
            assert (ours.rows_read, ours.rows_loaded, ours.rows_quarantined) == (
                theirs.rows_read,
                theirs.rows_loaded,
                theirs.rows_quarantined,
            )
        assert _quarantine(api_con) == _quarantine(xml_con)
        # Lineage: the resource URL and the record's position in it.
        assert api_con.execute(
            "select _source_file, min(_source_row), max(_source_row) from raw.sis__attendance "
            "group by 1"
        ).fetchall() == [(f"{api}/data/v3/ed-fi/studentSchoolAttendanceEvents", 1, 1917)]
    finally:
        xml_con.close()
        api_con.close()
    # 1,917 attendance events in pages of 200: offsets 0, 200, … 1800.
    offsets = [
        path
        for method, path in state.requests
        if path.startswith("/api/data/v3/ed-fi/studentSchoolAttendanceEvents")
    ]
    assert len(offsets) == 10
    assert offsets[-1].startswith(
        "/api/data/v3/ed-fi/studentSchoolAttendanceEvents?offset=1800&limit=200"
    )
    assert state.tokens_issued == 1


def test_a_revoked_token_is_replaced_once(api, state):
    client = _client(api)
    first = list(client.records("schools"))
    state.revoke_tokens()
    again = list(client.records("schools"))
    assert first == again and len(first) == 3
    assert state.tokens_issued == 2


def test_an_expiring_token_is_renewed_before_it_is_used(api, state):
    now = [0.0]
    state.expires_in = 60  # renewed 30 s early: at 30 s
    client = _client(api, clock=lambda: now[0])
    list(client.records("schools"))
    now[0] = 29.0
    list(client.records("schools"))
    assert state.tokens_issued == 1
    now[0] = 31.0
    list(client.records("schools"))
    assert state.tokens_issued == 2


def test_429_and_5xx_are_retried_with_backoff_and_retry_after(api, state):
    state.fail_next["students"] = [
        (429, {"Retry-After": "7"}, b"{}"),
        (503, {}, b"{}"),
        (200, {}, b"not json"),
    ]
    sleeps: list[float] = []
    records = list(_client(api, sleeps, max_retries=3).records("students"))
    assert len(records) == 960
    assert sleeps == [7.0, 1.0, 2.0]  # Retry-After, then 0.5 x 2^1, 0.5 x 2^2


def test_retries_run_out_with_the_url_and_last_failure(api, state):
    state.fail_next["students"] = [(502, {}, b"{}")] * 3
    with pytest.raises(SisSourceError) as error:
        list(_client(api).records("students"))
    assert error.value.rule == "retries_exhausted"
    assert "/data/v3/ed-fi/students?offset=0" in str(error.value)
    assert "HTTP 502" in str(error.value)


@pytest.mark.parametrize(
    ("status", "rule"), [(403, "forbidden"), (404, "not_found"), (400, "http_error")]
)
def test_refusals_name_the_resource(api, state, status, rule):
    state.fail_next["studentSchoolAttendanceEvents"] = [(status, {}, b"{}")]
    with pytest.raises(SisSourceError) as error:
        list(_client(api).records("studentSchoolAttendanceEvents"))
    assert error.value.rule == rule
    assert str(error.value).startswith(f"sis [{rule}] studentSchoolAttendanceEvents:")
    assert f"HTTP {status}" in str(error.value)


def test_a_resource_the_api_does_not_have_is_not_found(api, state):
    state.known.discard("studentTitleIPartAProgramAssociations")
    with pytest.raises(SisSourceError) as error:
        list(_client(api).records("studentTitleIPartAProgramAssociations"))
    assert error.value.rule == "not_found"


def test_401_with_a_new_token_is_unauthorized(api, state):
    state.fail_next["schools"] = [(401, {}, b"{}"), (401, {}, b"{}")]
    with pytest.raises(SisSourceError) as error:
        list(_client(api).records("schools"))
    assert error.value.rule == "unauthorized"
    assert "schools" in str(error.value)


def test_wrong_credentials_are_refused_at_the_token(api):
    client = EdfiApiClient(api, CLIENT_ID, "wrong", sleep=lambda s: None)
    with pytest.raises(SisSourceError) as error:
        list(client.records("schools"))
    assert error.value.rule == "unauthorized"
    assert "/oauth/token" in str(error.value) and "EDFI_CLIENT_SECRET" in str(error.value)


def test_a_body_that_is_not_a_list_is_malformed(api, state):
    state.fail_next["schools"] = [(200, {}, b'{"data": []}')]
    with pytest.raises(SisSourceError) as error:
        list(_client(api).records("schools"))
    assert error.value.rule == "malformed_page"


def test_paging_without_total_count_stops_at_a_short_page(api, state):
    """An API that sends no Total-Count: pages of 100 students until the short tenth page."""
    state.send_total_count = False
    assert len(list(_client(api).records("students"))) == 960
    pages = [p for _, p in state.requests if p.startswith("/api/data/v3/ed-fi/students?")]
    assert len(pages) == 10


def test_a_failed_pull_leaves_the_warehouse_as_it_was(api, state, settings, tmp_path):
    con = connect_warehouse(tmp_path / "w.duckdb")
    try:
        api_settings = _api_settings(settings, api, edfi_max_retries=0)
        load_sis(con, api_settings, [STUDENTS])
        before = con.execute("select count(*), max(_loaded_at) from raw.sis__students").fetchone()
        state.fail_next["disciplineActions"] = [(500, {}, b"{}")]
        with pytest.raises(SisSourceError):
            load_sis_edfi_api(con, api_settings, [STUDENTS])
        after = con.execute("select count(*), max(_loaded_at) from raw.sis__students").fetchone()
        assert before == after == (960, before[1])
    finally:
        con.close()


def test_edfi_api_needs_its_url(settings):
    with pytest.raises(SisSourceError) as error:
        load_sis(duckdb.connect(), dataclasses.replace(settings, sis_format="edfi_api"))
    assert error.value.rule == "missing_setting"


def _warnings(results) -> set[str]:
    return {w for r in results.values() for w in r.warnings if w.startswith("Ed-Fi API")}


def test_change_queries_pull_only_changes_and_deletes(api, state, settings, tmp_path):
    """A nightly pull asks for changes since the last version; a deleted enrolment disappears.

    After the whole first pull (version 1): enrolment 1 (student 604821) is deleted (version
    2), attendance event 1 (604822, 2021-08-31, excused) becomes unexcused (3) and an event is
    added for 604821's classmate 604823 (4). Expected by hand: 960 - 1 = 959 enrolments without
    604821; 1,917 + 1 = 1,918 attendance events read, the changed one unexcused.
    """
    state.change_queries = True
    incremental = _api_settings(settings, api, edfi_page_size=500)
    con = connect_warehouse(tmp_path / "w.duckdb")
    try:
        assert _warnings(load_sis(con, incremental)) == {"Ed-Fi API: whole pull"}
        state.delete("studentSchoolAssociations", 0)
        state.change(
            "studentSchoolAttendanceEvents",
            0,
            attendanceEventCategoryDescriptor=(
                "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence"
            ),
        )
        state.add(
            "studentSchoolAttendanceEvents",
            {
                "studentReference": {"studentUniqueId": "604823"},
                "schoolReference": {"schoolId": 255901001},
                "eventDate": "2022-03-01",
                "attendanceEventCategoryDescriptor": (
                    "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence"
                ),
                "eventDuration": 1.0,
            },
        )
        state.requests.clear()
        results = load_sis(con, incremental)
        assert _warnings(results) == {"Ed-Fi API: changes pull"}
        assert (
            "GET",
            "/api/data/v3/ed-fi/studentSchoolAssociations/deletes?offset=0&limit=500"
            "&totalCount=true&minChangeVersion=2&maxChangeVersion=4",
        ) in state.requests
        assert con.execute(
            "select count(*), count(*) filter (where student_id = '604821') "
            "from raw.sis__enrollments"
        ).fetchone() == (959, 0)
        assert results["sis__attendance"].rows_read == 1918
        assert con.execute(
            "select attendance_code from raw.sis__attendance "
            "where student_id = '604822' and attendance_date = '2021-08-31'"
        ).fetchall() == [("UNX",)]
        # Nothing changed since: no resource is requested, the tables stay as they are.
        state.requests.clear()
        assert _warnings(load_sis(con, incremental)) == {"Ed-Fi API: changes pull"}
        assert [p for _, p in state.requests if "/data/v3/" in p] == []
        assert con.execute("select count(*) from raw.sis__enrollments").fetchone() == (959,)
        # A whole reload (the full refresh) asks for everything again.
        whole = load_sis(con, dataclasses.replace(incremental, is_incremental=False))
        assert _warnings(whole) == {"Ed-Fi API: whole pull"}
        assert whole["sis__enrollments"].rows_read == 959
    finally:
        con.close()
