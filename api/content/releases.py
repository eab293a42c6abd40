"""Content releases and retirements, kept in ``content/releases/``.

``<version>.json``  one per release: its number, date and, per locale, every item's hash, date
                    modified and field hashes (``api.content.changes``), and under ``served``
                    the same of the JSON the API served for it (its response model, as
                    ``api.bundle.sync`` fingerprints it): what a CMS that synced from that
                    release holds. Written by ``python -m api release``, committed, never
                    edited; releases recorded before ``served`` existed have none.
``retired.yaml``    every id taken out of the content: kind, id, date, reason and, optionally,
                    the id that replaces it.

An id of the last release may only disappear with a retirement record; a retired id may not be
in the content, and what replaces it must be.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError

from api.content.catalog import Catalog
from api.content.changes import Fingerprint, fingerprint
from api.content.diagnostics import ContentProblem
from api.content.kinds import KINDS
from api.content.models import Frozen
from api.content.retirements import Retirement
from api.content.signoffs import Status
from api.content.yamlfile import YamlDocument, YamlFileError, parse_yaml

FOLDER = "releases"
RETIRED_FILE = "retired.yaml"
VERSION_PATTERN = r"^[0-9a-f]{16}$"


class Retirements(Frozen):
    retired: tuple[Retirement, ...] = ()


class Served(Frozen):
    """The fingerprint of the JSON served for an item (what the manifest's ``hash`` is)."""

    hash: str
    fields: dict[str, str]


class ReleasedItem(Frozen):
    hash: str
    modified: date | None = None
    fields: dict[str, str]
    # None in releases recorded before the representation was: what they served is unknown.
    served: Served | None = None


class Release(Frozen):
    """What one release held: per locale, ``<collection>/<id>`` -> its item's fingerprint."""

    version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    number: Annotated[int, Field(ge=1)]
    date: date
    # Whether the version was signed off when it was released: the change feed flags a change
    # of status as a safety change. Releases made before sign-offs existed were all drafts.
    status: Status = "draft"
    locales: dict[str, dict[str, ReleasedItem]]


def item_key(collection: str, item_id: str) -> str:
    return f"{collection}/{item_id}"


def released_items(catalog: Catalog, served: Mapping[str, Fingerprint]) -> dict[str, ReleasedItem]:
    """Every item of one locale's catalog as a release records it, in registry order, with the
    fingerprint of the JSON served for it (``served``, by ``item_key``)."""
    found: dict[str, ReleasedItem] = {}
    for kind in KINDS:
        for item_id, item in catalog.items(kind.collection):
            key = item_key(kind.collection, item_id)
            print_ = fingerprint(item)
            modified = getattr(item, "modified", None)
            shown = served[key]
            found[key] = ReleasedItem(
                hash=print_.hash,
                modified=modified,
                fields=dict(print_.fields),
                served=Served(hash=shown.hash, fields=dict(shown.fields)),
            )
    return found


def read_releases(content_dir: Path) -> tuple[tuple[Release, ...], list[ContentProblem]]:
    """The recorded releases, oldest first, and the problems of any that cannot be read."""
    folder = content_dir / FOLDER
    releases: list[Release] = []
    problems: list[ContentProblem] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        display = f"{content_dir.name}/{FOLDER}/{path.name}"
        try:
            release = Release.model_validate_json(path.read_bytes())
        except ValidationError as error:
            detail = error.errors()[0]
            where = ".".join(str(part) for part in detail["loc"])
            problems.append(ContentProblem(display, None, where, str(detail["msg"])))
            continue
        if path.stem != release.version:
            message = f"file name must be the version it records ({release.version}.json)"
            problems.append(ContentProblem(display, None, "version", message))
        releases.append(release)
    numbers = [release.number for release in releases]
    if len(set(numbers)) != len(numbers):
        where = f"{content_dir.name}/{FOLDER}"
        problems.append(ContentProblem(where, None, "number", "two releases share a number"))
    return tuple(sorted(releases, key=lambda r: r.number)), problems


def read_retirements(content_dir: Path) -> tuple[tuple[Retirement, ...], list[ContentProblem]]:
    """The retirement records and their problems (with line numbers)."""
    path = content_dir / FOLDER / RETIRED_FILE
    display = f"{content_dir.name}/{FOLDER}/{RETIRED_FILE}"
    if not path.is_file():
        return (), []
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlFileError as error:
        return (), [ContentProblem(display, error.line, "", str(error))]
    try:
        records = Retirements.model_validate(document.data or {})
    except ValidationError as error:
        return (), [_problem(display, document, tuple(d["loc"]), d["msg"]) for d in error.errors()]
    problems = []
    seen: set[tuple[str, str]] = set()
    for index, record in enumerate(records.retired):
        if (record.kind, record.id) in seen:
            at = ("retired", index, "id")
            problems.append(_problem(display, document, at, "retired twice"))
        seen.add((record.kind, record.id))
    return records.retired, problems


def release_problems(
    content_dir: Path,
    english: Catalog,
    releases: tuple[Release, ...],
    retirements: tuple[Retirement, ...],
) -> list[ContentProblem]:
    """Ids of the last release gone without a retirement record; retirements that name an id
    still served, or a replacement that is not."""
    current = {
        item_key(kind.collection, i) for kind in KINDS for i, _ in english.items(kind.collection)
    }
    retired = {item_key(r.kind, r.id): r for r in retirements}
    problems: list[ContentProblem] = []
    if releases:
        last = releases[-1]
        display = f"{content_dir.name}/{FOLDER}/{last.version}.json"
        for key in last.locales.get(english.locale, {}):
            if key not in current and key not in retired:
                message = (
                    f"{key} was in release {last.number} and is gone: restore it, or add a "
                    f"retirement record for it to {FOLDER}/{RETIRED_FILE}"
                )
                problems.append(ContentProblem(display, None, key, message))
    display = f"{content_dir.name}/{FOLDER}/{RETIRED_FILE}"
    for key, record in retired.items():
        if key in current:
            problems.append(ContentProblem(display, None, key, "retired, yet still in the content"))
        if record.replaced_by and item_key(record.kind, record.replaced_by) not in current:
            message = f"replaced_by {record.replaced_by!r}: no {record.kind} with that id"
            problems.append(ContentProblem(display, None, key, message))
    return problems


def record_release(
    content_dir: Path,
    version: str,
    catalogs: Mapping[str, Catalog],
    served: Mapping[str, Mapping[str, Fingerprint]],
    on: date,
    status: Status = "draft",
) -> tuple[Path, bool]:
    """Write the release of the current content (``version``) with, per locale, the
    fingerprints of what is served for each item (``served``); (path, whether it is new)."""
    releases, _ = read_releases(content_dir)
    path = content_dir / FOLDER / f"{version}.json"
    if any(release.version == version for release in releases):
        return path, False
    release = Release(
        version=version,
        number=releases[-1].number + 1 if releases else 1,
        date=on,
        status=status,
        locales={
            locale: released_items(catalog, served[locale]) for locale, catalog in catalogs.items()
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = release.model_dump(mode="json")
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path, True


def _problem(
    display: str, document: YamlDocument, loc: tuple[Any, ...], message: str
) -> ContentProblem:
    field = ".".join(str(part) for part in loc)
    return ContentProblem(display, document.line_of(loc), field, str(message))
