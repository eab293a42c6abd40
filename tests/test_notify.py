"""``python -m api notify``: signed webhooks to real receivers on 127.0.0.1, checked with the
independent ``standardwebhooks`` implementation, with retries and a report."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.__main__ import main
from api.ops.notify import Delivery, deliver, sign
from tests.conftest import BUNDLE, ROOT
from tests.releases import RETIRED, WARNING, Releases

pytestmark = pytest.mark.unit

SECRET = "whsec_" + base64.b64encode(b"fascia-test-secret-32-bytes-long").decode()


@dataclass
class Receiver:
    """Answers ``failures`` 503s on a path, then 200; records every verified body."""

    failures: dict[str, int]
    calls: dict[str, int] = field(default_factory=dict)
    verified: dict[str, list[Any]] = field(default_factory=dict)
    message_ids: dict[str, set[str]] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver({"/ok": 0, "/flaky": 2, "/down": 10**6, "/moved": 0})
    verifier = Webhook(SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            state.calls[self.path] = state.calls.get(self.path, 0) + 1
            if self.path == "/moved":  # elsewhere: a signed request must not follow
                self.send_response(302)
                self.send_header("location", "/ok")
                self.send_header("content-length", "0")
                self.end_headers()
                return
            try:
                payload = verifier.verify(body, dict(self.headers.items()))
            except WebhookVerificationError as error:
                state.rejected.append(f"{self.path}: {error}")
                self.send_response(401)
            else:
                state.message_ids.setdefault(self.path, set()).add(self.headers["webhook-id"])
                if state.calls[self.path] > state.failures[self.path]:
                    state.verified.setdefault(self.path, []).append(payload)
                    self.send_response(204)
                else:
                    self.send_response(503)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _configure(monkeypatch: pytest.MonkeyPatch, releases: Releases, urls: list[str]) -> None:
    settings = {
        "FASCIA_BUNDLE": str(releases.bundle),
        "FASCIA_WEBHOOK_URLS": ",".join(urls),
        "FASCIA_WEBHOOK_SECRET": SECRET,
        "FASCIA_WEBHOOK_ATTEMPTS": "4",
        "FASCIA_WEBHOOK_BACKOFF": "0.01",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def test_notify_posts_the_signed_change_feed(
    receiver: tuple[Receiver, str],
    releases: Releases,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state, base = receiver
    _configure(monkeypatch, releases, [f"{base}/ok", f"{base}/flaky"])
    assert main(["notify", "--since", releases.first]) == 0
    assert state.rejected == []
    assert state.calls == {"/ok": 1, "/flaky": 3}
    assert len(state.message_ids["/flaky"]) == 1  # retries are the same message
    (event,) = state.verified["/flaky"]
    assert event["type"] == "content.changed"
    assert event["data"]["since"] == releases.first
    assert event["data"]["content_version"] == releases.second
    changes = {change["id"]: change for change in event["data"]["changes"]["en"]}
    assert changes[WARNING]["safety"] is True
    assert changes[RETIRED]["change"] == "retired"
    assert "delivered to " + f"{base}/flaky (attempt 3)" in capsys.readouterr().out


def test_notify_reports_a_subscriber_that_keeps_failing(
    receiver: tuple[Receiver, str],
    releases: Releases,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state, base = receiver
    _configure(monkeypatch, releases, [f"{base}/down", f"{base}/ok"])
    assert main(["notify", "--since", releases.first]) == 1
    output = capsys.readouterr()
    assert state.calls == {"/down": 4, "/ok": 1}
    assert f"FAILED for {base}/down after 4 attempt(s): HTTP 503" in output.err
    assert "notify: 1 delivered, 1 failed" in output.out


def test_a_wrong_secret_fails_verification(receiver: tuple[Receiver, str]) -> None:
    state, base = receiver
    other = "whsec_" + base64.b64encode(b"another-secret-of-thirty-two-byt").decode()
    (delivery,) = deliver((f"{base}/ok",), {"x": 1}, other, attempts=2, backoff=0, timeout=5)
    assert delivery.error == "HTTP 401"
    assert len(state.rejected) == 2


def test_signature_matches_the_reference_implementation() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    at = datetime.fromtimestamp(1614265330, tz=UTC)
    expected = Webhook(secret).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body)
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body.encode()) == expected


def test_notify_since_an_unknown_version_fails_clearly(
    releases: Releases, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(monkeypatch, releases, ["http://127.0.0.1:9/never"])
    assert main(["notify", "--since", "0123456789abcdef"]) == 1
    assert "no release has content version '0123456789abcdef'" in capsys.readouterr().err


def test_notify_with_nothing_changed_sends_nothing(
    releases: Releases, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(monkeypatch, releases, ["http://127.0.0.1:9/never"])
    assert main(["notify", "--since", releases.second]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_a_redirecting_subscriber_is_a_failure_not_followed(
    receiver: tuple[Receiver, str],
) -> None:
    state, base = receiver
    (delivery,) = deliver((f"{base}/moved",), {"x": 1}, SECRET, attempts=2, backoff=0, timeout=5)
    assert delivery.error == "HTTP 302 (a redirect: not followed)"
    assert state.calls == {"/moved": 2}  # nothing reached /ok


def test_printed_urls_hide_passwords_and_tokens() -> None:
    url = "https://hook:s3cret@cms.example:8443/hooks/fascia?token=abc123#x"
    delivery = Delivery(url, 1, None)
    assert str(delivery) == "delivered to https://cms.example:8443/hooks/fascia?… (attempt 1)"
    failed = str(Delivery(url, 3, "HTTP 500"))
    assert "s3cret" not in failed
    assert "abc123" not in failed


def test_a_real_delivery_is_what_the_openapi_webhook_describes(
    receiver: tuple[Receiver, str], releases: Releases, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, base = receiver
    _configure(monkeypatch, releases, [f"{base}/ok"])
    monkeypatch.setenv("FASCIA_PUBLIC_URL", "https://fascia.example")
    assert main(["notify", "--since", releases.first]) == 0
    (event,) = state.verified["/ok"]
    document = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    webhook = document["webhooks"]["content.changed"]["post"]
    schema = webhook["requestBody"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    assert list(validator.iter_errors(event)) == []
    assert {p["name"] for p in webhook["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    change = event["data"]["changes"]["en"][0]
    assert change["url"] == "https://fascia.example" + change["href"]
    broken = {**event, "data": {**event["data"], "changes": {"en": [{"id": 1}]}}}
    assert list(validator.iter_errors(broken))  # the check can fail


def test_notify_checks_the_version_before_anything_else(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FASCIA_WEBHOOK_URLS", raising=False)
    monkeypatch.setenv("FASCIA_BUNDLE", str(BUNDLE))
    assert main(["notify", "--since", "0123456789abcdef"]) == 1
    assert "no release has content version" in capsys.readouterr().err


def test_an_unusable_url_fails_alone_and_prints_no_token(
    receiver: tuple[Receiver, str],
) -> None:
    """A URL urllib cannot use (a bad port, a space in the host) is that subscriber's failure:
    no traceback, the token in it never printed, and the other subscribers still get the event."""
    state, base = receiver
    bad = ("https://hooks.example:port/in?token=s3cret", "http://bad host/in?token=s3cret")
    deliveries = deliver(
        (*bad, f"{base}/ok"), {"type": "t"}, SECRET, attempts=3, backoff=0, timeout=5
    )
    assert [d.error is None for d in deliveries] == [False, False, True]
    assert [d.attempts for d in deliveries[:2]] == [1, 1]
    assert all("s3cret" not in str(d) for d in deliveries)
    assert state.verified["/ok"] == [{"type": "t"}]


def test_the_same_event_sent_again_has_the_same_id(receiver: tuple[Receiver, str]) -> None:
    """Standard Webhooks: a subscriber de-duplicates on webhook-id."""
    state, base = receiver
    for event in ({"type": "a"}, {"type": "a"}):
        deliver((f"{base}/ok",), event, SECRET, attempts=1, backoff=0, timeout=5)
    assert len(state.message_ids["/ok"]) == 1
    deliver((f"{base}/ok",), {"type": "b"}, SECRET, attempts=1, backoff=0, timeout=5)
    assert len(state.message_ids["/ok"]) == 2
