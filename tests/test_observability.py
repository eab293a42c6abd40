"""Metrics in Prometheus format and JSON access logs with request ids."""

from __future__ import annotations

import io
import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.edge.logs import AccessLog, JsonFormatter
from tests.conftest import MakeClient

pytestmark = pytest.mark.unit


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = client.get("/metrics").text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_requests_are_counted_by_route_status_and_representation(make_client: MakeClient) -> None:
    client = make_client()
    client.get("/v1/muscles/gluteus-maximus")
    client.get("/v1/muscles/gluteus-medius.html")
    client.get("/v1/muscles/nobody")
    found = samples(client)
    route = ("route", "/v1/muscles/{muscle_id}")
    ok_json = frozenset({route, ("status", "200"), ("representation", "json")})
    ok_html = frozenset({route, ("status", "200"), ("representation", "html")})
    missing = frozenset({route, ("status", "404"), ("representation", "problem")})
    assert found[("fascia_requests_total", ok_json)] == 1
    assert found[("fascia_requests_total", ok_html)] == 1
    assert found[("fascia_requests_total", missing)] == 1
    count = found[("fascia_request_duration_seconds_count", frozenset({route}))]
    assert count == 3


def test_content_version_is_an_info_metric(client: TestClient) -> None:
    version = client.get("/readyz").json()["content_version"]
    info = [key for key in samples(client) if key[0] == "fascia_content_info"]
    assert ("version", version) in info[0][1]


def test_access_log_is_one_json_line_with_the_request_id(make_client: MakeClient) -> None:
    client = make_client(access_log=True)
    app = client.app
    app.state.access_log.stream = io.StringIO()
    client.get("/v1/warnings?severity=stop", headers={"X-Request-ID": "trace-42"})
    app.state.access_log.flush()
    (line,) = [json.loads(text) for text in app.state.access_log.stream.getvalue().splitlines()]
    assert line["request_id"] == "trace-42"
    assert (line["method"], line["path"], line["query"]) == ("GET", "/v1/warnings", "severity=stop")
    assert (line["route"], line["status"]) == ("/v1/warnings", 200)
    assert line["duration_ms"] > 0
    assert (line["level"], line["logger"]) == ("info", "fascia.access")
    assert line["time"].endswith("Z")


@pytest.mark.parametrize(("enabled", "lines"), [(False, 0), (True, 1)])
def test_access_log_can_be_turned_off(
    capsys: pytest.CaptureFixture[str], make_client: MakeClient, enabled: bool, lines: int
) -> None:
    client = make_client(access_log=enabled)
    app = client.app
    client.get("/v1/muscles", headers={"X-Request-ID": "off-or-on"})
    if app.state.access_log is not None:
        app.state.access_log.flush()  # to standard error, where the server writes it
    assert capsys.readouterr().err.count('"request_id":"off-or-on"') == lines


def test_other_logs_are_json_lines() -> None:
    record = logging.LogRecord("fascia", logging.INFO, __file__, 1, "content loaded", (), None)
    record.fields = {"items": 3}
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["items"], line["level"]) == ("content loaded", 3, "info")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v1/muscles", ""),
        ('/v1/"quoted"\\back', "q=caf\u00e9&x=\u00f1"),
        ("/v1/\x01control\x7f", "a=\u2028b"),
        ("/v1/next\x85line", "a=\u2029b"),
    ],
)
def test_access_lines_are_valid_json_whatever_the_path(path: str, query: str) -> None:
    log = AccessLog(io.StringIO())
    log.request("id-1", "GET", path, query, "unmatched", 404, 10, 0.0012, None)
    log.flush()
    text = log.stream.getvalue()  # type: ignore[union-attr]
    assert len(text.splitlines()) == 1  # no character any reader takes for a line break
    line = json.loads(text)
    assert (line["path"], line["query"], line["client"]) == (path, query, None)
    assert (line["status"], line["duration_ms"]) == (404, 1.2)
