"""Settings: defaults, environment overrides, and errors that name the variable (the docs' table
of every setting and its default is checked in test_docs_site)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api import Settings
from api.__main__ import main
from api.ops.serve import quota_warning

pytestmark = pytest.mark.unit


def test_defaults_listen_on_loopback() -> None:
    settings = Settings()
    assert (settings.host, settings.port, settings.content_dir) == (
        "127.0.0.1",
        8000,
        Path("content"),
    )


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASCIA_PORT", "9000")
    monkeypatch.setenv("FASCIA_CONTENT_DIR", "/srv/content")
    assert (Settings().port, Settings().content_dir) == (9000, Path("/srv/content"))


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASCIA_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


@pytest.mark.parametrize("storage", ["redis://h:abc", "mem://", "postgres://db", ""])
def test_a_bad_quota_store_stops_start_up_naming_the_setting(storage: str) -> None:
    with pytest.raises(ValidationError, match="rate_limit_storage"):
        Settings(rate_limit_storage=storage)


def test_a_bad_setting_is_named_by_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FASCIA_PORT", "99999")
    monkeypatch.setenv("FASCIA_PUBLIC_URL", "ftp://x")
    assert main(["serve"]) == 1
    error = capsys.readouterr().err
    assert "  FASCIA_PORT: Input should be less than or equal to 65535 (given '99999')" in error
    assert "FASCIA_PUBLIC_URL: " in error
    assert "pydantic" not in error
    assert "errors.pydantic.dev" not in error


@pytest.mark.parametrize(
    ("variable", "secret"),
    [
        ("FASCIA_API_KEY_DIGESTS", "my-plain-api-key-s3cret"),  # a key where its digest goes
        ("FASCIA_METRICS_TOKEN", "s3cret"),  # too short to be a token
        ("FASCIA_WEBHOOK_SECRET", "whsec_s3cret!!"),
        ("FASCIA_RATE_LIMIT_STORAGE", "redis://user:s3cret@cache:port/0"),
        ("FASCIA_WEBHOOK_URLS", "ftp://hooks.example/in?token=s3cret"),
    ],
)
def test_a_bad_secret_setting_is_named_but_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, secret: str
) -> None:
    monkeypatch.setenv(variable, secret)
    assert main(["serve"]) == 1
    error = capsys.readouterr().err
    assert f"  {variable}: " in error
    assert "s3cret" not in error


def test_several_workers_counting_a_quota_in_memory_are_warned_of() -> None:
    quota = {"rate_limit": "600/minute"}
    assert quota_warning(Settings(workers=1, **quota)) is None
    assert quota_warning(Settings(workers=4)) is None  # no quota
    assert (
        quota_warning(Settings(workers=4, rate_limit_storage="redis://cache:6379", **quota)) is None
    )
    warning = quota_warning(Settings(workers=4, **quota))
    assert warning is not None
    assert "4 times" in warning
    assert "FASCIA_RATE_LIMIT_STORAGE" in warning
