"""Headless Chromium for the portal's browser tests: install it when missing and run it with
the flags that keep it off the network.

`python -m exports.open_data.browser` installs Debian's chromium (the test setup step the
Makefile calls); tests call ensure_chromium(), which fails with a clear message rather than
letting the browser tests skip. `launch_playwright()` starts the same binary under Playwright
(the accessibility tests and the screenshots), which then needs no browser download of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
INSTALL_COMMAND = "apt-get update && apt-get install -y chromium"
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


# Playwright starts the browser headless itself; the other flags are the same.
PLAYWRIGHT_FLAGS = tuple(flag for flag in OFFLINE_FLAGS if flag != "--headless")


class ChromiumUnavailable(RuntimeError):
    """Chromium is not installed and could not be installed."""


def ensure_chromium() -> Path:
    """Return the chromium binary, installing Debian's package first if it is missing."""
    if CHROMIUM_PATH.exists():
        return CHROMIUM_PATH
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ChromiumUnavailable(
            f"{CHROMIUM_PATH} is missing and cannot be installed here; run as root: "
            f"{INSTALL_COMMAND}"
        )
    completed = subprocess.run(
        ["bash", "-c", INSTALL_COMMAND],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=False,
    )
    if completed.returncode != 0 or not CHROMIUM_PATH.exists():
        raise ChromiumUnavailable(
            f"installing chromium failed ({INSTALL_COMMAND}):\n{completed.stderr[-2000:]}"
        )
    return CHROMIUM_PATH


def run_chromium(
    url: str, user_data_dir: Path, *extra: str, timeout_seconds: float = 90
) -> subprocess.CompletedProcess:
    """Run headless chromium against `url` with the offline flags plus `extra`."""
    command = [
        str(ensure_chromium()),
        *OFFLINE_FLAGS,
        f"--user-data-dir={user_data_dir}",
        *extra,
        url,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout_seconds, check=False
    )


def launch_playwright(playwright):
    """Debian's chromium as a Playwright browser (`playwright` is sync_playwright()'s object).

    Playwright is a development dependency, so this module does not import it.
    """
    return playwright.chromium.launch(
        executable_path=str(ensure_chromium()), args=list(PLAYWRIGHT_FLAGS)
    )


if __name__ == "__main__":
    try:
        print(ensure_chromium())
    except ChromiumUnavailable as error:
        print(error, file=sys.stderr)
        sys.exit(1)
