"""Article embeddings in the store: unit vectors as signed bytes.

Each component of a unit vector lies in [-1, 1]; times 127 and rounded it fits a byte,
so a 512-dimensional embedding takes 512 bytes instead of 2,048. Read back and
normalised, its cosine with another vector moves by a few thousandths, far below what
tells two stories apart.

>>> import numpy as np
>>> v = np.ones(4, dtype=np.float32) / 2
>>> packed = pack([float(x) for x in v])
>>> len(packed), np.allclose(unpack(packed), v, atol=0.01)
(4, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
SCALE = 127.0


def pack(vector: Sequence[float]) -> bytes:
    """A unit vector as signed bytes."""
    values = np.clip(np.rint(np.asarray(vector, dtype=np.float32) * SCALE), -127, 127)
    packed: bytes = values.astype(np.int8).tobytes()
    return packed


def unpack(data: bytes) -> F32:
    """The unit vector of :func:`pack`'s bytes (normalised again)."""
    values = np.frombuffer(data, dtype=np.int8).astype(np.float32)
    norm = float(np.linalg.norm(values))
    out: F32 = values / norm if norm else values
    return out
