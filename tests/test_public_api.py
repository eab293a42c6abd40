"""The package's public surface is explicit; changing it is a deliberate act."""

import pytest

import api

pytestmark = pytest.mark.unit


def test_public_names() -> None:
    assert sorted(api.__all__) == [
        "Catalog",
        "ContentError",
        "ContentProblem",
        "Library",
        "Settings",
        "check_content",
        "create_app",
        "load_catalog",
        "load_library",
    ]
    assert all(hasattr(api, name) for name in api.__all__)
