"""The hazard log (``content/governance/hazards.yaml``): ``check`` refuses a hazard without a
control, a control verified by nothing, a test not in the suite, a rule ``check`` does not have
and a residual risk above the initial one; every rule a control names really runs; and the
tests the log names for the review-date and sign-off hazards."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from api import check_content
from api.__main__ import SAFETY_CASE_PATH, main, safety_case_markdown
from api.content.checks import CHECK_RULES
from api.content.diagnostics import ContentProblem
from api.content.governance import hazard_problems, read_hazards, suite_tests
from api.content.hazards import RISK_MATRIX, Risk
from api.content.library import load_library
from api.content.signoffs import SignOff, governance_of
from tests.conftest import CONTENT, ROOT

pytestmark = pytest.mark.unit

LOG = "content/governance/hazards.yaml"
# The hazards the clinical governance asks the log to hold, at least.
REQUIRED = {
    "sciatic-nerve-pressure",
    "red-flag-self-check",
    "wrong-emergency-number",
    "contraindication-self-check",
    "safety-text-lost-in-transit",
    "weakened-translation",
    "content-past-review",
    "handout-loses-warning",
    "assistant-omits-warning",
    "wrong-content-for-code",
    "fabricated-sign-off",
}
# A clinician only tests make up, in temporary copies of the content.
INVENTED = {
    "role": "Clinical Safety Officer",
    "name": "Test Clinician",
    "professional_body": "HCPC",
    "registration": "PH000000",
    "decision": "approved",
    "scope": ["all"],
}


def edit_log(content: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = content / "governance" / "hazards.yaml"
    log = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(log["hazards"][0])
    path.write_text(yaml.safe_dump(log, sort_keys=False, allow_unicode=True), encoding="utf-8")


def errors(content: Path) -> list[ContentProblem]:
    return [p for p in check_content(content) if p.severity == "error"]


def only_error(content: Path) -> ContentProblem:
    (problem,) = errors(content)
    assert problem.file == LOG
    assert problem.line is not None
    return problem


def test_the_shipped_log_checks_and_holds_every_hazard_with_a_tested_control() -> None:
    library = load_library(CONTENT)
    assert {hazard.id for hazard in library.hazards} >= REQUIRED
    for hazard in library.hazards:
        tested = [v for c in hazard.controls for v in c.verified_by if v.test is not None]
        assert tested, hazard.id


def test_the_matrix_is_dcb0129s() -> None:
    assert Risk(severity="minor", likelihood="very low").rating == 1
    assert Risk(severity="catastrophic", likelihood="very high").rating == 5
    assert Risk(severity="major", likelihood="low").rating == 3
    assert Risk(severity="catastrophic", likelihood="very low").rating == 3
    assert Risk(severity="minor", likelihood="very high").rating == 3
    # Never lower for a worse severity or a likelier harm.
    for row in RISK_MATRIX:
        assert list(row) == sorted(row)
    for column in zip(*RISK_MATRIX, strict=True):
        assert list(column) == sorted(column)


def test_a_hazard_without_a_control_is_refused(content_copy: Path) -> None:
    edit_log(content_copy, lambda hazard: hazard.update(controls=[]))
    problem = only_error(content_copy)
    assert problem.field == "hazards.0.controls"
    assert "at least one control" in problem.message


def test_a_control_verified_by_nothing_is_refused(content_copy: Path) -> None:
    edit_log(content_copy, lambda hazard: hazard["controls"][0].pop("verified_by"))
    problem = only_error(content_copy)
    assert problem.field == "hazards.0.controls.0.verified_by"
    assert "verified_by" in problem.message


def test_a_test_that_is_not_in_the_suite_is_refused(content_copy: Path) -> None:
    missing = "tests/test_geometry.py::test_that_was_never_written"
    edit_log(
        content_copy, lambda hazard: hazard["controls"][0]["verified_by"][1].update(test=missing)
    )
    problem = only_error(content_copy)
    assert problem.field == "hazards.0.controls.0.verified_by.1.test"
    assert f"no test {missing}" in problem.message


def test_a_parametrised_test_is_found_by_its_function(content_copy: Path) -> None:
    named = "tests/test_safety.py::test_an_unknown_region_gets_advice_that_names_no_number[JP]"
    edit_log(
        content_copy, lambda hazard: hazard["controls"][0]["verified_by"][1].update(test=named)
    )
    assert errors(content_copy) == []


def test_a_rule_check_does_not_have_is_refused(content_copy: Path) -> None:
    edit_log(
        content_copy, lambda hazard: hazard["controls"][0]["verified_by"][0].update(rule="vibes")
    )
    problem = only_error(content_copy)
    assert problem.field == "hazards.0.controls.0.verified_by.0.rule"
    assert "no check rule 'vibes'" in problem.message


def test_a_residual_risk_above_the_initial_is_refused(content_copy: Path) -> None:
    worse = {"severity": "considerable", "likelihood": "high"}
    edit_log(content_copy, lambda hazard: hazard.update(residual=worse))
    problem = only_error(content_copy)
    assert problem.field == "hazards.0.residual"
    assert "above the initial risk" in problem.message


def test_a_verification_names_a_test_or_a_rule_not_both(content_copy: Path) -> None:
    both = {"rule": "schema", "test": "tests/test_content.py::test_diagram_colours"}
    edit_log(content_copy, lambda hazard: hazard["controls"][0]["verified_by"].append(both))
    problem = only_error(content_copy)
    assert problem.field.startswith("hazards.0.controls.0.verified_by.3")
    assert "either test or rule" in problem.message


def test_without_the_suite_the_named_tests_are_a_warning_not_an_error(tmp_path: Path) -> None:
    """A build with no tests folder (a container image) builds, and says what it did not do."""
    hazards, problems = read_hazards(CONTENT)
    assert problems == []
    (found,) = hazard_problems(CONTENT, hazards, tmp_path / "no-tests")
    assert found.severity == "warning"
    assert found.file == LOG
    assert "no tests folder" in found.message
    assert hazard_problems(CONTENT, hazards, ROOT / "tests") == []


def test_tests_are_found_in_classes_and_at_module_level() -> None:
    suite = suite_tests(ROOT / "tests")
    assert "tests/test_hazards.py::test_tests_are_found_in_classes_and_at_module_level" in suite
    assert "tests/test_hazards.py::TestNamesInAClass::test_a_method" in suite
    assert not any(node.endswith("::edit_log") for node in suite)


class TestNamesInAClass:
    def test_a_method(self) -> None:
        assert "tests/test_hazards.py::TestNamesInAClass::test_a_method" in suite_tests(
            ROOT / "tests"
        )


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every registered rule's function, wrapped wherever the api package holds it: the rule
    names whose function ran."""
    ran: set[str] = set()
    for name, rule in CHECK_RULES.items():
        module_name, function_name = rule.function.rsplit(".", 1)
        original = getattr(importlib.import_module(module_name), function_name)

        def wrapper(*args: Any, _name: str = name, _f: Any = original, **kwargs: Any) -> Any:
            ran.add(_name)
            return _f(*args, **kwargs)

        for module in [m for key, m in sys.modules.items() if key.startswith("api")]:
            for attribute, value in list(vars(module).items()):
                if value is original:
                    monkeypatch.setattr(module, attribute, wrapper)
    return ran


