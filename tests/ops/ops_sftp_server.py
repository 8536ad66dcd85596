"""A real SFTP server on 127.0.0.1 for the tests, run by asyncssh in a background thread.

It serves a temporary folder (chrooted) with a freshly generated host key, and accepts one
user by a generated client key or by password, so the client is exercised exactly as against
the district's server: host key checked against a known_hosts file, key or password login.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

import asyncssh

USER = "sis_export"
PASSWORD = "correct horse battery staple"


class _PasswordOrKeyServer(asyncssh.SSHServer):
    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USER and password == PASSWORD


@dataclass
class RunningSftpServer:
    root: Path
    port: int
    known_hosts_path: Path
    client_key_path: Path

    def environment(self, *, use_password: bool = False) -> dict[str, str]:
        env = {
            "SIS_SFTP_HOST": "127.0.0.1",
            "SIS_SFTP_PORT": str(self.port),
            "SIS_SFTP_USER": USER,
            "SIS_SFTP_REMOTE_DIR": "/outbound",
            "SIS_SFTP_KNOWN_HOSTS": str(self.known_hosts_path),
            "SIS_SFTP_TIMEOUT_SECONDS": "5",
            "SIS_DROP_STABLE_SECONDS": "0",
        }
        if use_password:
            env["SIS_SFTP_PASSWORD"] = PASSWORD
        else:
            env["SIS_SFTP_KEY_PATH"] = str(self.client_key_path)
        return env


class SftpServerThread:
    """Start with `start()`, stop with `stop()`; the event loop lives in its own thread."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.root = workdir / "server_root"
        (self.root / "outbound").mkdir(parents=True)
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_key_path = workdir / "id_ed25519"
        self.client_key.write_private_key(str(self.client_key_path))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.acceptor = None

    def start(self) -> RunningSftpServer:
        self.thread.start()
        authorized = asyncssh.import_authorized_keys(self.client_key.export_public_key().decode())
        root = str(self.root)

        async def listen():
            return await asyncssh.listen(
                "127.0.0.1",
                0,
                server_factory=_PasswordOrKeyServer,
                server_host_keys=[self.host_key],
                authorized_client_keys=authorized,
                sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root),
                allow_scp=False,
                login_timeout=5,
            )

        self.acceptor = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(timeout=10)
        port = self.acceptor.sockets[0].getsockname()[1]
        known_hosts = self.workdir / "known_hosts"
        known_hosts.write_text(
            f"[127.0.0.1]:{port} {self.host_key.export_public_key().decode().strip()}\n"
        )
        return RunningSftpServer(self.root, port, known_hosts, self.client_key_path)

    def stop(self) -> None:
        async def close():
            self.acceptor.close()
            await self.acceptor.wait_closed()

        if self.acceptor is not None:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()
