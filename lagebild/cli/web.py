"""The ``serve`` command: the web UI and JSON API over a store, read-only."""

from __future__ import annotations

import ipaddress
import logging
import os

import click

from lagebild.cli.app import main
from lagebild.cli.common import DB_OPTION, EXIT_STORE, console
from lagebild.ingest import MAX_PAGE_BYTES
from lagebild.store import StoreError

MB = 1024 * 1024
# Where `serve --allow-ingest` reads the ingest token: an option's value would show in
# the process list to every user of the machine, an environment variable does not.
TOKEN_ENV = "LAGEBILD_INGEST_TOKEN"

# Host names a server bound to a loopback address answers to.
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def _is_loopback(host: str) -> bool:
    """True if ``host`` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _ingest_token() -> str:
    """The ingest token from the environment, or exit saying how to set one."""
    from lagebild.web.common import token_problem  # the web stack loads only for serve

    token = os.environ.get(TOKEN_ENV, "")
    problem = "it is not set" if not token else token_problem(token)
    if problem is not None:
        raise click.UsageError(
            f"--allow-ingest needs a token in the environment variable {TOKEN_ENV}, "
            f"and {problem}. Make one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


def _log_ingests() -> None:
    """Show ingest requests (never their token) on stderr; uvicorn logs only warnings."""
    logger = logging.getLogger("lagebild.web.ingest")
    logger.setLevel(logging.INFO)
    if not any(getattr(h, "name", None) == "lagebild-serve" for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name("lagebild-serve")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


@main.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--allow-ingest",
    is_flag=True,
    help=f"Also store pages sent to POST /api/ingest with the token in ${TOKEN_ENV}.",
)
@click.option(
    "--ingest-max-mb",
    type=click.IntRange(1, MAX_PAGE_BYTES // MB),
    default=5,
    show_default=True,
    help="Largest page POST /api/ingest takes, in MB.",
)
def serve_cmd(db_path: str, host: str, port: int, allow_ingest: bool, ingest_max_mb: int) -> None:
    """Serve the store as web pages and a JSON API until Ctrl-C; read-only by default.

    Pages: overview, articles, entities, search. API under /api, described at
    /openapi.json. Listens on localhost only unless --host says otherwise; the store
    is opened read-only, so an ingest may run at the same time.

    With --allow-ingest, POST /api/ingest also stores one page per request, sent with
    "Authorization: Bearer TOKEN"; the token is read from the environment variable
    LAGEBILD_INGEST_TOKEN, never from the command line, where every user of the
    machine could see it in the process list.

    \b
    Example:
      lagebild serve --db news.sqlite --port 8000
      LAGEBILD_INGEST_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(32))') \\
        lagebild serve --db news.sqlite --allow-ingest
    """
    import uvicorn  # imported here: the other commands should not pay for it

    from lagebild.web import WebSettings, create_app

    err = console(stderr=True)
    token = _ingest_token() if allow_ingest else None
    loopback = _is_loopback(host)
    names = LOCAL_NAMES | {host, f"{host}:{port}"} if loopback else None
    settings = WebSettings(
        allowed_hosts=names, ingest_token=token, max_ingest_bytes=ingest_max_mb * MB
    )
    try:
        app = create_app(db_path, settings)
    except StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise SystemExit(EXIT_STORE) from None
    if not loopback:
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach this "
            "machine can read the store."
        )
    if allow_ingest:
        _log_ingests()
        err.print(
            f"lagebild: POST /api/ingest stores pages of up to {ingest_max_mb} MB sent with "
            f"the token in ${TOKEN_ENV}."
        )
    shown = f"[{host}]" if ":" in host else host
    err.print(f"lagebild: serving {db_path} on http://{shown}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=5,
        limit_concurrency=64,
        server_header=False,
    )
