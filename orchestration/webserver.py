"""The Dagster UI as a subprocess on a free localhost port, for tools that read it (screenshots).

`make ui` runs `dagster dev` for a person at a browser; a tool needs the webserver alone (no
daemon: it must not start schedules or sensors while it looks), on a port no one else holds,
stopped when the tool is done whatever happened. The webserver loads workspace.yaml and the
instance of `DAGSTER_HOME`, as `make ui` does, so it shows the runs `make run` left there.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_SECONDS = 180
"""Loading the code location (dbt manifest, GX suites' definitions) takes 20-40 s here."""
STOP_SECONDS = 20
LOCATION_QUERY = (
    "{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus "
    "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
)


class WebserverFailed(RuntimeError):
    """The webserver exited, or its code location did not load, before it answered."""


def free_port() -> int:
    """A localhost port free at the time of asking (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(base_url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def _location_loaded(base_url: str) -> bool:
    """True once every code location has loaded; raises if one failed to load."""
    try:
        workspace = _graphql(base_url, LOCATION_QUERY)["workspaceOrError"]
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False  # not listening yet
    entries = workspace.get("locationEntries") or []
    if not entries or any(entry["loadStatus"] != "LOADED" for entry in entries):
        return False
    errors = [
        f"{entry['name']}: {entry['locationOrLoadError'].get('message', '')}"
        for entry in entries
        if entry["locationOrLoadError"]["__typename"] == "PythonError"
    ]
    if errors:
        raise WebserverFailed("code location failed to load:\n" + "\n".join(errors))
    return True


@contextmanager
def running_webserver(workspace: Path = REPO_ROOT / "workspace.yaml") -> Iterator[str]:
    """Start dagster-webserver, yield its base URL once its code location has loaded, and
    stop it on the way out (also when the body raises)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("dagster-webserver")),
        "-w",
        str(workspace),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        # Its own process group: the code-location server it starts is stopped with it.
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_SECONDS
            while not _location_loaded(base_url):
                if process.poll() is not None:
                    raise WebserverFailed(f"dagster-webserver exited:\n{_tail(log)}")
                if time.monotonic() > deadline:
                    raise WebserverFailed(
                        f"dagster-webserver did not answer in {READY_TIMEOUT_SECONDS} s:\n"
                        f"{_tail(log)}"
                    )
                time.sleep(1)
            yield base_url
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the webserver's group, SIGKILL if it has not exited after STOP_SECONDS."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass  # already gone


def _tail(log, characters: int = 4000) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-characters:]
