"""Content codings: choose one from ``Accept-Encoding`` (RFC 9110 12.5.3) and compress with it.

``br``, ``zstd`` and ``gzip`` are offered, in that order of preference among equal q-values;
``identity`` is always acceptable unless the header refuses it (``identity;q=0`` or ``*;q=0``
without naming it), and even then it is served when nothing else is acceptable (RFC 9110
allows it, and a 406 for a coding would help nobody). Malformed entries are skipped.
"""

from __future__ import annotations

import gzip
import re

IDENTITY = "identity"
CODINGS = ("br", "zstd", "gzip")  # preferred first
MIN_SIZE = 1024  # smaller bodies gain less than the header costs
UNCOMPRESSED_MEDIA_TYPES = ("application/pdf", "image/png")  # compressed already
_ENTRY = re.compile(
    r"^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$"
)
MAX_ENTRIES = 32


def choose_coding(header: str) -> str:
    """The coding to answer with, for an ``Accept-Encoding`` value ("" when absent)."""
    qualities: dict[str, float] = {}
    for entry in header.split(",")[:MAX_ENTRIES]:
        match = _ENTRY.match(entry)
        if match is not None:
            name = match.group(1).lower()
            qualities.setdefault(name, float(match.group(2)) if match.group(2) else 1.0)
    anything = qualities.get("*")
    identity = qualities.get(IDENTITY, 0.0)  # acceptable, but any listed coding goes first
    best, best_quality = IDENTITY, 0.0
    for coding in CODINGS:
        quality = qualities.get(coding, 0.0 if anything is None else anything)
        if quality > best_quality:
            best, best_quality = coding, quality
    # A coding as wanted as identity is chosen: it costs the client nothing.
    return best if best_quality > 0 and best_quality >= identity else IDENTITY


def compress(body: bytes, coding: str) -> bytes:
    """``body`` in ``coding``: levels chosen to compress a whole self-test in milliseconds."""
    # Imported on first use: the server starts without them.
    if coding == "br":
        import brotli  # type: ignore[import-untyped]  # noqa: PLC0415

        return bytes(brotli.compress(body, quality=5))
    if coding == "zstd":
        import zstandard  # noqa: PLC0415

        return bytes(zstandard.ZstdCompressor(level=9).compress(body))
    if coding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    raise ValueError(f"unknown coding {coding!r}")


def worth_compressing(body: bytes, media_type: str) -> bool:
    return len(body) >= MIN_SIZE and media_type not in UNCOMPRESSED_MEDIA_TYPES


def coded_etag(etag: str, coding: str) -> str:
    """A strong ETag for the same bytes in ``coding``: different bytes need a different tag."""
    return etag if coding == IDENTITY else f'{etag[:-1]}-{coding}"'
