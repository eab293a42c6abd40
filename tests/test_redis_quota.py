"""Quotas in Redis: two replicas share one count, against a real Redis server."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api import Settings, create_app
from tests.conftest import BUNDLE
from tests.servers import free_port, redis

pytestmark = pytest.mark.live


def test_replicas_share_the_quota_through_redis() -> None:
    port = free_port()
    with redis(port):
        settings = Settings(
            bundle=BUNDLE,
            rate_limit="3/minute",
            rate_limit_storage=f"redis://127.0.0.1:{port}",
        )
        with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
            statuses = [
                first.get("/v1/muscles").status_code,
                second.get("/v1/muscles").status_code,
                first.get("/v1/muscles").status_code,
                second.get("/v1/muscles").status_code,
            ]
    assert statuses == [200, 200, 200, 429]
