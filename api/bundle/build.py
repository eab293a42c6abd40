"""``python -m api build``: validate ``content/`` once, write the read-only bundle the server opens.

The bundle's tables are described in ``api.bundle.format``; ``api.bundle.store`` reads them.
Validation errors stop the build exactly as ``check`` does: a ``ContentError`` listing them all.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from api.bundle import resources as v
from api.bundle.code import code_digest
from api.bundle.codes import code_rows
from api.bundle.format import FORMAT, SCHEMA
from api.bundle.present import Presented, present
from api.bundle.search import create_index, item_text, searchable_name
from api.bundle.sync import sync_rows
from api.bundle.urls import href, links
from api.content.catalog import Catalog
from api.content.diagnostics import AccessDenied
from api.content.hazards import HazardLog
from api.content.kinds import BY_COLLECTION, KINDS
from api.content.languages import language_of
from api.content.library import Library, load_library


@dataclass(frozen=True)
class Built:
    path: Path
    version: str
    locales: tuple[str, ...]
    items: int  # per locale
    rebuilt: bool


PACKAGE = Path(__file__).parent.parent  # the api package: its build modules key the bundle


@cache
def source_digest(package: Path = PACKAGE) -> str:
    """The digest of the bundle's format and the code that builds it (``api.bundle.code``),
    constant for the life of a process.

    AccessDenied, naming the file or folder, when a part of it cannot be read: the build must
    not answer an unreadable checkout with a traceback."""
    try:
        return code_digest(package, FORMAT)
    except PermissionError as error:
        raise AccessDenied(
            f"cannot read the build's own source {error.filename or package}: permission denied"
        ) from None


def content_stamp(content_dir: Path) -> str:
    """A cheap fingerprint of what a bundle is built from: the content files' names, sizes and
    modification times (not their bytes), and the format and code that build it
    (``source_digest``), so either changing means a new build."""
    digest = hashlib.sha256(str(content_dir.resolve()).encode())
    digest.update(source_digest().encode())
    for path in sorted(content_dir.rglob("*.yaml")):
        stat = path.stat()
        digest.update(
            f"{path.relative_to(content_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode()
        )
    return digest.hexdigest()


def build_bundle(content_dir: Path, output: Path, *, if_changed: bool = False) -> Built:
    """Write the bundle of ``content_dir`` to ``output`` (atomically); ContentError on problems.

    With ``if_changed``, an existing bundle built from the same files is kept as it is.
    """
    stamp = content_stamp(content_dir)
    if if_changed and output.is_file():
        kept = _existing(output, stamp)
        if kept is not None:
            return kept
    library = load_library(content_dir)
    try:
        _write_file(output, library, stamp)
    except (PermissionError, sqlite3.OperationalError) as error:
        if isinstance(error, sqlite3.OperationalError) and os.access(output.parent, os.W_OK):
            raise
        raise AccessDenied(f"cannot write the bundle {output}: permission denied") from None
    english = library.catalogs[library.default_locale]
    count = sum(1 for kind in KINDS for _ in english.items(kind.collection))
    return Built(output, english.version, tuple(library.catalogs), count, True)


def _write_file(output: Path, library: Library, stamp: str) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        _write(connection, library, stamp)
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    os.replace(partial, output)


def _existing(output: Path, stamp: str) -> Built | None:
    try:
        connection = sqlite3.connect(f"file:{output}?mode=ro", uri=True)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if meta.get("format") != FORMAT or meta.get("stamp") != stamp:
        return None
    locales = tuple(json.loads(meta["locales"]))
    return Built(output, meta["content_version"], locales, int(meta["items"]), False)


def _write(connection: sqlite3.Connection, library: Library, stamp: str) -> None:
    connection.executescript(SCHEMA)
    english = library.catalogs[library.default_locale]
    items = 0
    by_locale: dict[str, Presented] = {}
    for locale, catalog in library.catalogs.items():
        presented = by_locale[locale] = present(catalog, library.governance.status)
        items = sum(len(found) for found in presented.values())
        _write_locale(connection, locale, presented)
        codes, known = code_rows(locale, presented)
        connection.executemany("INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?)", codes)
        connection.executemany("INSERT INTO known_codes VALUES (?, ?, ?, ?)", known)
        if locale == library.default_locale:
            connection.executemany("INSERT INTO facets VALUES (?, ?, ?, ?)", _facets(presented))
    connection.executemany("INSERT INTO credits VALUES (?, ?, ?)", _credits(english))
    rows = sync_rows(library, by_locale)
    connection.executemany("INSERT INTO sync VALUES (?, ?, ?, ?)", rows)
    connection.executemany(
        "INSERT INTO retired VALUES (?, ?, ?)",
        ((r.kind, r.id, r.model_dump_json()) for r in library.retirements),
    )
    guides = list(english.guides.values())
    meta = {
        "format": FORMAT,
        "content_version": english.version,
        "stamp": stamp,
        "default_locale": library.default_locale,
        "locales": json.dumps(list(library.catalogs)),
        "locale_summaries": json.dumps([s.model_dump(mode="json") for s in _summaries(library)]),
        "items": str(items),
        "disclaimer": guides[0].disclaimer_id if guides else _any_disclaimer(english),
        "releases": json.dumps([release.version for release in library.releases]),
        "governance": governance_view(library, english.version).model_dump_json(),
        "hazards": HazardLog(hazards=library.hazards).model_dump_json(),
    }
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


def governance_view(library: Library, version: str) -> v.GovernanceView:
    """The sign-off state of ``version``; its ``notice`` is written per locale when served."""
    governance = library.governance
    decision = governance.decision
    sign_off = None if decision is None else v.SignOffView(**decision.model_dump())
    return v.GovernanceView(
        status=governance.status, content_version=version, sign_off=sign_off, notice=None
    )


def _write_locale(connection: sqlite3.Connection, locale: str, presented: Presented) -> None:
    for collection, found in presented.items():
        rows = [
            (locale, collection, item_id, position, view.model_dump_json(by_alias=True))
            for position, (item_id, view) in enumerate(found.items())
        ]
        connection.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", rows)
    create_index(
        connection,
        locale,
        (
            (collection, key, searchable_name(view), item_text(view))
            for collection, found in presented.items()
            for key, view in found.items()
        ),
    )


def _facets(presented: Presented) -> Iterator[tuple[str, str, str, str]]:
    """(collection, facet, value, id) for every value a collection filter can match."""
    for collection, found in presented.items():
        for item_id, view in found.items():
            for facet, value in _facet_values(view):
                yield collection, facet, value, item_id


def _facet_values(view: BaseModel) -> Iterable[tuple[str, str]]:
    match view:
        case v.MuscleView():
            return (("action", ref.id) for ref in view.actions)
        case v.ActionView():
            return (("muscle", muscle_id) for muscle_id in view.muscle_ids)
        case v.LandmarkView():
            values = [("kind", view.kind), ("avoid_pressure", str(view.avoid_pressure).lower())]
            if view.diagram_colour is not None:
                values.append(("diagram_colour", view.diagram_colour))
            return values
        case v.SelfTestView():
            return (("condition", condition_id) for condition_id in view.condition_ids)
        case v.WarningView():
            values = [("severity", view.severity), ("kind", view.kind)]
            values += [("self_test", t.self_test) for t in view.applies_to if t.self_test]
            values += [("condition", t.condition) for t in view.applies_to if t.condition]
            return dict.fromkeys(values)
    return ()


def _credits(catalog: Catalog) -> Iterator[tuple[str, str, str]]:
    """What each item's handout credits: the articles adapted by the guides that use it."""
    adapted: dict[tuple[str, str], dict[str, None]] = {}
    for guide in catalog.guides.values():
        articles = [i for i in guide.source_ids if catalog.sources[i].kind == "article"]
        members = [("guides", guide.id)]
        for kind in KINDS:
            if kind.guide_field is not None:
                members += [(kind.collection, i) for i in getattr(guide, kind.guide_field)]
        for member in members:
            adapted.setdefault(member, {}).update(dict.fromkeys(articles))
    for (collection, item_id), sources in adapted.items():
        if collection in BY_COLLECTION:
            yield collection, item_id, json.dumps(list(sources))


def _any_disclaimer(catalog: Catalog) -> str:
    return next((w.id for w in catalog.warnings.values() if w.kind == "disclaimer"), "")


def _summaries(library: Library) -> tuple[v.LocaleView, ...]:
    return tuple(
        v.LocaleView(
            locale=locale,
            name=language_of(locale).name,
            default=locale == library.default_locale,
            complete=not catalog.untranslated,
            translated_fields=library.translated_fields(locale),
            total_fields=library.translatable_fields,
            untranslated_items=tuple(href(kind, item) for kind, item in catalog.untranslated),
            links=links(f"{href('locales')}?lang={locale}"),
        )
        for locale, catalog in library.catalogs.items()
    )
