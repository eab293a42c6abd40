"""Structured logs: one JSON object per line on standard error."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import time
from typing import Any, TextIO

EVENTS = logging.getLogger("fascia")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra fields}``; access lines arrive as dicts."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if isinstance(record.msg, dict):
            entry |= record.msg
        else:
            entry["message"] = record.getMessage()
        entry |= getattr(record, "fields", {})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return _one_line(json.dumps(entry, ensure_ascii=False, default=str))


def configure(level: str) -> None:
    """Send every logger (uvicorn's too) to standard error as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # WeasyPrint logs each of its seven typesetting steps per PDF at info: only its problems.
    logging.getLogger("weasyprint").setLevel(max(logging.WARNING, root.level))


def event(message: str, level: str = "info", **fields: Any) -> None:
    EVENTS.log(logging.getLevelName(level.upper()), message, extra={"fields": fields})


_PLAIN = re.compile(r"[ !#-\[\]-~]*").fullmatch  # printable ASCII but " and \


def _string(text: str) -> str:
    """``text`` as a JSON string; plain text (the usual case) needs no encoder."""
    return f'"{text}"' if _PLAIN(text) else _one_line(json.dumps(text, ensure_ascii=False))


# JSON leaves these unescaped, but many readers (Python's splitlines among them) break lines there.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(encoded: str) -> str:
    """JSON text with every character that some reader takes for a line break escaped."""
    return encoded.translate(_LINE_BREAKS)


class AccessLog:
    """Request lines, written in batches: at most ``max_delay`` seconds or ``max_lines`` late.

    The logging module formats and flushes each record on its own, which costs more than
    answering a compiled request; batching keeps the log at a few microseconds a line.
    """

    def __init__(self, stream: TextIO | None = None, max_delay: float = 0.25) -> None:
        self.stream = stream
        self.max_delay = max_delay
        self.max_lines = 256
        self.lines: list[str] = []
        self.scheduled = False
        self.second = -1
        self.stamp = ""

    def request(
        self,
        request_id: str,
        method: str,
        path: str,
        query: str,
        route: str,
        status: int,
        size: int,
        seconds: float,
        client: str | None,
    ) -> None:
        """Add one request's line (formatted by hand: this runs for every request)."""
        now = time.time()
        if int(now) != self.second:
            self.second = int(now)
            self.stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
        stamp = f"{self.stamp}.{int(now % 1 * 1000):03d}Z"
        self.lines.append(
            f'{{"time":"{stamp}","level":"info","logger":"fascia.access","event":"request",'
            f'"request_id":{_string(request_id)},"method":{_string(method)},'
            f'"path":{_string(path)},"query":{_string(query)},"route":{_string(route)},'
            f'"status":{status},"bytes":{size},"duration_ms":{seconds * 1000:.3f},'
            f'"client":{_string(client) if client is not None else "null"}}}'
        )
        if len(self.lines) >= self.max_lines:
            self.flush()
        elif not self.scheduled:
            self.scheduled = True
            try:
                asyncio.get_running_loop().call_later(self.max_delay, self.flush)
            except RuntimeError:  # no event loop (a synchronous caller): write now
                self.flush()

    def flush(self) -> None:
        self.scheduled = False
        if self.lines:
            stream = self.stream or sys.stderr
            stream.write("\n".join(self.lines) + "\n")
            stream.flush()
            self.lines.clear()
