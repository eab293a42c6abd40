"""Load all of ``content/``: English, checked whole, and each translation as an overlay on it."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from api.content.catalog import Catalog, build_catalog
from api.content.diagnostics import ContentError, ContentFolderError, ContentProblem
from api.content.governance import FOLDER as GOVERNANCE_FOLDER
from api.content.governance import hazard_problems, read_hazards, read_sign_offs, scope_problems
from api.content.hazards import Hazard
from api.content.kinds import KINDS
from api.content.languages import DEFAULT_LOCALE, LANGUAGES
from api.content.loader import (
    MODELS,
    ContentFile,
    LoadedItem,
    duplicate_ids,
    problem_at,
    read_files,
    validate,
)
from api.content.locales import merge, overlay_problems, untranslated
from api.content.references import find_broken_references
from api.content.releases import FOLDER as RELEASES_FOLDER
from api.content.releases import (
    Release,
    item_key,
    read_releases,
    read_retirements,
    release_problems,
)
from api.content.retirements import Retirement
from api.content.rules import (
    escalation_problems,
    overdue_problems,
    question_problems,
    readability_problems,
)
from api.content.signoffs import NO_SIGN_OFF, Governance, governance_of

LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


@dataclass(frozen=True)
class Library:
    """One catalog per locale; English is complete and every other locale falls back to it."""

    default_locale: str
    catalogs: Mapping[str, Catalog]
    warnings: tuple[ContentProblem, ...]
    translatable_fields: int  # in English; a locale's untranslated fields are in its catalog
    releases: tuple[Release, ...] = ()  # oldest first
    retirements: tuple[Retirement, ...] = ()
    governance: Governance = NO_SIGN_OFF
    hazards: tuple[Hazard, ...] = ()  # the hazard log (content/governance/hazards.yaml)

    def translated_fields(self, locale: str) -> int:
        missing = sum(len(fields) for fields in self.catalogs[locale].untranslated.values())
        return self.translatable_fields - missing


def check_folder(content_dir: Path) -> None:
    """ContentFolderError unless ``content_dir`` and every folder in it can be read."""
    if not content_dir.is_dir():
        raise ContentFolderError(f"content folder not found: {content_dir} (FASCIA_CONTENT_DIR)")
    for folder in [content_dir, *sorted(p for p in content_dir.rglob("*") if p.is_dir())]:
        if not os.access(folder, os.R_OK | os.X_OK):
            raise ContentFolderError(f"cannot read the content folder {folder}: permission denied")


def load_library(content_dir: Path, readability: bool = False) -> Library:
    """Load every locale of ``content_dir``; raise ContentError listing every error, or
    ContentFolderError when the folder itself cannot be read. ``readability`` also measures how
    easily each text reads (``check`` does; start-up does not)."""
    check_folder(content_dir)
    english, problems, failed = _load_english(content_dir)
    found = [
        *escalation_problems(english, DEFAULT_LOCALE),
        *question_problems(english),
        *overdue_problems(english, date.today()),
    ]
    if readability:
        found += readability_problems(english, DEFAULT_LOCALE)
    problems += [p for p in found if p.severity == "error"]
    warnings_found = [p for p in found if p.severity == "warning"]
    version = content_version(content_dir)
    catalogs = {DEFAULT_LOCALE: _catalog(DEFAULT_LOCALE, version, english, {})}
    warnings: list[ContentProblem] = warnings_found
    english_ids = {id(item) for item in english}  # an item no translation replaced
    for locale in _translation_locales(content_dir, problems):
        items, missing, found = _load_translation(content_dir, locale, english, failed)
        translated = [item for item in items if id(item) not in english_ids]
        rules = list(escalation_problems(translated, locale))
        if readability:
            rules += readability_problems(translated, locale)
        # A field the translation leaves out is English, measured as English already.
        found += [problem for problem in rules if problem.line is not None]
        problems.extend(p for p in found if p.severity == "error")
        warnings.extend(p for p in found if p.severity == "warning")
        catalogs[locale] = _catalog(locale, version, items, missing)
    releases, found = read_releases(content_dir)
    retirements, more = read_retirements(content_dir)
    sign_offs, signed = read_sign_offs(content_dir, date.today())
    hazards, logged = read_hazards(content_dir)
    problems += found + more + signed + logged
    for problem in hazard_problems(content_dir, hazards):
        (problems if problem.severity == "error" else warnings).append(problem)
    english_catalog = catalogs[DEFAULT_LOCALE]
    keys = frozenset(
        item_key(kind.collection, item_id)
        for kind in KINDS
        for item_id, _ in english_catalog.items(kind.collection)
    )
    problems += scope_problems(content_dir, sign_offs, keys)
    if not problems:
        problems += release_problems(content_dir, english_catalog, releases, retirements)
    if problems:
        raise ContentError(problems)
    total = sum(len(untranslated(MODELS[i.kind], i.file.data, None)) for i in english)
    return Library(
        DEFAULT_LOCALE,
        MappingProxyType(catalogs),
        tuple(sorted(warnings)),
        total,
        releases,
        retirements,
        governance_of(sign_offs, version, keys),
        hazards,
    )


def load_catalog(content_dir: Path, locale: str = DEFAULT_LOCALE) -> Catalog:
    """The catalog of one locale (English by default); raise ContentError on any problem."""
    return load_library(content_dir).catalogs[locale]


def check_content(content_dir: Path) -> list[ContentProblem]:
    """Every error and warning in ``content_dir``; no errors means the build will succeed."""
    try:
        return list(load_library(content_dir, readability=True).warnings)
    except ContentError as error:
        return list(error.problems)


def content_version(content_dir: Path) -> str:
    """A short hash of every content file, names included: it changes when anything does. The
    governance records (sign-offs) are about a version, not part of it."""
    digest = hashlib.sha256()
    governance = content_dir / GOVERNANCE_FOLDER
    for path in sorted(p for p in content_dir.rglob("*.yaml") if p.is_file()):
        if path.is_relative_to(governance):
            continue
        digest.update(str(path.relative_to(content_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _load_english(
    content_dir: Path,
) -> tuple[list[LoadedItem], list[ContentProblem], set[tuple[str, str]]]:
    """English items, their problems, and the (kind, id) of files that failed to load."""
    if not (content_dir / DEFAULT_LOCALE).is_dir():
        where = str(Path(content_dir.name) / DEFAULT_LOCALE)
        return [], [ContentProblem(where, None, "", "locale folder not found")], set()
    files, problems, failed = read_files(content_dir, DEFAULT_LOCALE)
    items: list[LoadedItem] = []
    for file in files:
        result = validate(file, file.data)
        if isinstance(result, LoadedItem):
            items.append(result)
        else:
            problems.extend(result)
            failed.add((file.kind, Path(file.display).stem))
            if isinstance(raw_id := file.data.get("id"), str):
                failed.add((file.kind, raw_id))
    problems.extend(duplicate_ids(items))
    problems.extend(find_broken_references(items, frozenset(failed)))
    if not any(item.kind == "guides" for item in items) and not failed:
        where = str(Path(content_dir.name) / DEFAULT_LOCALE / "guides")
        message = (
            "no guide: the content needs at least one (guides/<id>.yaml), or it serves nothing"
        )
        problems.append(ContentProblem(where, None, "", message))
    return items, problems, failed


def _translation_locales(content_dir: Path, problems: list[ContentProblem]) -> list[str]:
    locales = []
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir()):
        if folder.name in (DEFAULT_LOCALE, RELEASES_FOLDER, GOVERNANCE_FOLDER):
            continue
        where = f"{content_dir.name}/{folder.name}"
        if not LOCALE_PATTERN.match(folder.name):
            message = "not a locale folder (expected a language tag such as 'es' or 'pt-BR')"
            problems.append(ContentProblem(where, None, "", message))
        elif folder.name.split("-", maxsplit=1)[0] not in LANGUAGES:
            message = (
                f"no language '{folder.name}' is registered (api/content/languages.py: "
                f"{', '.join(LANGUAGES)}); register it with its labels before translating to it"
            )
            problems.append(ContentProblem(where, None, "", message))
        else:
            locales.append(folder.name)
    return locales


def _load_translation(
    content_dir: Path, locale: str, english: list[LoadedItem], failed: set[tuple[str, str]]
) -> tuple[list[LoadedItem], dict[tuple[str, str], tuple[str, ...]], list[ContentProblem]]:
    """English items with this locale's translations merged in, what fell back, and problems."""
    files, problems, _ = read_files(content_dir, locale)
    by_key = {(item.kind, item.id): item for item in english}
    translated: dict[tuple[str, str], LoadedItem] = {}
    missing: dict[tuple[str, str], tuple[str, ...]] = {}
    for file in files:
        key = (file.kind, str(file.data.get("id", "")))
        original = by_key.get(key)
        if key in failed:
            continue  # the English file's own problems are already reported
        if original is None:
            expected = f"{content_dir.name}/{DEFAULT_LOCALE}/{file.kind}/{key[1]}.yaml"
            problems.append(problem_at(file, ("id",), f"no English item with this id ({expected})"))
            continue
        item = _overlay(file, original, problems)
        if item is not None:
            translated[key] = item
            missing[key] = tuple(untranslated(MODELS[file.kind], original.file.data, file.data))
            if missing[key]:
                problems.append(_partial_warning(file, missing[key]))
    for key, original in by_key.items():
        if key not in translated:
            missing[key] = tuple(untranslated(MODELS[original.kind], original.file.data, None))
            display = f"{content_dir.name}/{locale}/{key[0]}/{key[1]}.yaml"
            message = "no translation: served in English"
            problems.append(ContentProblem(display, None, "", message, "warning"))
    items = [translated.get(key, original) for key, original in by_key.items()]
    return items, missing, problems


def _overlay(
    file: ContentFile, original: LoadedItem, problems: list[ContentProblem]
) -> LoadedItem | None:
    model = MODELS[file.kind]
    found = [
        problem_at(file, p, m) for p, m in overlay_problems(model, original.file.data, file.data)
    ]
    if found:
        problems.extend(found)
        return None
    result = validate(file, merge(model, original.file.data, file.data))
    if isinstance(result, list):
        problems.extend(result)
        return None
    return result


def _partial_warning(file: ContentFile, fields: tuple[str, ...]) -> ContentProblem:
    shown = ", ".join(fields[:5]) + (f" and {len(fields) - 5} more" if len(fields) > 5 else "")
    message = f"{len(fields)} field(s) untranslated, served in English: {shown}"
    return ContentProblem(file.display, None, "", message, "warning")


def _catalog(
    locale: str,
    version: str,
    items: list[LoadedItem],
    missing: Mapping[tuple[str, str], tuple[str, ...]],
) -> Catalog:
    pairs = [(item.kind, item.model) for item in items]
    return build_catalog(locale, version, pairs, {k: v for k, v in missing.items() if v})
