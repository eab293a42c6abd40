"""Quotas in Redis: two replicas share one count, against a real Redis server."""

from __future__ import annotations

import pytest

from tests.conftest import app_client
from tests.servers import free_port, redis

pytestmark = pytest.mark.live


def test_replicas_share_the_quota_through_redis() -> None:
    port = free_port()
    with redis(port):
        settings = {"rate_limit": "3/minute", "rate_limit_storage": f"redis://127.0.0.1:{port}"}
        with app_client(**settings) as first, app_client(**settings) as second:
            statuses = [
                first.get("/v1/muscles").status_code,
                second.get("/v1/muscles").status_code,
                first.get("/v1/muscles").status_code,
                second.get("/v1/muscles").status_code,
            ]
    assert statuses == [200, 200, 200, 429]
