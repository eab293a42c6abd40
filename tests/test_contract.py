"""Contract: schemathesis, with every check, finds nothing against the in-process app."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from api import Settings, create_app
from tests.conftest import BUNDLE

pytestmark = pytest.mark.contract


@pytest.fixture(scope="module")
def served() -> BaseSchema:
    """The document an app in this process serves, with the app: made when the test runs, so
    that collecting the suite (``-m unit`` too) builds neither, nor a test for each operation."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(bundle=BUNDLE)))


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32 names each operation's result by rewriting ``node._nodeid``, which
    pytest 9.2 no longer has; its subtests still name the operation."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("served")


@schema.parametrize()
def test_every_operation_honours_the_spec(case: Case) -> None:
    """One test; each operation a subtest of it."""
    case.call_and_validate()
