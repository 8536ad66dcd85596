"""Fixtures of the operations tests: an SFTP server, local HTTP and SMTP servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from ops_sftp_server import RunningSftpServer, SftpServerThread


@pytest.fixture
def sftp_server(tmp_path: Path) -> RunningSftpServer:
    server = SftpServerThread(tmp_path / "sftp")
    (tmp_path / "sftp").mkdir(exist_ok=True)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def http_recorder():
    """(url, recorded requests) of a local HTTP server answering 200."""
    from ops_local_servers import start_http_recorder

    server, thread, requests = start_http_recorder()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/dagster", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def plain_smtp():
    """(port, recorder) of a local SMTP server without TLS."""
    from ops_local_servers import start_smtp_server

    controller, recorder = start_smtp_server()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()


@pytest.fixture
def starttls_smtp(tmp_path):
    """(port, recorder, CA file) of a local SMTP server requiring STARTTLS and a login."""
    from ops_local_servers import start_smtp_server, write_self_signed_certificate

    cert_path, key_path = write_self_signed_certificate(tmp_path)
    controller, recorder = start_smtp_server((cert_path, key_path))
    try:
        yield controller.port, recorder, cert_path
    finally:
        controller.stop()
