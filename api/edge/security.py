"""Headers every response carries: content-type sniffing off, no referrer, a strict CSP.

Pages may not be framed (``frame-ancestors 'none'``), except the ``/embed/`` pages made for
iframes, which the sites of ``FASCIA_EMBED_FRAME_ANCESTORS`` may frame, and which alone run a
script: the web component's, from this origin (``EMBED_SCRIPT_SOURCE``), with its integrity hash.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import ALLOWED_METHODS
from api.render.embedpage import EMBED_PATH_PREFIX, EMBED_SCRIPT_SOURCE, EMBED_STYLE
from api.render.html import STYLES

__all__ = ["ALLOWED_METHODS", "SecurityHeaders", "html_policy", "security_headers"]


def _style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


def html_policy(frame_ancestors: str = "'none'", script_src: str | None = None) -> str:
    """The CSP of HTML pages: their inline stylesheets and nothing else (no forms, and no script
    unless ``script_src`` names where it may come from)."""
    scripts = f"script-src {script_src}; " if script_src else ""
    return (
        f"default-src 'none'; {scripts}style-src {' '.join(map(_style_hash, STYLES.values()))} "
        f"{_style_hash(EMBED_STYLE)}; "
        f"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}"
    )


HTML_POLICY = html_policy()
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def security_headers(
    content_type: bytes, with_policy: bool = True, framable_by: str | None = None
) -> list[tuple[bytes, bytes]]:
    """The headers added to a response of ``content_type``; ``with_policy``: with the CSP (not
    on a 304, which has no body to police, nor on a response that set its own); an HTML page
    ``framable_by`` some sources says so in its ``frame-ancestors``."""
    headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    if with_policy:
        if not content_type.startswith(b"text/html"):
            policy = DATA_POLICY
        elif framable_by is not None:
            policy = html_policy(framable_by, EMBED_SCRIPT_SOURCE)
        else:
            policy = HTML_POLICY
        headers.append((b"content-security-policy", policy.encode()))
    return headers


class SecurityHeaders:
    """Adds ``security_headers`` to every response of the app, so cached ones carry them too.

    A response that sets its own Content-Security-Policy keeps it: the API reference page
    (``api.routes.docs``) runs scripts from this origin, which no other page may.
    """

    def __init__(self, app: ASGIApp, frame_ancestors: tuple[str, ...] = ("'none'",)) -> None:
        self.app = app
        self.frame_ancestors = " ".join(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        framable = scope["path"].startswith(EMBED_PATH_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                has_body = message["status"] != 304
                own_policy = any(k == b"content-security-policy" for k, _ in headers)
                framable_by = self.frame_ancestors if framable else None
                headers += security_headers(content_type, has_body and not own_policy, framable_by)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
