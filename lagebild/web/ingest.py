"""``POST /api/ingest``: one page into the store, for a server started with ``--allow-ingest``.

The server is read-only unless it is given a token. With one, an authorised request
sends one page (``text/plain``, ``text/html``, or JSON as a line of a JSON Lines
file: ``{"text"|"html", "url"?, "title"?, "date"?, "source"?}``); the page goes
through the same per-page stages as ``lagebild ingest`` and is written by a writer
connection opened for the request, in one transaction, so SQLite's busy timeout
serialises it with a CLI ingest on the same store.

The stages over the whole store (entities, speakers, events, stories) are not run in
the request: on a large store they take longer than any request should. They run
after the response, in one background thread, one run at a time; pages arriving
meanwhile ask for one more run. The store keeps them marked as due until a run
finishes, so a server stopped in between leaves them to the next ``lagebild ingest``.
Until they have run, a new article is listed and found by search but not yet in any
entity, event or story.

Example::

    curl -H "Authorization: Bearer $LAGEBILD_INGEST_TOKEN" -H "Content-Type: text/plain" \\
         --data-binary @page.txt http://127.0.0.1:8000/api/ingest
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lagebild.errors import Reason, Rejected
from lagebild.ingest import Candidate
from lagebild.pipeline import Run, Summary, ingest_one, run_batch_stages
from lagebild.sources.jsonl import record_candidate
from lagebild.store import Store
from lagebild.web.common import WebSettings

log = logging.getLogger(__name__)
# Seconds a page waits for the store lock beyond the request's deadline (see ingest).
LOCK_GRACE_S = 0.2

INGEST_PATH = "/api/ingest"
# Where a page came from when the request names neither a source nor a URL.
DEFAULT_SOURCE = "api/ingest"
MAX_SOURCE_CHARS = 1000
MAX_URL_CHARS = 2000
KINDS: dict[str, Literal["text", "html"] | None] = {
    "text/plain": "text",
    "text/html": "html",
    "application/json": None,  # the record says which
    # One line of a JSON Lines file, by the names such files are sent with.
    "application/x-ndjson": None,
    "application/jsonl": None,
    "application/jsonlines": None,
}
_ERRORS = {
    401: "Missing or wrong token",
    403: "The server was started without --allow-ingest",
    413: "The page is over the server's size limit",
    415: "Not text/plain, text/html, application/json or a JSON Lines type",
    422: "The page was rejected; the code is its reason (empty, binary, no_article...)",
    503: "Timed out, or the store is busy",
}

router = APIRouter(prefix="/api", tags=["ingest"])
disabled_router = APIRouter(prefix="/api")


class IngestResult(BaseModel):
    """What became of a page that was not rejected.

    ``status``: ``stored`` (new, 201) or ``already_stored`` (the same bytes were stored
    before, 200: only the source was added). ``whole_store_stages``: ``scheduled`` when
    entities, events and stories will be brought up to date after the response,
    ``not_needed`` when nothing changed.
    """

    status: Literal["stored", "already_stored"]
    article_id: str
    source: str
    whole_store_stages: Literal["scheduled", "not_needed"]


@dataclass(frozen=True)
class Outcome:
    """One page's way through the pipeline: stored, known, or the rejection."""

    status: Literal["stored", "already_stored", "rejected"]
    article_id: str | None
    rejection: Rejected | None
    stages_scheduled: bool


