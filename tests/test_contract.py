"""Contract: schemathesis, with every check, finds nothing against the in-process app.

One test for the JSON operations and one for each representation's operations on their suffix
paths, so that parallel workers share the run; in each, every operation is a subtest.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.generation.case import Case
from schemathesis.schemas import BaseSchema

from api import Settings, create_app
from tests.conftest import BUNDLE

pytestmark = pytest.mark.contract

REPRESENTATIONS = ["json-ld", "html", "markdown", "pdf", "svg", "png", "fhir"]  # suffix paths


@pytest.fixture(scope="module")
def served() -> BaseSchema:
    """The document an app in this process serves, with the app: made when a test runs, so
    that collecting the suite (``-m unit`` too) builds neither, nor a test for each operation."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(bundle=BUNDLE)))


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32 names each operation's result by rewriting ``node._nodeid``, which
    pytest 9.2 no longer has; its subtests still name the operation."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("served")


@schema.exclude(tag=REPRESENTATIONS).parametrize()
def test_every_operation_honours_the_spec(case: Case) -> None:
    """Every JSON operation (and the script, the embed pages, oEmbed, health)."""
    case.call_and_validate()


@schema.include(tag=["json-ld", "fhir"]).parametrize()
def test_every_linked_data_operation_honours_the_spec(case: Case) -> None:
    case.call_and_validate()


@schema.include(tag="html").parametrize()
def test_every_html_operation_honours_the_spec(case: Case) -> None:
    case.call_and_validate()


@schema.include(tag="markdown").parametrize()
def test_every_markdown_operation_honours_the_spec(case: Case) -> None:
    case.call_and_validate()


@schema.include(tag="pdf").parametrize()
def test_every_pdf_operation_honours_the_spec(case: Case) -> None:
    """Sampled (schemathesis.toml): each PDF operation's documented examples and four generated
    requests, without the coverage phase. A PDF is its HTML twin's page typeset, and the HTML
    operations take the same parameters through every phase."""
    case.call_and_validate()


@schema.include(tag=["svg", "png"]).parametrize()
def test_every_picture_operation_honours_the_spec(case: Case) -> None:
    case.call_and_validate()
