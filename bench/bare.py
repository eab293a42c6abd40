"""The ceiling for ``make bench``: a bare ASGI app on uvicorn, run as ``python -m api serve`` runs
uvicorn (the same httptools protocol subclass, event loop, keep-alive and limits), answering every
request with the bytes and headers of one of Fascia's cached answers, or its 304 when asked with
the matching ``If-None-Match``. Everything Fascia does on top of that costs the difference.

    python -m bench.bare PORT ANSWERS.json   # {"ok": [status, headers, body], "not_modified": ...}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uvicorn
from starlette.types import Receive, Scope, Send

from api.ops.protocol import GuardedHttpTools
from api.ops.serve import KEEP_ALIVE_SECONDS


def app_answering(answers: dict[str, list[object]]) -> object:
    """An ASGI app sending ``answers["ok"]``, or ``answers["not_modified"]`` on a matching ETag."""
    ok, not_modified = answers["ok"], answers["not_modified"]
    head = {"type": "http.response.start", "status": ok[0], "headers": _raw(ok[1])}
    body = {"type": "http.response.body", "body": str(ok[2]).encode()}
    head_304 = {"type": "http.response.start", "status": 304, "headers": _raw(not_modified[1])}
    empty = {"type": "http.response.body", "body": b""}
    etag = dict(_raw(ok[1]))[b"etag"]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan: nothing to start
        if (b"if-none-match", etag) in scope["headers"]:
            await send(head_304)
            await send(empty)
        else:
            await send(head)
            await send(body)

    return app


def _raw(headers: object) -> list[tuple[bytes, bytes]]:
    return [(str(k).encode(), str(v).encode()) for k, v in headers]  # type: ignore[attr-defined]


def main() -> int:
    port, answers = int(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
    config = uvicorn.Config(
        app_answering(answers),  # type: ignore[arg-type]
        http=GuardedHttpTools,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        log_config=None,
        access_log=False,
        server_header=False,
        limit_concurrency=1000 + 1,  # FASCIA_MAX_CONNECTIONS' default, counted as serve counts it
        lifespan="off",
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
