"""Fascia from Python: a typed client generated from the OpenAPI document by
openapi-python-client (the package `fascia_client`, beside this file)."""

import sys
from http import HTTPStatus

from fascia_client import Client
from fascia_client.api.muscles import get_muscle
from fascia_client.api.self_tests import get_self_test
from fascia_client.models import Problem, SelfTestView

base_url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
with Client(base_url=base_url) as client:
    # 1. A self-test's partner variant, in English and Spanish: the screening questions and the
    #    disclaimer first, then each step with its STOP warnings.
    for lang in ("en", "es"):
        self_test = get_self_test.sync(
            client=client, self_test_id="muscular-minesweeper", variant="partner", lang=lang
        )
        if not isinstance(self_test, SelfTestView):
            raise SystemExit(f"could not fetch the self-test: {self_test}")
        print(f"# {self_test.name} ({lang})")
        for screening in self_test.screening:
            print(f"Ask first: {screening.question}")
        disclaimer = next(w for w in self_test.warnings if w.kind == "disclaimer")
        print(f"Disclaimer: {disclaimer.title}")
        for step in self_test.variants[0].steps:
            print(f"{step.number}. {step.title}")
            for warning in step.warnings:
                if warning.severity == "stop":
                    print(f"   STOP: {warning.title}")

    # 2. Caching: send the ETag back in If-None-Match; while the resource is unchanged the
    #    answer is a 304 with no body, and the copy you hold is still good.
    first = get_muscle.sync_detailed(client=client, muscle_id="gluteus-maximus")
    etag = first.headers["ETag"]
    again = get_muscle.sync_detailed(client=client, muscle_id="gluteus-maximus", if_none_match=etag)
    if again.status_code == HTTPStatus.NOT_MODIFIED and not isinstance(first.parsed, Problem):
        print(f"304: {first.parsed.name} is unchanged since {etag}")

    # 3. Errors are application/problem+json: `detail` says what was wrong, and fields such as
    #    `allowed_values` say what would have worked.
    wrong = get_self_test.sync(
        client=client, self_test_id="muscular-minesweeper", variant="tennis-ball"
    )
    if isinstance(wrong, Problem):
        print(f"{wrong.status} {wrong.title}: {wrong.detail}")
        print(f"Variants: {', '.join(wrong.allowed_values or [])}")
