"""The ``app`` and ``teach`` commands: the browser app and the classroom, each served by
Solara from the installed package (``solara run negotiation_sim.app.page`` and ``solara run
negotiation_sim.teaching.standalone``), in production mode, without Solara's telemetry
(``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false`` unless set otherwise) or version check."""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path
from typing import Any

from negotiation_sim.cli import common
from negotiation_sim.cli.common import EXIT_OK, PROG, CliError, echo

#: the module, not the package: Solara makes a page of every submodule of a package that
#: has a ``Page``, so ``negotiation_sim.app`` would serve the app twice (at / and /page)
APP = "negotiation_sim.app.page"
CLASSROOM = "negotiation_sim.teaching.standalone"
HOST = "127.0.0.1"
PORT = 8765
TELEMETRY = "SOLARA_TELEMETRY_MIXPANEL_ENABLE"
ENV_DATABASE_URL = "NEGOTIATION_SIM_DATABASE_URL"  # teaching.database's (not imported here:
# SQLAlchemy would slow every command's start); a test checks that the two agree


def _add_address(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=HOST, help=f"address to listen on (default: {HOST}; 0.0.0.0: all)"
    )
    parser.add_argument(
        "--port", type=common.port, default=PORT, help=f"port to listen on (default: {PORT})"
    )


def add_app(sub: Any) -> None:
    app = sub.add_parser(
        "app",
        help="serve the browser app",
        description="Serve the browser app (live run, ensemble, compare, export; "
        "docs/app.md) until Ctrl-C.",
    )
    _add_address(app)
    app.set_defaults(func=cmd_app)


def add_teach(sub: Any) -> None:
    teach = sub.add_parser(
        "teach",
        help="serve the classroom",
        description="Serve the classroom (docs/teaching/) until Ctrl-C: students play at "
        "/, the instructor view is /instructor (passphrase in "
        "NEGOTIATION_SIM_INSTRUCTOR_TOKEN).",
    )
    _add_address(teach)
    teach.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        help="where finished games are saved (sets NEGOTIATION_SIM_DATA_DIR)",
    )
    teach.add_argument(
        "--database-url",
        metavar="URL",
        help="keep the classroom in this database instead of SQLite under the data folder: "
        "postgresql://USER:PASSWORD@HOST:PORT/DATABASE (needs negotiation-sim[postgres]); "
        f"sets {ENV_DATABASE_URL}, which is better for a password (not shown in ps)",
    )
    teach.add_argument(
        "--sessions-dir",
        metavar="DIR",
        type=Path,
        action="append",
        help="more session configs, besides the shipped ones (repeatable; sets "
        "NEGOTIATION_SIM_SESSIONS_DIR)",
    )
    teach.set_defaults(func=cmd_teach)


def cmd_app(args: argparse.Namespace) -> int:
    echo(f"{PROG}: serving the app at http://{args.host}:{args.port}/", flush=True)
    return serve(APP, args.host, args.port)


def cmd_teach(args: argparse.Namespace) -> int:
    env = {}
    if args.data_dir is not None:
        env["NEGOTIATION_SIM_DATA_DIR"] = str(args.data_dir.resolve())
    if args.sessions_dir:
        for folder in args.sessions_dir:
            if not folder.is_dir():
                raise CliError(f"--sessions-dir {folder}: no such directory")
        env["NEGOTIATION_SIM_SESSIONS_DIR"] = os.pathsep.join(
            str(p.resolve()) for p in args.sessions_dir
        )
    database = args.database_url or os.environ.get(ENV_DATABASE_URL, "")
    if database:
        env[ENV_DATABASE_URL] = database
        echo(f"{PROG}: classroom database {check_database(database)}", flush=True)
    url = f"http://{args.host}:{args.port}/"
    echo(f"{PROG}: serving the classroom at {url} (instructor: {url}instructor)", flush=True)
    return serve(CLASSROOM, args.host, args.port, env)


def check_database(url: str) -> str:
    """Connect to the classroom database at ``url`` once (and create its tables), before
    the server starts: a URL that cannot be used is an input error (exit 2), not a page
    that fails in class. Returns the URL as shown (without its password)."""
    from negotiation_sim.teaching.database import (
        DatabaseUrlError,
        database_url,
        failure_reason,
        ping,
        shown,
    )

    try:
        parsed = database_url(url, Path("."))
    except DatabaseUrlError as exc:
        raise CliError(f"--database-url: {exc}") from None
    try:
        ping(parsed)
    except Exception as exc:  # the driver's own error: server down, wrong password, ...
        raise CliError(
            f"--database-url: cannot connect to {shown(parsed)}: {failure_reason(exc)}"
        ) from None
    return shown(parsed)


def solara_args(target: str, host: str, port: int) -> list[str]:
    """The ``solara`` command line that serves ``target`` (a module with ``Page`` or
    ``routes``)."""
    return [
        *("run", target, "--host", host, "--port", str(port)),
        *("--no-open", "--production", "--no-check-version"),
    ]


def serve(target: str, host: str, port: int, env: dict[str, str] | None = None) -> int:
    """Serve ``target`` with Solara in this process until the server stops."""
    _check_address(host, port)
    os.environ.update(environment(env or {}))  # before solara reads its settings
    _note_assets()
    from solara.__main__ import cli as solara_cli

    solara_cli.main(args=solara_args(target, host, port), prog_name="solara", standalone_mode=False)
    return EXIT_OK


def environment(extra: dict[str, str]) -> dict[str, str]:
    """The variables set before Solara starts: ``extra``, and Solara's telemetry off
    unless the environment already says otherwise."""
    return {**extra, TELEMETRY: os.environ.get(TELEMETRY, "false")}


def _check_address(host: str, port: int) -> None:
    """Bad input, not a server traceback, for an address that cannot be listened on."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CliError(
            f"--host {host} --port {port}: cannot listen there: {reason}; choose another "
            "address or port"
        ) from None


def _note_assets() -> None:
    """Say so when pages will load Solara's JavaScript from the internet."""
    from negotiation_sim import app_assets

    cache = app_assets.default_cache_dir()
    absent = app_assets.missing(cache)
    if absent:
        echo(
            f"{PROG}: note: Solara's asset cache {cache} lacks {len(absent)} of "
            f"{len(app_assets.PACKAGES)} packages, so pages load them from a CDN (online "
            "only); fill it with 'python -m negotiation_sim.app_assets'",
            err=True,
        )