class WholeStoreStages:
    """The stages over the whole store, run in one background thread, one run at a time.

    ``schedule`` asks for a run; asks that arrive during a run are merged into one
    more run after it, which starts without checking the store's "due" mark (the run
    in progress clears it even when a page arrived after it read the store).
    """

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._wanted = False
        self._running = False
        self._idle = threading.Event()
        self._idle.set()

    def schedule(self) -> None:
        """Ask for a run; start the thread unless one is running."""
        with self._lock:
            self._wanted = True
            self._idle.clear()
            if self._running:
                return
            self._running = True
        # A daemon thread: stopping the server must not wait for it. A run cut short
        # leaves the stages marked as due in the store, for the next run.
        threading.Thread(target=self._loop, name="lagebild-whole-store", daemon=True).start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until no run is due or running; False if ``timeout_s`` passed first."""
        return self._idle.wait(timeout_s)

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._running = False
                    self._idle.set()
                    return
                self._wanted = False
            started = time.perf_counter()
            try:
                with Store.open(self.db_path) as store:
                    run_batch_stages(store, Summary())
            except Exception:
                log.exception("the stages over the whole store failed; they stay due")
            else:
                seconds = time.perf_counter() - started
                log.info("stages over the whole store done in %.1f s", seconds)


class Ingestor:
    """The token, the store and the lock that makes pages go through one at a time.

    One page at a time in this process: the dedup and site-noise stages read what is
    stored, so two pages at once could miss each other, and the NER tagger is shared.
    """

    def __init__(self, db_path: str, token: str) -> None:
        self.db_path = db_path
        # Compared as digests: equal lengths, so ``compare_digest`` reveals nothing.
        self._token_digest = hashlib.sha256(token.encode("ascii")).digest()
        self._lock = threading.Lock()
        self.stages = WholeStoreStages(db_path)

    def authorised(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries the token, compared in constant time."""
        if header is None:
            return False
        scheme, _, given = header.strip().partition(" ")
        digest = hashlib.sha256(given.strip().encode("latin-1")).digest()
        # Compared even for a wrong scheme, so the time taken says nothing about it.
        return hmac.compare_digest(digest, self._token_digest) and scheme.lower() == "bearer"

    def ingest(self, found: Candidate | Rejected, deadline: float) -> Outcome:
        """Run one page through the per-page stages and store it (or its rejection)."""
        # Waiting a little past the deadline lets the time limit answer the client first
        # ("timeout"); a lock taken after the deadline then stores nothing (below).
        wait_s = max(0.0, deadline - time.monotonic()) + LOCK_GRACE_S
        if not self._lock.acquire(timeout=wait_s):
            raise HTTPException(503, "another page is being stored; try again")
        try:
            if time.monotonic() > deadline:
                # The client has been answered "timeout": do not store behind its back.
                raise HTTPException(503, "the request took too long")
            with Store.open(self.db_path) as store:
                outcome = _ingest(found, store)
        finally:
            self._lock.release()
        if outcome.stages_scheduled:
            self.stages.schedule()
        return outcome


def _ingest(found: Candidate | Rejected, store: Store) -> Outcome:
    """The pipeline's ingest of one page, as ``lagebild ingest`` does it for each."""
    summary = Summary()
    if isinstance(found, Rejected):
        store.reject(found)
        summary.rejected.append(found)
    else:
        ingest_one(found, Run(store), summary)
    if summary.rejected:
        return Outcome("rejected", None, summary.rejected[0], False)
    assert isinstance(found, Candidate) and found.data is not None
    # The page's key is the SHA-256 of its bytes, as ``read_page`` computes it.
    article_id = store.known(hashlib.sha256(found.data).hexdigest())
    assert article_id is not None
    # As ``pipeline.ingest``: the whole-store stages are due after a new page, or
    # when an earlier run stopped before they finished.
    due = bool(summary.stored) or store.batch_pending()
    status: Literal["stored", "already_stored"] = "stored" if summary.stored else "already_stored"
    return Outcome(status, article_id, None, due)


def _text(value: object, name: str, limit: int) -> str | None:
    """An optional string field of the JSON body, or a 422 saying what it must be."""
    if value is None or (isinstance(value, str) and len(value) <= limit):
        return value
    raise HTTPException(422, f"{name}: must be a string of at most {limit} characters")


