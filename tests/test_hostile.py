"""Property-based: random headers, parameters and content files never cause a 5xx or a traceback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import ContentProblem, check_content

pytestmark = pytest.mark.unit

HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200)
PARAMETER_TEXT = st.text(max_size=60)
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(
    accept=HEADER_TEXT,
    language=HEADER_TEXT,
    etag=HEADER_TEXT,
    request_id=HEADER_TEXT,
    origin=HEADER_TEXT,
)
def test_random_headers_never_fail(
    client: TestClient, accept: str, language: str, etag: str, request_id: str, origin: str
) -> None:
    headers = {
        "Accept": accept,
        "Accept-Language": language,
        "If-None-Match": etag,
        "X-Request-ID": request_id,
        "Origin": origin,
    }
    response = client.get("/v1/self-tests/muscular-minesweeper/steps/5", headers=headers)
    assert response.status_code in (200, 304, 406)


@QUICK
@given(lang=PARAMETER_TEXT, variant=PARAMETER_TEXT, severity=PARAMETER_TEXT, path=PARAMETER_TEXT)
def test_random_parameters_never_fail(
    client: TestClient, lang: str, variant: str, severity: str, path: str
) -> None:
    for url, params in [
        ("/v1/self-tests/muscular-minesweeper", {"lang": lang, "variant": variant}),
        ("/v1/warnings", {"severity": severity, "lang": lang}),
        (f"/v1/muscles/{quote(path, safe='')}", {}),
    ]:
        response = client.get(url, params=params)
        assert response.status_code in (200, 400, 404, 406, 414, 422), (url, params)
        if response.status_code != 200:
            assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scratch") / "content"


def _check_one_file(content: Path, text: str) -> list[ContentProblem]:
    target = content / "en" / "muscles" / "random.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return check_content(content)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)


@QUICK
@given(text=st.text(max_size=400))
def test_random_text_as_content_is_a_content_error(scratch: Path, text: str) -> None:
    problems = _check_one_file(scratch, text)
    assert problems
    # Each problem names the file it is in (and a message), not a traceback.
    assert {problem.file for problem in problems} == {"content/en/muscles/random.yaml"}
    assert all(problem.message for problem in problems)


@QUICK
@given(data=YAML_VALUES)
def test_random_yaml_as_content_is_a_content_error(scratch: Path, data: object) -> None:
    problems = _check_one_file(scratch, yaml.safe_dump(data))
    assert problems
    assert all(problem.file == "content/en/muscles/random.yaml" for problem in problems)
