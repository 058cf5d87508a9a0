"""What the pages and the API share: settings, the read-only connection, filters, templates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BeforeValidator

from lagebild import __version__
from lagebild.ingest import MAX_PAGE_BYTES
from lagebild.store.entities import find_entity
from lagebild.web.queries import ArticleFilter, open_readonly

# Largest page of a list the API hands out; bigger requests get a 422 saying so.
MAX_LIMIT = 500
# Longest search query accepted; longer ones are no search a person typed.
MAX_QUERY_CHARS = 500
# The ingest token is compared with what clients send; 16 characters of a random token
# (``secrets.token_urlsafe(16)`` gives 22) are beyond guessing over HTTP.
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class WebSettings:
    """Limits of the server, each with its default.

    ``allowed_hosts``: Host header names accepted (any when None); a server bound to
    localhost accepts only local names, so a web page elsewhere cannot reach the
    store through DNS rebinding.

    ``ingest_token``: when set, ``POST /api/ingest`` stores pages sent with
    ``Authorization: Bearer <token>``; when None (the default) the server only reads.
    It is left out of ``repr`` so that it cannot end up in a log. Ingest requests have
    their own body limit (``max_ingest_bytes``, at most the 20 MB page cap) and time
    limit (``ingest_timeout_s``): one page through the annotate stage takes longer than
    a read, and the model loads on the first page.
    """

    request_timeout_s: float = 10.0
    max_body_bytes: int = 16_384
    max_url_bytes: int = 8_192
    allowed_hosts: frozenset[str] | None = None
    ingest_token: str | None = field(default=None, repr=False)
    max_ingest_bytes: int = 5 * 1024 * 1024
    ingest_timeout_s: float = 120.0

    def __post_init__(self) -> None:
        if self.ingest_token is not None:
            problem = token_problem(self.ingest_token)
            if problem is not None:
                raise ValueError(f"ingest token: {problem}")
        if not 0 < self.max_ingest_bytes <= MAX_PAGE_BYTES:
            raise ValueError(f"max_ingest_bytes must be between 1 and {MAX_PAGE_BYTES:,}")

    @property
    def ingest_allowed(self) -> bool:
        """Whether the server stores pages sent to ``POST /api/ingest``."""
        return self.ingest_token is not None


def token_problem(token: str) -> str | None:
    """What is wrong with an ingest token, or None if it will do.

    It must fit in an HTTP header as sent (printable ASCII, no spaces) and be long
    enough not to be guessed.
    """
    if len(token) < MIN_TOKEN_CHARS:
        return f"it must be at least {MIN_TOKEN_CHARS} characters long"
    if not all("!" <= c <= "~" for c in token):
        return "it may hold only printable ASCII characters, no spaces"
    return None


def store_db(request: Request) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one request, with the request's deadline; closed after.

    The request's queries run in one read transaction, so they all see the store as
    it was at the first of them: an ingest committing meanwhile cannot make a page
    show counts from before and a list from after its commit.
    """
    settings: WebSettings = request.app.state.settings
    db = open_readonly(request.app.state.db_path, timeout_s=settings.request_timeout_s)
    try:
        db.execute("BEGIN")
        yield db
    finally:
        db.close()


DB = Annotated[sqlite3.Connection, Depends(store_db)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


def _blank_is_none(value: object) -> object:
    """A field a form sent empty ("from=") is no filter; a browser sends every field."""
    return None if isinstance(value, str) and not value.strip() else value


# For query parameters that a filter form may send empty.
BlankIsNone = BeforeValidator(_blank_is_none)


def article_filter(
    db: DB,
    date_from: Annotated[
        date | None,
        BlankIsNone,
        Query(alias="from", description="First date, YYYY-MM-DD (inclusive)."),
    ] = None,
    date_to: Annotated[
        date | None,
        BlankIsNone,
        Query(alias="to", description="Last date, YYYY-MM-DD (inclusive)."),
    ] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Outlet, exactly.")] = None,
    entity: Annotated[
        str | None,
        Query(max_length=200, description="Only articles naming this entity (id, name or form)."),
    ] = None,
) -> ArticleFilter:
    """The filters from the query string; dates are the printed or inferred article date.
    An entity is given by its id, or by a name or form as the CLI takes it; one the store
    does not know is a 404, not an empty list."""
    return ArticleFilter(date_from, date_to, outlet or None, entity_id_of(db, entity))


def entity_id_of(db: sqlite3.Connection, value: str | None) -> str | None:
    """The id of the entity a request names by its id, name or any form (as the CLI
    takes them); None when none is asked for, a 404 when the store has none such."""
    if not value:
        return None
    found = find_entity(db, value)
    if found is None:
        raise HTTPException(404, f"no entity {value!r}")
    return found.id


Filters = Annotated[ArticleFilter, Depends(article_filter)]


def _when(value: str | None) -> str:
    """An ISO date or date-time as shown: the date, and the time to the minute."""
    if not value:
        return ""
    return value[:16].replace("T", " ")


def _query(params: dict[str, Any]) -> str:
    """A query string from the parameters that have a value."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def make_templates() -> Jinja2Templates:
    """The page templates, autoescaped: every value from the store is shown as text."""
    env = Environment(
        loader=PackageLoader("lagebild.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["urlpart"] = lambda value: quote(str(value), safe="")
    env.filters["query"] = _query
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)
