"""The web component's script as served (``api/static/embed.js``): made once, with its version
and Subresource Integrity hash. The elements load it from another site; the ``/embed`` pages load
it too, to make their screening a checklist."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from api.bundle.labels import LABELS
from api.bundle.urls import PREFIX
from api.content.languages import DEFAULT_LOCALE

SCRIPT_FILE = Path(__file__).resolve().parent.parent / "static" / "embed.js"
SCRIPT_MEDIA_TYPE = "text/javascript; charset=utf-8"


@dataclass(frozen=True)
class Script:
    body: bytes
    version: str  # changes with the bytes: names the versioned URL
    integrity: str  # Subresource Integrity: sha384 of the bytes

    @property
    def path(self) -> str:
        return f"{PREFIX}/embed/{self.version}.js"


SERVED_PLACEHOLDER = "const SERVED = /* filled in when served */ {};"
_LABEL_USE = re.compile(r'\btext\("([a-z_.]+)"')


def script_source(source: str) -> str:
    """The web component as served: ``source`` with the API's prefix, its default language and,
    in every language, the labels the script uses (each ``text("key", ...)`` in it) filled in,
    so the script names no path, language or label of its own."""
    keys = sorted(set(_LABEL_USE.findall(source)))
    served = {
        "prefix": PREFIX,
        "defaultLanguage": DEFAULT_LOCALE,
        "labels": {code: {key: labels[key] for key in keys} for code, labels in LABELS.items()},
    }
    filled = f"const SERVED = {json.dumps(served, ensure_ascii=False, sort_keys=True)};"
    if source.count(SERVED_PLACEHOLDER) != 1:
        raise ValueError(f"{SCRIPT_FILE} must hold {SERVED_PLACEHOLDER!r} once")
    return source.replace(SERVED_PLACEHOLDER, filled)


@functools.cache
def embed_script() -> Script:
    """The web component as served, made once."""
    body = script_source(SCRIPT_FILE.read_text(encoding="utf-8")).encode()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    version = hashlib.sha256(body).hexdigest()[:16]
    return Script(body, version, integrity)
