"""Bodies as JSON bytes: one encoder for every answer of the fake.

``orjson`` encodes a datastore in under a microsecond where the standard library takes ~8 us (the
largest single cost of ``GET /datastores/{id}`` in the profile, and most of a long list's). Both write
compact UTF-8 JSON, so the rare value ``orjson`` refuses (an integer beyond 64 bits) falls back to the
standard library with the same output.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["dump_json"]

_FALLBACK = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def dump_json(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON bytes."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return _FALLBACK.encode(value).encode()