def test_every_rule_a_control_can_name_runs_in_check(calls: set[str]) -> None:
    assert errors(CONTENT) == []
    assert calls == set(CHECK_RULES)


def test_every_rule_the_log_names_is_registered() -> None:
    hazards, _ = read_hazards(CONTENT)
    named = {v.rule for h in hazards for c in h.controls for v in c.verified_by if v.rule}
    assert named <= set(CHECK_RULES)


def test_check_reports_content_past_its_review_date(content_copy: Path) -> None:
    region = content_copy / "en" / "regions" / "gb.yaml"
    text = region.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    yesterday = date.today() - timedelta(days=1)
    last = data["last_reviewed"]
    text = text.replace(f"last_reviewed: {last}", f"last_reviewed: {yesterday - timedelta(365)}")
    region.write_text(
        text.replace(f"next_review: {data['next_review']}", f"next_review: {yesterday}"), "utf-8"
    )
    found = [p for p in check_content(content_copy) if "past its review date" in p.message]
    (problem,) = found
    assert problem.severity == "warning"
    assert problem.file == "content/en/regions/gb.yaml"
    assert problem.field == "next_review"
    assert problem.line is not None


def test_a_handout_shows_its_review_dates(client: TestClient) -> None:
    region = client.get("/v1/regions/gb").json()
    for suffix in (".md", ".html"):
        handout = client.get(f"/v1/regions/gb{suffix}").text
        assert "Next review due" in handout
        assert region["next_review"] in handout
        assert region["last_reviewed"] in handout


