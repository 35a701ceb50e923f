"""A throwaway PostgreSQL server for the classroom-store tests.

``NEGOTIATION_SIM_TEST_DATABASE_URL`` (a server you run, e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``) is used if set. Otherwise the tests
start their own server: ``initdb`` into a temporary folder and ``pg_ctl start`` on a free
loopback port, as the ``postgres`` user when the tests run as root (PostgreSQL refuses to
run as root), and stop it afterwards. The server binaries come from Debian's
``postgresql`` package, which ``make postgres`` (and so ``make test``) installs.

Without either, the PostgreSQL tests are skipped on a developer's machine and fail in CI
(``CI=true``): CI must test the PostgreSQL store, not quietly skip it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ENV_URL = "NEGOTIATION_SIM_TEST_DATABASE_URL"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason} (make postgres installs it)")
    pytest.skip(f"PostgreSQL not available: {reason}")


@contextmanager
def server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database, running until exit."""
    if os.environ.get(ENV_URL):
        yield os.environ[ENV_URL]
        return
    bindir = _binaries()
    if bindir is None:
        unavailable("no initdb (Debian package postgresql)")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no postgres user to run the server")
    folder = Path(tempfile.mkdtemp(prefix="ns-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, log, port = folder / "data", folder / "log", _free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            _as_server_user(
                [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
            ),
            **run,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log)]
        subprocess.run(_as_server_user([*start, "-w", "start"]), **run)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"the server did not start: {exc.stderr or exc.stdout}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)


def create_database(server_url: str, url: str) -> None:
    """Create the database that ``url`` (on the server at ``server_url``) names."""
    _admin(server_url, f'CREATE DATABASE "{url.rpartition("/")[2]}"')


def drop_database(server_url: str, url: str) -> None:
    _admin(server_url, f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server (dropped at exit): its URL."""
    url = f"{server_url.rpartition('/')[0]}/ns_test_{uuid.uuid4().hex[:12]}"
    create_database(server_url, url)
    try:
        yield url
    finally:
        drop_database(server_url, url)
