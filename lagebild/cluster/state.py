"""The clustering state as bytes, so the next ingest run goes on where this one stopped.

A store's cluster stage streams only the articles that are new since its last run
through the clusterer it saved then (see :mod:`lagebild.cluster.run`). The state is the
clusterer's open stories and storylines, its document frequencies and the run's records
of the open stories: tens of megabytes for a store that takes 1,000 articles a day,
against re-clustering the whole store every run.

The bytes are a pickle, compressed. Unpickling runs whatever the bytes name, so the
reader accepts only the classes a clustering state is made of (the restricted
``find_class`` of the pickle documentation): a crafted state cannot call anything else.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path
from typing import Any

import zstandard

from lagebild import __version__

# Bump when the saved classes change shape: a state of another version is not read (the
# stage then clusters the whole store afresh and saves a new one).
STATE_FORMAT = 1
_ZSTD_LEVEL = 3

# What a state may be made of, by module: the clusterer's own classes, the containers
# they hold, and NumPy arrays (protocol 5 pickles them through ``_frombuffer``).
_ALLOWED: dict[str, frozenset[str]] = {
    "collections": frozenset({"Counter", "OrderedDict", "deque"}),
    "builtins": frozenset({"set", "frozenset", "dict", "list", "tuple", "bytearray"}),
    "numpy": frozenset({"dtype", "ndarray"}),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "lagebild.cluster.archive": frozenset({"Archive", "ClosedStory"}),
    "lagebild.cluster.features": frozenset({"Featurizer", "KeyIndex"}),
    "lagebild.cluster.labels": frozenset({"Profile"}),
    "lagebild.cluster.stories": frozenset({"StoryClusterer", "_Story"}),
    "lagebild.cluster.storylines": frozenset({"Centroid", "StorylineLinker", "_Storyline"}),
    "lagebild.cluster.run": frozenset({"StoreClustering", "_Open"}),
}


class StateError(ValueError):
    """The bytes are no clustering state this version can read."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise StateError(f"clustering state names {module}.{name}, which a state never holds")


def dumps(state: object) -> bytes:
    """``state`` pickled and compressed."""
    raw = pickle.dumps(state, protocol=5)
    return zstandard.ZstdCompressor(level=_ZSTD_LEVEL).compress(raw)


def loads(data: bytes) -> Any:
    """The state in ``data``; :class:`StateError` when it is not one."""
    try:
        raw = zstandard.ZstdDecompressor().decompress(data)
        return _Unpickler(io.BytesIO(raw)).load()
    except StateError:
        raise
    except Exception as error:  # truncated, not zstd, not a pickle: all the same to us
        raise StateError(f"unreadable clustering state: {error}") from error


# The modules whose classes and decisions a state holds: a change to any of them (a new
# field, another rule) makes earlier states unreadable or wrong, so their bytes go into
# the fingerprint and a changed module means one run afresh, without anyone having to
# remember to bump STATE_FORMAT.
_STATE_MODULES = ("archive.py", "features.py", "labels.py", "run.py", "stories.py", "storylines.py")


def fingerprint(model_path: Path, embeddings: bool, code: Path | None = None) -> str:
    """What a saved state is valid for: this code, this join model (and the reopen model
    beside it, ``reopen.json``, when there is one), embeddings on or off.

    A state made under another one would mix two clusterings, so it is not read.
    ``code``: the folder of the cluster modules (this package's by default).
    """
    digest = hashlib.sha256(model_path.read_bytes())
    reopen = model_path.with_name("reopen.json")
    if reopen.is_file():
        digest.update(reopen.read_bytes())
    here = code or Path(__file__).parent
    for name in _STATE_MODULES:
        digest.update((here / name).read_bytes())
    mode = "emb" if embeddings else "plain"
    return f"{__version__}/{STATE_FORMAT}/{digest.hexdigest()[:16]}/{mode}"
