"""The ``serve`` command: the web UI and JSON API over a store, read-only."""

from __future__ import annotations

import ipaddress

import click

from lagebild.cli.app import main
from lagebild.cli.common import DB_OPTION, EXIT_STORE, console
from lagebild.store import StoreError

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


@main.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
def serve_cmd(db_path: str, host: str, port: int) -> None:
    """Serve the store as web pages and a JSON API (read-only) until Ctrl-C.

    Pages: overview, articles, entities, search. API under /api, described at
    /openapi.json. Listens on localhost only unless --host says otherwise; the store
    is opened read-only, so an ingest may run at the same time.

    \b
    Example:
      lagebild serve --db news.sqlite --port 8000
    """
    import uvicorn  # imported here: the other commands should not pay for it

    from lagebild.web import WebSettings, create_app

    loopback = _is_loopback(host)
    names = LOCAL_NAMES | {host, f"{host}:{port}"} if loopback else None
    try:
        app = create_app(db_path, WebSettings(allowed_hosts=names))
    except StoreError as exc:
        console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise SystemExit(EXIT_STORE) from None
    err = console(stderr=True)
    if not loopback:
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach this "
            "machine can read the store."
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
