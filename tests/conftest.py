"""Shared fixtures: the seed pages and their gold annotation from ../shared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.gold.json"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found at {SEEDS}")
    return SEEDS


@pytest.fixture(scope="session")
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.skip(f"gold file not found at {GOLD}")
    return GOLD


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    if not GOLD.is_file():
        pytest.skip(f"gold file not found at {GOLD}")
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


def sorted_rows(db: Any, *queries: str) -> tuple[list[tuple[object, ...]], ...]:
    """Each query's rows, sorted: a store's tables compared regardless of row order."""
    return tuple(sorted(tuple(row) for row in db.execute(sql)) for sql in queries)
