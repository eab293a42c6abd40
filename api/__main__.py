"""Command line: ``python -m api <command>``: check, build, release, notify, serve, openapi,
safety-case, export, new-key, mcp."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from api.app import create_app, mcp_server
from api.bundle.build import build_bundle, governance_view
from api.bundle.safety import safety_case
from api.bundle.store import BundleError, Store
from api.bundle.sync import released_fingerprints
from api.content.diagnostics import AccessDenied, ContentError, ContentFolderError
from api.content.library import check_content, load_library
from api.content.releases import record_release
from api.content.review import due_for_review, parse_within
from api.edge.keys import new_key
from api.http.etags import cache_control
from api.openapi import render_examples, render_openapi
from api.ops.notify import UnknownRelease, change_event, deliver
from api.ops.serve import serve
from api.ops.static_export import export
from api.render.safetycase import render_markdown
from api.settings import SECRET_SETTINGS, Settings

OPENAPI_PATH = Path("openapi/openapi.json")
SAFETY_CASE_PATH = Path("docs/safety-case.md")


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success, 1 on bad content or settings."""
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the content folder and report problems")
    check.add_argument("content_dir", nargs="?", type=Path, help="default: FASCIA_CONTENT_DIR")
    check.add_argument(
        "--due-within",
        type=_days,
        metavar="DAYS",
        help="also list what is due for review within DAYS (such as 30d); a report, never a "
        "failure",
    )
    release = commands.add_parser(
        "release", help="record the content as a release in content/releases/<version>.json"
    )
    release.add_argument("content_dir", nargs="?", type=Path, help="default: FASCIA_CONTENT_DIR")
    release.add_argument("--date", type=date.fromisoformat, help="default: today (UTC)")
    notify = commands.add_parser(
        "notify", help="post the changes since a release to FASCIA_WEBHOOK_URLS, signed"
    )
    notify.add_argument("--since", required=True, help="the content version deployed before")
    build = commands.add_parser("build", help="validate the content and write the bundle")
    build.add_argument("content_dir", nargs="?", type=Path, help="default: FASCIA_CONTENT_DIR")
    build.add_argument("--output", type=Path, help="default: FASCIA_BUNDLE")
    build.add_argument(
        "--if-changed", action="store_true", help="keep a bundle built from the same files"
    )
    commands.add_parser("serve", help="serve the bundle with uvicorn (FASCIA_HOST, FASCIA_PORT)")
    export = commands.add_parser("export", help="write every content response as static files")
    export.add_argument("directory", type=Path, help="folder to write (created if missing)")
    export.add_argument(
        "--listen", default="127.0.0.1:8080", help="nginx listen address (default %(default)s)"
    )
    commands.add_parser("new-key", help="print a new API key and its digest for the settings")
    commands.add_parser(
        "mcp", help="serve the MCP server on standard input and output, for desktop assistants"
    )
    spec = commands.add_parser(
        "openapi", help="write the OpenAPI document, and examples.json beside it"
    )
    spec.add_argument("--output", type=Path, default=OPENAPI_PATH, help=f"default: {OPENAPI_PATH}")
    report = commands.add_parser(
        "safety-case",
        help="write the clinical safety case report (Markdown) from the hazard log and sign-offs",
    )
    report.add_argument("content_dir", nargs="?", type=Path, help="default: FASCIA_CONTENT_DIR")
    report.add_argument(
        "--output", type=Path, default=SAFETY_CASE_PATH, help=f"default: {SAFETY_CASE_PATH}"
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        if args.command == "check":
            return _check(args.content_dir or settings.content_dir, args.due_within)
        if args.command == "release":
            return _release(args.content_dir or settings.content_dir, args.date)
        if args.command == "build":
            return _build(
                args.content_dir or settings.content_dir,
                args.output or settings.bundle,
                args.if_changed,
            )
        if args.command == "notify":
            return _notify(settings, args.since)
        if args.command == "openapi":
            return _write_openapi(settings, args.output)
        if args.command == "safety-case":
            return _write_safety_case(args.content_dir or settings.content_dir, args.output)
        if args.command == "new-key":
            key, key_digest = new_key()
            print(f"API key (give to the client): {key}")
            print(f"digest (add to FASCIA_API_KEY_DIGESTS): {key_digest}")
            return 0
        if args.command == "export":
            return _export(settings, args.directory, args.listen)
        if args.command == "mcp":
            mcp_server(create_app(settings)).run("stdio")
            return 0
        return serve(settings)
    except ValidationError as error:
        print(settings_problems(error), file=sys.stderr)
    except (ContentError, ContentFolderError, BundleError, AccessDenied) as error:
        print(error, file=sys.stderr)
    except PermissionError as error:  # any other path: still one line, never a traceback
        print(f"permission denied: {error.filename}", file=sys.stderr)
    return 1


def _days(text: str) -> timedelta:
    try:
        return parse_within(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _check(content_dir: Path, due_within: timedelta | None = None) -> int:
    found = check_content(content_dir)
    errors = [problem for problem in found if problem.severity == "error"]
    warnings = [problem for problem in found if problem.severity == "warning"]
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if errors:
        print(ContentError(errors), file=sys.stderr)
        return 1
    print(f"{content_dir}: content is valid ({len(warnings)} warning(s))")
    if due_within is not None:
        by = _today() + due_within
        english = load_library(content_dir)
        due = due_for_review(english.catalogs[english.default_locale], by)
        print(f"due for review by {by}: {len(due)} item(s)")
        for item in due:
            print(f"  {item}")
    return 0


def _release(content_dir: Path, on: date | None) -> int:
    library = load_library(content_dir)
    version = library.catalogs[library.default_locale].version
    status = library.governance.status
    served = released_fingerprints(library)
    path, new = record_release(
        content_dir, version, library.catalogs, served, on or _today(), status
    )
    if new:
        print(f"wrote {path}: release of content version {version}")
    else:
        print(f"{path}: content version {version} is already a release")
    return 0


def settings_problems(error: ValidationError) -> str:
    """One line per bad setting, named by its environment variable, with what was wrong."""
    lines = ["invalid settings:"]
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = f"FASCIA_{field.upper()}" if field else "settings"
        value, message = problem["input"], problem["msg"]
        given = f" (given {value!r})" if not isinstance(value, dict) else ""
        if field in SECRET_SETTINGS:  # keys, tokens, secrets, passwords in URLs: never printed
            given = " (the value is not shown: it may hold a secret)"
            if isinstance(value, str) and value:
                message = message.replace(value, "…")
        lines.append(f"  {name}: {message}{given}")
    return "\n".join(lines)


def _notify(settings: Settings, since: str) -> int:
    try:  # the version first: a typo is reported whatever else is configured
        event = change_event(Store(settings.bundle), since, settings.public_url)
    except UnknownRelease as error:
        print(f"notify: {error}", file=sys.stderr)
        return 1
    if not settings.webhook_urls:
        print("no subscribers: FASCIA_WEBHOOK_URLS is empty")
        return 0
    if settings.webhook_secret is None:
        print("FASCIA_WEBHOOK_SECRET is needed to sign webhooks", file=sys.stderr)
        return 1
    if event is None:
        print(f"nothing changed since {since}: no webhooks sent")
        return 0
    deliveries = deliver(
        settings.webhook_urls,
        event,
        settings.webhook_secret,
        attempts=settings.webhook_attempts,
        backoff=settings.webhook_backoff,
        timeout=settings.webhook_timeout,
    )
    for delivery in deliveries:
        print(delivery, file=sys.stdout if delivery.error is None else sys.stderr)
    failed = sum(1 for delivery in deliveries if delivery.error is not None)
    print(f"notify: {len(deliveries) - failed} delivered, {failed} failed")
    return 1 if failed else 0


def _today() -> date:
    return datetime.now(UTC).date()


def _build(content_dir: Path, output: Path, if_changed: bool) -> int:
    started = time.perf_counter()
    built = build_bundle(content_dir, output, if_changed=if_changed)
    if not built.rebuilt:
        print(f"{output}: up to date with {content_dir} (content version {built.version})")
        return 0
    seconds = time.perf_counter() - started
    print(
        f"wrote {output} from {content_dir} in {seconds:.1f} s: content version {built.version}, "
        f"{built.items} items in each of {len(built.locales)} locale(s)"
    )
    return 0


def _write_openapi(settings: Settings, output: Path) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    output.write_text(render_openapi(app), encoding="utf-8")
    examples = output.with_name("examples.json")
    examples.write_text(render_examples(app), encoding="utf-8")
    print(f"wrote {output} and {examples}")
    return 0


def safety_case_markdown(content_dir: Path) -> str:
    """The safety case report of ``content_dir`` as the docs page."""
    library = load_library(content_dir)
    version = library.catalogs[library.default_locale].version
    view = safety_case(library.hazards, governance_view(library, version), version)
    return render_markdown(view)


def _write_safety_case(content_dir: Path, output: Path) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(safety_case_markdown(content_dir), encoding="utf-8")
    print(f"wrote {output}: the safety case report of {content_dir}")
    return 0


def _export(settings: Settings, directory: Path, listen: str) -> int:
    app = create_app(settings)
    control = cache_control(settings.cache_max_age, settings.cache_stale_while_revalidate)
    count = export(app, app.state.store, directory, control, listen)
    print(f"wrote {count} files and {directory / 'nginx' / 'fascia.conf'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
