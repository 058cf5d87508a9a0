"""The web UI and JSON API over a store, read-only unless given an ingest token:
``lagebild serve`` runs it."""

from lagebild.web.app import create_app
from lagebild.web.common import WebSettings

__all__ = ["WebSettings", "create_app"]