def sign_offs_file(content: Path, *records: dict[str, Any]) -> None:
    path = content / "governance" / "sign-offs.yaml"
    path.write_text(yaml.safe_dump({"sign_offs": list(records)}, sort_keys=False), "utf-8")


def test_a_sign_off_dated_in_the_future_is_refused(content_copy: Path) -> None:
    version = load_library(content_copy).catalogs["en"].version
    tomorrow = date.today() + timedelta(days=1)
    sign_offs_file(content_copy, {"content_version": version, "date": tomorrow, **INVENTED})
    (problem,) = errors(content_copy)
    assert problem.file == "content/governance/sign-offs.yaml"
    assert problem.field == "sign_offs.0.date"
    assert problem.line is not None
    assert "later than today" in problem.message


def test_a_sign_off_without_a_registration_is_refused(content_copy: Path) -> None:
    version = load_library(content_copy).catalogs["en"].version
    record = {"content_version": version, "date": date.today(), **INVENTED}
    del record["registration"]
    sign_offs_file(content_copy, record)
    (problem,) = errors(content_copy)
    assert problem.field == "sign_offs.0.registration"


def test_a_sign_off_of_another_version_leaves_a_draft(content_copy: Path) -> None:
    library = load_library(content_copy)
    version = library.catalogs["en"].version
    older = SignOff.model_validate({"content_version": "0" * 16, "date": date.today(), **INVENTED})
    assert governance_of((older,), version, frozenset()).status == "draft"
    current = older.model_copy(update={"content_version": version})
    assert governance_of((older, current), version, frozenset()).status == "active"
    sign_offs_file(content_copy, {"content_version": "0" * 16, "date": date.today(), **INVENTED})
    assert load_library(content_copy).governance.status == "draft"


def test_the_shipped_sign_offs_name_no_invented_clinician() -> None:
    governance = load_library(CONTENT).governance
    for record in governance.sign_offs:
        assert record.name != INVENTED["name"]
        assert record.registration != INVENTED["registration"]
        for word in ("test", "example", "placeholder", "todo"):
            assert word not in f"{record.name} {record.registration}".lower()
    text = (CONTENT / "governance" / "sign-offs.yaml").read_text(encoding="utf-8")
    assert INVENTED["name"] not in text


def test_the_safety_case_report_is_the_log_and_the_sign_offs_as_committed() -> None:
    """``docs/safety-case.md`` is written by ``python -m api safety-case``: run it after editing
    the hazard log, the sign-offs or the content."""
    committed = (ROOT / SAFETY_CASE_PATH).read_text(encoding="utf-8")
    assert committed == safety_case_markdown(CONTENT)


def test_the_report_lists_every_hazard_with_its_risk_and_tests() -> None:
    report = safety_case_markdown(CONTENT)
    for hazard in load_library(CONTENT).hazards:
        assert f"{{#{hazard.id}}}" in report
        assert f"residual {hazard.residual}".replace(" likelihood)", ")") in report
        for control in hazard.controls:
            for check in control.verified_by:
                assert f"`{check.test or check.rule}`" in report
    assert "## Open issues" in report
    assert "No registered clinician has signed off" in report


def test_the_safety_case_is_served_with_every_hazard(client: TestClient) -> None:
    report = client.get("/v1/safety-case").json()
    hazards = load_library(CONTENT).hazards
    assert [h["id"] for h in report["hazards"]] == [h.id for h in hazards]
    for served, hazard in zip(report["hazards"], hazards, strict=True):
        assert served["initial"]["rating"] == hazard.initial.rating
        assert served["residual"]["rating"] == hazard.residual.rating
        assert all(control["verified_by"] for control in served["controls"])
    assert report["governance"]["status"] == "draft"
    assert report["content_version"] == client.get("/v1").json()["content_version"]
    assert report["open_issues"]
    page = client.get("/v1/safety-case.md").text.replace("\\", "")  # less Markdown escapes
    assert all(hazard.title in page for hazard in hazards)
    assert (
        "tests/test_geometry.py::test_the_shipped_diagram_keeps_pressing_clear_of_the_nerve" in page
    )


def test_the_safety_case_prints(client: TestClient) -> None:
    response = client.get("/v1/safety-case.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_check_lists_what_falls_due_for_review(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CONTENT), "--due-within", "3650d"]) == 0
    printed = capsys.readouterr().out
    assert "due for review by" in printed
    assert "regions/gb (last reviewed" in printed
