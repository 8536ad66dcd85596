"""The SFTP client against a real SFTP server on 127.0.0.1: listing, readiness, atomic mirror."""

from __future__ import annotations

from datetime import date

import pytest
from sis_drop_folders import write_drop

from ingestion.sis import discover_drops
from ingestion.sis.drops import SisSourceError
from ingestion.sis.sftp import SftpSettings, SisSftpClient

DROP = date(2026, 3, 2)


def _client(server, **overrides) -> SisSftpClient:
    env = {**server.environment(use_password=overrides.pop("use_password", False)), **overrides}
    return SisSftpClient(SftpSettings.from_env(env))


def test_lists_drop_folders_and_file_sizes_with_key_login(sftp_server):
    outbound = sftp_server.root / "outbound"
    write_drop(outbound / "2026-03-01")
    write_drop(outbound / "2026-03-02")
    (outbound / "notes").mkdir()
    (outbound / "2026-03-03.txt").write_text("not a drop")
    client = _client(sftp_server)

    assert client.drop_dates() == [date(2026, 3, 1), DROP]
    listing = client.look([DROP])[DROP]
    # 3 snapshot tables + 7 year-scoped tables = 10 files
    assert len(listing) == 10
    # "students_id\n1\n" is 11 + 1 + 1 + 1 = 14 bytes
    assert listing["students.csv"] == 14
    assert client.look([date(2026, 1, 1)]) == {date(2026, 1, 1): {}}


def test_password_login_works_too(sftp_server):
    write_drop(sftp_server.root / "outbound" / "2026-03-02")
    assert _client(sftp_server, use_password=True).drop_dates() == [DROP]


def test_an_unknown_host_key_is_refused(sftp_server, tmp_path):
    import asyncssh

    other_key = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
    wrong = tmp_path / "wrong_known_hosts"
    wrong.write_text(f"[127.0.0.1]:{sftp_server.port} {other_key}")
    client = _client(sftp_server, SIS_SFTP_KNOWN_HOSTS=str(wrong))
    with pytest.raises(SisSourceError, match="Host key is not trusted"):
        client.drop_dates()


def test_wait_until_ready_refuses_incomplete_and_growing_drops(sftp_server):
    folder = write_drop(sftp_server.root / "outbound" / "2026-03-02", leave_out=("attendance",))
    slept = []
    client = SisSftpClient(SftpSettings.from_env(sftp_server.environment()), sleep=slept.append)
    with pytest.raises(SisSourceError, match="missing attendance"):
        client.wait_until_ready(DROP)

    write_drop(folder)

    def grow_attendance(seconds):
        slept.append(seconds)
        with (folder / "attendance__2025-26.csv").open("a") as handle:
            handle.write("3\n")

    growing = SisSftpClient(
        SftpSettings.from_env({**sftp_server.environment(), "SIS_DROP_STABLE_SECONDS": "45"}),
        sleep=grow_attendance,
    )
    with pytest.raises(SisSourceError, match="attendance__2025-26.csv changed within 45 s"):
        growing.wait_until_ready(DROP)
    assert slept == [45.0]

    assert len(client.wait_until_ready(DROP)) == 10


def test_mirror_is_atomic_idempotent_and_readable_by_the_loader(sftp_server, tmp_path):
    write_drop(sftp_server.root / "outbound" / "2026-03-01", year="2024-25")
    write_drop(sftp_server.root / "outbound" / "2026-03-02")
    write_drop(sftp_server.root / "outbound" / "2026-03-03", leave_out=("schools",))
    landing = tmp_path / "landing"
    client = _client(sftp_server)

    mirrored = client.mirror_missing_drops(landing)
    # 2026-03-03 lacks schools.csv, so only the two complete drops come over
    assert [path.name for path in mirrored] == ["2026-03-01", "2026-03-02"]
    assert sorted(p.name for p in landing.iterdir()) == ["2026-03-01", "2026-03-02"]
    assert (landing / "2026-03-02" / "students.csv").read_text() == "students_id\n1\n"
    assert [drop.drop_date for drop in discover_drops(landing)] == [date(2026, 3, 1), DROP]

    # running again changes nothing and downloads nothing new
    assert client.mirror_missing_drops(landing) == []
    assert client.mirror_drop(DROP, landing) == landing / "2026-03-02"


def test_a_file_rewritten_after_the_look_leaves_no_partial_drop(sftp_server, tmp_path):
    folder = write_drop(sftp_server.root / "outbound" / "2026-03-02")
    client = _client(sftp_server)
    listing = client.look([DROP])[DROP]
    (folder / "students.csv").write_text("students_id\n1\n2\n3\n")
    landing = tmp_path / "landing"

    with pytest.raises(SisSourceError, match="students.csv"):
        client.mirror_drop(DROP, landing, listing)
    # neither the drop nor the hidden staging folder is left behind
    assert list(landing.iterdir()) == []


def test_settings_need_a_login_and_a_known_hosts_file(sftp_server, tmp_path):
    env = sftp_server.environment()
    env.pop("SIS_SFTP_KEY_PATH")
    with pytest.raises(SisSourceError, match="SIS_SFTP_KEY_PATH or SIS_SFTP_PASSWORD"):
        SisSftpClient(SftpSettings.from_env(env))
    with pytest.raises(SisSourceError, match="known_hosts file not found"):
        _client(sftp_server, SIS_SFTP_KNOWN_HOSTS=str(tmp_path / "absent"))
    assert not SftpSettings.from_env({}).is_configured
