"""Headers every response carries: content-type sniffing off, no referrer, a strict CSP."""

from __future__ import annotations

import base64
import hashlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ALLOWED_METHODS
from api.render.html import STYLE

__all__ = ["ALLOWED_METHODS", "SecurityHeaders", "security_headers"]

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# HTML handouts need their one inline stylesheet and nothing else: no script, no frames, no forms.
HTML_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


def security_headers(content_type: bytes, with_policy: bool = True) -> list[tuple[bytes, bytes]]:
    """The headers added to a response of ``content_type``; ``with_policy``: with the CSP (not
    on a 304, which has no body to police, nor on a response that set its own)."""
    headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    if with_policy:
        policy = HTML_POLICY if content_type.startswith(b"text/html") else DATA_POLICY
        headers.append((b"content-security-policy", policy.encode()))
    return headers


class SecurityHeaders:
    """Adds ``security_headers`` to every response of the app, so cached ones carry them too.

    A response that sets its own Content-Security-Policy keeps it: the API reference page
    (``api.docs``) runs scripts from this origin, which no other page may.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                has_body = message["status"] != 304
                own_policy = any(k == b"content-security-policy" for k, _ in headers)
                headers += security_headers(content_type, has_body and not own_policy)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