def candidate_from(
    body: bytes, media_type: str, source: str | None, url: str | None
) -> Candidate | Rejected:
    """The page a request body holds, or the rejection of a broken JSON body.

    A JSON body is read as one line of a JSON Lines file, with its reasons for
    rejection (``malformed``, ``empty``); its ``source`` and ``url`` come before
    those of the query string.
    """
    if media_type not in KINDS:
        raise HTTPException(
            415, "send text/plain, text/html, application/json or application/x-ndjson"
        )
    kind = KINDS[media_type]
    if kind is not None:
        return Candidate(source or url or DEFAULT_SOURCE, None, data=body, kind=kind, url=url)
    if media_type != "application/json" and b"\n" in body.strip():
        shown = source or url or DEFAULT_SOURCE
        return Rejected(Reason.MALFORMED, "send one record per request, not several lines", shown)
    try:
        record: Any = json.loads(body)
    except ValueError:
        record = None
    if isinstance(record, dict):
        source = _text(record.get("source"), "source", MAX_SOURCE_CHARS) or source
        url = _text(record.get("url"), "url", MAX_URL_CHARS) or url
    shown = source or url or DEFAULT_SOURCE
    try:
        candidate = record_candidate(body, shown)
    except Rejected as rejection:
        return rejection.for_source(shown)
    return candidate if candidate.url else replace(candidate, url=url)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@router.post(
    "/ingest",
    summary="Store one page (only on a server started with --allow-ingest)",
    status_code=201,
    response_model=IngestResult,
    responses={
        200: {"model": IngestResult, "description": "Already stored: nothing changed"},
        **{status: {"description": text} for status, text in _ERRORS.items()},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            key: {"type": "string"}
                            for key in ("text", "html", "url", "title", "date", "source")
                        },
                    }
                },
            },
        },
    },
)
async def api_ingest(
    request: Request,
    response: Response,
    source: Annotated[
        str | None, Query(max_length=MAX_SOURCE_CHARS, description="Where the page came from.")
    ] = None,
    url: Annotated[
        str | None, Query(max_length=MAX_URL_CHARS, description="The page's URL.")
    ] = None,
) -> IngestResult | JSONResponse:
    """Run one page through the pipeline into the store; needs ``Authorization: Bearer``.

    201 stored, 200 already stored (the same bytes), 422 rejected with the reason as
    the error code. Entities, events and stories follow after the response.
    """
    ingestor: Ingestor = request.app.state.ingestor
    settings: WebSettings = request.app.state.settings
    # The request's own deadline, set where its time limit is enforced: a clock started
    # here, after the body was read, could let a page be stored after the client was
    # already answered "timeout".
    deadline = getattr(request.state, "deadline", None) or (
        time.monotonic() + settings.ingest_timeout_s
    )
    # Checked before the body is read and before the store is opened: a request
    # without the token costs nothing and writes nothing.
    if not ingestor.authorised(request.headers.get("authorization")):
        log.warning("ingest refused from %s: missing or wrong token", _client(request))
        raise HTTPException(401, "missing or wrong token", headers={"WWW-Authenticate": "Bearer"})
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    found = candidate_from(await request.body(), media_type, source, url)
    outcome = await run_in_threadpool(ingestor.ingest, found, deadline)
    shown = found.source
    if outcome.rejection is not None:
        reason = outcome.rejection.reason
        log.info("ingest from %s: %r rejected (%s)", _client(request), shown, reason.value)
        if reason is Reason.INTERNAL:
            # The detail names lagebild's own failure; it goes to the log, not to the client.
            log.error("ingest of %r failed: %s", shown, outcome.rejection.detail)
            return _refusal(500, "internal_error", "internal error; see the log")
        return _refusal(422, reason.value, outcome.rejection.detail)
    assert outcome.article_id is not None and outcome.status != "rejected"
    log.info(
        "ingest from %s: %r %s as %s", _client(request), shown, outcome.status, outcome.article_id
    )
    response.status_code = 201 if outcome.status == "stored" else 200
    return IngestResult(
        status=outcome.status,
        article_id=outcome.article_id,
        source=shown,
        whole_store_stages="scheduled" if outcome.stages_scheduled else "not_needed",
    )


@disabled_router.post("/ingest", include_in_schema=False)
def api_ingest_disabled() -> None:
    """Say why a read-only server does not take pages, instead of a bare 404."""
    raise HTTPException(403, "this server is read-only; start it with --allow-ingest")
