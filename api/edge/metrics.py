"""Prometheus metrics: requests by route, status and representation; latency; content version."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, Info
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST
BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
REPRESENTATIONS = {
    b"application/json": "json",
    b"application/ld+json": "jsonld",
    b"text/html": "html",
    b"text/markdown": "markdown",
    b"application/problem+json": "problem",
}


class Metrics:
    """One registry per app, so several apps (in tests) never share counts."""

    def __init__(self, content_version: str, locales: tuple[str, ...], items: int) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "fascia_requests",
            "Requests answered, by route template, status and representation.",
            ("route", "status", "representation"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "fascia_request_duration_seconds",
            "Time from request to last byte handed to the server, by route template.",
            ("route",),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.quota_store_errors = Counter(
            "fascia_quota_store_errors",
            "Times the quota store (Redis) could not be reached.",
            registry=self.registry,
        )
        self.children: dict[tuple[str, int, bytes], tuple[Any, Any]] = {}
        info = Info("fascia_content", "The content being served.", registry=self.registry)
        info.info({"version": content_version, "locales": ",".join(locales), "items": str(items)})

    def observe(self, route: str, status: int, content_type: bytes, seconds: float) -> None:
        key = (route, status, content_type)
        children = self.children.get(key)
        if children is None:  # label lookups are the slow part: do each once
            media_type = content_type.split(b";", 1)[0].strip()
            representation = REPRESENTATIONS.get(media_type, "other" if media_type else "none")
            children = (
                self.requests.labels(route, str(status), representation),
                self.latency.labels(route),
            )
            if len(self.children) < 10_000:
                self.children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
