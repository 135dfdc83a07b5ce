"""A throwaway PostgreSQL server for tests and benchmarks: initdb in a temp dir, loopback only.

The server binaries come from Debian's `postgresql` package (`scripts/postgres` installs it).
As root, initdb and pg_ctl refuse to run, so they run as the `postgres` user; the data
directory and the socket live in a fresh temp dir that user owns. The server listens on
127.0.0.1 on a free port, with password (scram) authentication over TCP, so tests can check
that a password never leaks into an error message.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# Where Debian puts each major version's server binaries (/usr/lib/postgresql/15/bin, …).
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SUPERUSER = "newstrace"
# Tries to start on a free port: another process may take the port between our probe and
# the server's bind, which happens rarely, so a few tries are plenty.
START_TRIES = 3
# Seconds pg_ctl waits for the server to accept connections (it takes ~0.3 s here).
START_TIMEOUT = 60


class ServerUnavailable(Exception):
    """No PostgreSQL server binaries here, or they cannot run; one line saying what to do."""


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL bin directory holding initdb and pg_ctl, if any."""
    candidates: list[tuple[int, Path]] = []
    for bindir in DEBIAN_BINARIES.glob("*/bin"):
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            version = bindir.parent.name
            candidates.append((int(version) if version.isdigit() else 0, bindir))
    if candidates:
        return max(candidates)[1]
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server: where it listens and how to reach it."""

    bindir: Path
    root: Path
    port: int
    password: str
    owner: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A postgresql:// URL for `database`, with the superuser's (or a given) password."""
        secret = quote(self.password if password is None else password, safe="")
        return f"postgresql://{SUPERUSER}:{secret}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement.encode("utf-8"))

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server at once and remove its files."""
        _run(self, ["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _as_owner(owner: str | None, command: list[str]) -> list[str]:
    """The command run as `owner` (the postgres user when we are root)."""
    return command if owner is None else ["runuser", "-u", owner, "--", *command]


def _run(server: PostgresServer, command: list[str], *, check: bool = True) -> str:
    """Run a server binary; on failure raise ServerUnavailable with its last output line."""
    binary = [str(server.bindir / command[0]), *command[1:]]
    done = subprocess.run(
        _as_owner(server.owner, binary),
        capture_output=True,
        text=True,
        cwd=server.root,
        check=False,
    )
    if check and done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise ServerUnavailable(f"{command[0]} failed: {lines[-1]}")
    return done.stdout


def start_server(*, durable: bool = False) -> PostgresServer:
    """Init and start a server on 127.0.0.1; `durable=False` turns fsync off (tests only)."""
    bindir = server_binaries()
    if bindir is None:
        raise ServerUnavailable(
            "PostgreSQL server binaries not found (initdb, pg_ctl); run scripts/postgres"
        )
    owner: str | None = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise ServerUnavailable(
                "running as root but there is no postgres user to run the server; "
                "run scripts/postgres"
            ) from None
        owner = account.pw_name
    # The postgres user must reach the directory: /tmp, not a TMPDIR under root's home.
    parent = "/tmp" if owner is not None and os.path.isdir("/tmp") else None
    root = Path(tempfile.mkdtemp(prefix="newstrace-pg-", dir=parent))
    server = PostgresServer(bindir, root, 0, secrets.token_urlsafe(12), owner)
    try:
        _init(server)
        _start(server, durable)
    except BaseException:
        server.stop()
        raise
    return server


def _init(server: PostgresServer) -> None:
    """initdb with a password-protected superuser, UTF-8, code point order (C.UTF-8)."""
    password_file = server.root / "password"
    password_file.write_text(server.password + "\n", encoding="utf-8")
    if server.owner is not None:
        account = pwd.getpwnam(server.owner)
        for path in (server.root, password_file):
            os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(server.root, 0o700)
    _run(
        server,
        [
            "initdb",
            "-D",
            str(server.data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(password_file),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
    )


def _start(server: PostgresServer, durable: bool) -> None:
    """pg_ctl start on a free loopback port, socket in the server's own directory."""
    options = [f"-k {server.root}", "-c listen_addresses=127.0.0.1"]
    if not durable:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    for attempt in range(START_TRIES):
        server.port = free_port()
        try:
            _run(
                server,
                [
                    "pg_ctl",
                    "-D",
                    str(server.data),
                    "-l",
                    str(server.root / "server.log"),
                    "-t",
                    str(START_TIMEOUT),
                    "-w",
                    "-o",
                    " ".join([*options, f"-p {server.port}"]),
                    "start",
                ],
            )
            return
        except ServerUnavailable:
            if attempt == START_TRIES - 1:
                raise


@contextlib.contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A started server for the duration of the block, stopped and removed afterwards."""
    server = start_server(durable=durable)
    try:
        yield server
    finally:
        server.stop()
