"""Fetching SIS drops from the district's SFTP server into the local landing folder.

The SIS exports its nightly drop to an SFTP server as `<remote dir>/<YYYY-MM-DD>/<table>.csv`
(year-scoped tables `<table>__<YYYY-YY>.csv`). The loader reads only the local landing folder,
so this module's one job is to copy a drop there once it is complete and no longer being
written, and to do so atomically: a drop is downloaded into a hidden temporary folder next to
its final place and renamed into `<SIS_LANDING_DIR>/<YYYY-MM-DD>/` only when every file arrived
whole. A loader running at the same moment sees the drop entirely or not at all.

Settings (environment variables; SFTP is off when SIS_SFTP_HOST is empty):

| variable                   | meaning                                                          |
|----------------------------|------------------------------------------------------------------|
| SIS_SFTP_HOST              | server name or address                                           |
| SIS_SFTP_PORT              | default `22`                                                     |
| SIS_SFTP_USER              | login                                                            |
| SIS_SFTP_KEY_PATH          | private key file (preferred); or                                 |
| SIS_SFTP_PASSWORD          | password                                                         |
| SIS_SFTP_REMOTE_DIR        | folder holding the drop folders, default `.` (the login folder)  |
| SIS_SFTP_KNOWN_HOSTS       | known_hosts file holding the server's host key, default          |
|                            | `~/.ssh/known_hosts`; the connection is refused when the server's|
|                            | key is not in it (there is no switch to turn the check off)      |
| SIS_SFTP_TIMEOUT_SECONDS   | connect and login timeout, default `30`                          |
| SIS_DROP_STABLE_SECONDS    | time between the two looks that must see the same sizes, `60`   |
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

import asyncssh

from ingestion.sis.drop_completeness import (
    changed_files,
    drop_date_of,
    list_local_drop,
    missing_tables,
)
from ingestion.sis.drops import SisSourceError


@dataclass(frozen=True)
class SftpSettings:
    """How to reach the SIS's SFTP server."""

    host: str
    port: int
    user: str
    key_path: Path | None
    password: str
    remote_dir: str
    known_hosts_path: Path
    timeout_seconds: float
    stable_seconds: float

    @property
    def is_configured(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SftpSettings:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            value = env.get(name, "")
            return value if value != "" else default

        key_path = get("SIS_SFTP_KEY_PATH")
        return cls(
            host=get("SIS_SFTP_HOST"),
            port=int(get("SIS_SFTP_PORT", "22")),
            user=get("SIS_SFTP_USER"),
            key_path=Path(key_path).expanduser() if key_path else None,
            password=get("SIS_SFTP_PASSWORD"),
            remote_dir=get("SIS_SFTP_REMOTE_DIR", "."),
            known_hosts_path=Path(get("SIS_SFTP_KNOWN_HOSTS", "~/.ssh/known_hosts")).expanduser(),
            timeout_seconds=float(get("SIS_SFTP_TIMEOUT_SECONDS", "30")),
            stable_seconds=float(get("SIS_DROP_STABLE_SECONDS", "60")),
        )

    def describe(self) -> str:
        """`sftp://user@host:port/remote_dir`, for messages (never the password)."""
        return f"sftp://{self.user}@{self.host}:{self.port}/{self.remote_dir.lstrip('/')}"


class SisSftpClient:
    """Lists, checks and mirrors the SIS drops on the SFTP server.

    Every public method opens its own connection and closes it before returning, so the client
    holds nothing between a sensor's ticks and can be built freely.
    """

    def __init__(self, settings: SftpSettings, sleep: Callable[[float], None] = time.sleep):
        if not settings.is_configured:
            raise SisSourceError("SFTP is not configured: SIS_SFTP_HOST is empty")
        if settings.key_path is None and not settings.password:
            raise SisSourceError("SFTP needs SIS_SFTP_KEY_PATH or SIS_SFTP_PASSWORD")
        if not settings.known_hosts_path.is_file():
            raise SisSourceError(
                f"SFTP known_hosts file not found: {settings.known_hosts_path} "
                "(set SIS_SFTP_KNOWN_HOSTS to a file holding the server's host key)"
            )
        self.settings = settings
        self._sleep = sleep

    # -- what is on the server ---------------------------------------------------------------

    def drop_dates(self) -> list[date]:
        """The dates of the drop folders on the server, oldest first."""
        return self._run(self._drop_dates)

    def look(self, drop_dates: Iterable[date]) -> dict[date, dict[str, int]]:
        """The `.csv` files and sizes of the given drop folders, read in one connection."""
        wanted = sorted(set(drop_dates))
        return self._run(lambda sftp: self._look(sftp, wanted))

    def wait_until_ready(self, drop_date: date) -> dict[str, int]:
        """Look twice, `stable_seconds` apart; return the listing when complete and unchanged.

        Raises SisSourceError naming the missing tables or the files that changed, so a caller
        that runs on a timer (cron, a retrying job) can simply try again later.
        """
        first = self.look([drop_date]).get(drop_date, {})
        missing = missing_tables(first)
        if missing:
            raise SisSourceError(
                f"SIS drop {drop_date} on {self.settings.describe()} is incomplete: "
                f"missing {', '.join(missing)}",
                rule="drop_incomplete",
            )
        self._sleep(self.settings.stable_seconds)
        second = self.look([drop_date]).get(drop_date, {})
        changed = changed_files(first, second)
        if changed:
            raise SisSourceError(
                f"SIS drop {drop_date} is still being written: {', '.join(changed)} changed "
                f"within {self.settings.stable_seconds:g} s",
                rule="drop_being_written",
            )
        return second

    # -- copying a drop ----------------------------------------------------------------------

    def mirror_drop(
        self, drop_date: date, landing_dir: Path, expected: Mapping[str, int] | None = None
    ) -> Path:
        """Copy one drop into `<landing_dir>/<YYYY-MM-DD>/`, atomically; return that folder.

        `expected` is the listing that was judged complete and stable; each downloaded file must
        have exactly that size (a file rewritten since is refused rather than half-loaded).
        Without it the drop is listed now and must be complete. A drop already mirrored with
        the same files and sizes is left alone, so retries are harmless.
        """
        landing_dir = Path(landing_dir)
        target = landing_dir / drop_date.isoformat()
        listing = dict(expected) if expected is not None else self.look([drop_date])[drop_date]
        missing = missing_tables(listing)
        if missing:
            raise SisSourceError(
                f"SIS drop {drop_date} is incomplete, not mirrored: missing {', '.join(missing)}",
                rule="drop_incomplete",
            )
        if target.exists():
            if target.is_dir() and not changed_files(listing, list_local_drop(target)):
                return target
            raise SisSourceError(
                f"{target} already exists and differs from the drop on the server; "
                "move it aside to mirror the drop again"
            )
        landing_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{drop_date.isoformat()}.partial-", dir=landing_dir)
        )
        try:
            self._run(lambda sftp: self._download(sftp, drop_date, listing, staging))
            received = list_local_drop(staging)
            differing = changed_files(listing, received)
            if differing:
                raise SisSourceError(
                    f"SIS drop {drop_date}: downloaded sizes differ from the listing for "
                    f"{', '.join(differing)} (rewritten during the download?)",
                    rule="drop_being_written",
                )
            os.rename(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target

    def mirror_missing_drops(self, landing_dir: Path, up_to: date | None = None) -> list[Path]:
        """Mirror every complete server drop (up to a date) that the landing folder lacks.

        Older drops are needed too: a year-scoped table's earlier school years come from the
        first (history) drop. Incomplete older drops are skipped, since the loader falls back
        to the newest drop that has each table.
        """
        local = {drop_date_of(entry.name) for entry in Path(landing_dir).glob("*")}
        wanted = [d for d in self.drop_dates() if d not in local and (up_to is None or d <= up_to)]
        listings = self.look(wanted)
        return [
            self.mirror_drop(d, landing_dir, listings[d])
            for d in wanted
            if not missing_tables(listings[d])
        ]

    # -- asyncssh plumbing -------------------------------------------------------------------

    def _run(self, work: Callable[[asyncssh.SFTPClient], object]):
        async def session():
            async with self._connect() as connection, connection.start_sftp_client() as sftp:
                return await work(sftp)

        try:
            return asyncio.run(session())
        except (TimeoutError, asyncssh.Error, OSError) as error:
            raise SisSourceError(
                f"SFTP {self.settings.describe()}: {type(error).__name__}: {error}",
                rule="sftp_unreachable",
            ) from error

    def _connect(self):
        settings = self.settings
        return asyncssh.connect(
            settings.host,
            port=settings.port,
            username=settings.user,
            client_keys=[str(settings.key_path)] if settings.key_path else None,
            password=settings.password or None,
            known_hosts=str(settings.known_hosts_path),
            connect_timeout=settings.timeout_seconds,
            login_timeout=settings.timeout_seconds,
            agent_path=None,
            config=None,
        )

    def _remote(self, *parts: str) -> str:
        return str(PurePosixPath(self.settings.remote_dir, *parts))

    async def _drop_dates(self, sftp: asyncssh.SFTPClient) -> list[date]:
        dates = []
        for entry in await sftp.readdir(self._remote()):
            drop_date = drop_date_of(entry.filename)
            if drop_date is not None and entry.attrs.type == asyncssh.FILEXFER_TYPE_DIRECTORY:
                dates.append(drop_date)
        return sorted(dates)

    async def _look(
        self, sftp: asyncssh.SFTPClient, drop_dates: list[date]
    ) -> dict[date, dict[str, int]]:
        listings = {}
        for drop_date in drop_dates:
            folder = self._remote(drop_date.isoformat())
            if not await sftp.isdir(folder):
                listings[drop_date] = {}
                continue
            listings[drop_date] = {
                entry.filename: int(entry.attrs.size or 0)
                for entry in await sftp.readdir(folder)
                if entry.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
                and entry.filename.endswith(".csv")
                and not entry.filename.startswith(".")
            }
        return listings

    async def _download(
        self, sftp: asyncssh.SFTPClient, drop_date: date, listing: Mapping[str, int], staging: Path
    ) -> None:
        for file_name in sorted(listing):
            await sftp.get(
                self._remote(drop_date.isoformat(), file_name),
                str(staging / file_name),
                preserve=True,
            )
