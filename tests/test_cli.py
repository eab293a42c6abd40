"""``python -m api check``: exit status and report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from api.__main__ import main
from tests.conftest import CONTENT, ROOT

pytestmark = pytest.mark.live


def test_check_passes_on_real_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CONTENT)]) == 0
    assert "content is valid" in capsys.readouterr().out


def test_check_fails_with_report(content_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    muscle = content_copy / "en" / "muscles" / "gluteus-maximus.yaml"
    muscle.write_text(muscle.read_text() + "colour: red\n")
    assert main(["check", str(content_copy)]) == 1
    report = capsys.readouterr().err
    assert "content/en/muscles/gluteus-maximus.yaml:" in report
    assert "colour: unknown field" in report


def test_module_entry_point_exits_non_zero(content_copy: Path) -> None:
    (content_copy / "en" / "muscles" / "gluteus-maximus.yaml").write_text("id: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "api", "check", str(content_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "gluteus-maximus.yaml" in result.stderr


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASCIA_PORT", "eighty")
    result = subprocess.run(
        [sys.executable, "-m", "api", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"FASCIA_PORT": "eighty", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "FASCIA_PORT: Input should be a valid integer" in result.stderr  # the variable
    assert "Traceback" not in result.stderr
