"""Command line: ``python -m api check|serve|openapi``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from api.app import create_app
from api.diagnostics import ContentError
from api.library import check_content
from api.openapi import render_openapi
from api.settings import Settings

OPENAPI_PATH = Path("openapi/openapi.json")


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success, 1 on bad content or settings."""
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the content folder and report problems")
    check.add_argument("content_dir", nargs="?", type=Path, help="default: FASCIA_CONTENT_DIR")
    commands.add_parser("serve", help="serve the API with uvicorn (FASCIA_HOST, FASCIA_PORT)")
    spec = commands.add_parser("openapi", help="write the OpenAPI document")
    spec.add_argument("--output", type=Path, default=OPENAPI_PATH, help=f"default: {OPENAPI_PATH}")
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        if args.command == "check":
            return _check(args.content_dir or settings.content_dir)
        if args.command == "openapi":
            return _write_openapi(settings, args.output)
        return _serve(settings)
    except ValidationError as error:
        print(f"invalid settings:\n{error}", file=sys.stderr)
    except ContentError as error:
        print(error, file=sys.stderr)
    return 1


def _check(content_dir: Path) -> int:
    found = check_content(content_dir)
    errors = [problem for problem in found if problem.severity == "error"]
    warnings = [problem for problem in found if problem.severity == "warning"]
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if errors:
        print(ContentError(errors), file=sys.stderr)
        return 1
    print(f"{content_dir}: content is valid ({len(warnings)} warning(s))")
    return 0


def _write_openapi(settings: Settings, output: Path) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_openapi(create_app(settings)), encoding="utf-8")
    print(f"wrote {output}")
    return 0


def _serve(settings: Settings) -> int:
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
