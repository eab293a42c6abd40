"""Contract: schemathesis, with every check, finds nothing against the in-process app."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.generation.case import Case

from api import Settings, create_app
from tests.conftest import BUNDLE

pytestmark = pytest.mark.contract

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings(bundle=BUNDLE)))


@schema.parametrize()
def test_every_operation_honours_the_spec(case: Case) -> None:
    case.call_and_validate()
