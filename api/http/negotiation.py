"""Content negotiation: pick a media type from ``Accept`` and a locale from ``Accept-Language``.

Pure functions over header strings (RFC 9110 sections 12.5.1 and 12.5.4). Malformed entries are
skipped rather than rejected, so a sloppy header degrades to the default, never to an error.

Each decision is made once per request and kept in its scope, where the gateway, the response
cache and the handlers all read it, so they cannot disagree: ``target_of`` (the path less a
representation suffix, and the representation it chose), ``accepted_media_type`` (what Accept
prefers among every representation) and ``Negotiator.audience`` (the locale, the reader's
country and the base URL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

from starlette.types import Scope

from api.bundle.urls import PREFIX
from api.http.urls import canonical_query, public_base
from api.render import MEDIA_TYPE_ALIASES, MEDIA_TYPES, REPRESENTATIONS, Representation

LANGUAGE_PATTERN = r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"  # the ``lang`` parameter
LANGUAGE_MAX_LENGTH = 35
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"  # the ``region`` parameter: an ISO 3166-1 alpha-2 code
MAX_ENTRIES = 32  # a header listing more alternatives than this is cut, not parsed whole
_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_MEDIA_RANGE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*((?:;[^;]*)*)$")
_LANGUAGE_RANGE = re.compile(r"^\s*(\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)\s*((?:;[^;]*)*)$")
_QUALITY = re.compile(r"^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$", re.IGNORECASE)

NEGOTIATION_LIMIT = 1024  # distinct Accept, or (Accept-Language, lang, region), remembered
TARGET_KEY = "fascia.target"  # where a request's ``Target`` is kept once read
MEDIA_TYPE_KEY = "fascia.media_type"  # where the media type Accept prefers is kept
_UNKNOWN_SUFFIX = re.compile(r"(?<=[a-z0-9])\.[A-Za-z0-9]{1,16}$")
FILE_SUFFIXES = (".js",)  # files served as they are (the web component), not representations


@dataclass(frozen=True, slots=True)
class Target:
    """What a request's URL asks for. ``/v1/muscles/gluteus-maximus.md`` is the path
    ``/v1/muscles/gluteus-maximus`` as Markdown: the suffix chooses the representation, over
    Accept. Ids never hold a dot, so any other suffix (``.xml``) is a representation we do not
    have (a 406). ``requested`` is the path as requested, for problems' ``instance`` and links
    to a next page."""

    path: str
    requested: str
    representation: Representation | None = None
    unknown_suffix: str | None = None


def target_of(scope: Scope) -> Target:
    """The request's ``Target``, read from its path on first use and kept in its scope."""
    found: Target | None = scope.get(TARGET_KEY)
    if found is None:
        found = scope[TARGET_KEY] = read_target(scope["path"])
    return found


def read_target(path: str) -> Target:
    if path.startswith(PREFIX):
        for representation in REPRESENTATIONS:
            stem = path.removesuffix(representation.suffix)
            if stem != path and not stem.endswith("/"):
                return Target(stem, path, representation)
        if not path.endswith(FILE_SUFFIXES) and (unknown := _UNKNOWN_SUFFIX.search(path)):
            return Target(path[: unknown.start()], path, None, unknown.group())
    return Target(path, path)


def force_representation(scope: Scope, representation: Representation) -> None:
    """Answer the request in ``representation`` whatever its URL or Accept say (the /embed
    pages)."""
    scope[TARGET_KEY] = replace(target_of(scope), representation=representation)


_ACCEPT_MEMO: dict[bytes, str | None] = {}


def accepted_media_type(scope: Scope) -> str | None:
    """The media type the request's Accept prefers among every representation (None: none is
    acceptable), chosen once per request. Rank is per type, so when this one is offered where
    the request goes it is also the best of those offered."""
    if MEDIA_TYPE_KEY in scope:
        chosen: str | None = scope[MEDIA_TYPE_KEY]
        return chosen
    accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
    if accept not in _ACCEPT_MEMO:
        if len(_ACCEPT_MEMO) >= NEGOTIATION_LIMIT:
            _ACCEPT_MEMO.clear()
        _ACCEPT_MEMO[accept] = choose_media_type(accept.decode("latin-1"), MEDIA_TYPES)
    scope[MEDIA_TYPE_KEY] = chosen = _ACCEPT_MEMO[accept]
    return chosen


@dataclass(frozen=True)
class Preference:
    """One entry of an Accept or Accept-Language header."""

    value: str
    quality: float
    order: int


def parse_accept(header: str) -> list[Preference]:
    """Media ranges with their q-values, best first; malformed entries are dropped."""
    found = []
    for order, entry in enumerate(header.split(",")[:MAX_ENTRIES]):
        match = _MEDIA_RANGE.match(entry)
        if match is None:
            continue
        quality = _quality(match.group(3))
        if quality is not None:
            media_range = f"{match.group(1)}/{match.group(2)}".lower()
            media_range = MEDIA_TYPE_ALIASES.get(media_range, media_range)
            found.append(Preference(media_range, quality, order))
    return sorted(found, key=lambda p: (-p.quality, -_specificity(p.value), p.order))


def choose_media_type(header: str | None, available: Sequence[str]) -> str | None:
    """The available media type the header prefers; the first one when there is no header.

    None means nothing available is acceptable (a 406). A header that parses to nothing at all
    is treated as absent.
    """
    preferences = parse_accept(header) if header else []
    if not preferences:
        return available[0]
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, media_type in enumerate(available):
        quality, specificity, order = _quality_for(media_type, preferences)
        rank = (quality, specificity, -order, -index)
        if quality > 0 and (best is None or rank > best):
            best, chosen = rank, media_type
    return chosen


def choose_locale(
    header: str | None, explicit: str | None, available: Sequence[str], default: str
) -> str:
    """The locale to serve: ``explicit`` first, then ``Accept-Language``, else ``default``.

    Regional variants match their language (``es-MX`` gets ``es``); an unknown language falls
    back to ``default``.
    """
    if explicit:
        return _match_language(explicit, available) or default
    for preference in parse_accept_language(header or ""):
        if preference.value == "*":
            return default
        match = _match_language(preference.value, available)
        if match:
            return match
    return default


def parse_accept_language(header: str) -> list[Preference]:
    """Language ranges with q > 0, best first; malformed entries are dropped."""
    found = []
    for order, entry in enumerate(header.split(",")[:MAX_ENTRIES]):
        match = _LANGUAGE_RANGE.match(entry)
        if match is None:
            continue
        quality = _quality(match.group(2))
        if quality:
            found.append(Preference(match.group(1).lower(), quality, order))
    return sorted(found, key=lambda p: (-p.quality, p.order))


def _match_language(tag: str, available: Sequence[str]) -> str | None:
    lowered = {locale.lower(): locale for locale in available}
    tag = tag.lower()
    while tag:
        if tag in lowered:
            return lowered[tag]
        tag = tag.rpartition("-")[0]
    return None


def _quality(parameters: str) -> float | None:
    """The q parameter (1 when absent); None when the parameters are malformed."""
    for parameter in filter(None, (part.strip() for part in parameters.split(";"))):
        if parameter[:1].lower() == "q":
            match = _QUALITY.match(parameter)
            if match is None:
                return None
            value = float(match.group(1))
            return value if value <= 1 else None
    return 1.0


def _specificity(media_range: str) -> int:
    if media_range == "*/*":
        return 0
    return 1 if media_range.endswith("/*") else 2


def _quality_for(media_type: str, preferences: list[Preference]) -> tuple[float, int, int]:
    """The quality of the most specific range matching ``media_type`` (0 when none does)."""
    kind = media_type.split("/", maxsplit=1)[0]
    best = (0.0, -1, 0)
    for preference in preferences:
        value = preference.value
        if value in (media_type, f"{kind}/*", "*/*"):
            specificity = _specificity(value)
            if specificity > best[1]:
                best = (preference.quality, specificity, preference.order)
    return best[0], best[1], best[2]


# fullmatch, as pydantic matches the parameters: "$" alone would also take a final newline.
_LANG = re.compile(LANGUAGE_PATTERN)
_COUNTRY = re.compile(COUNTRY_PATTERN)
NEGOTIATED = ("lang", "region")  # query parameters that choose what Content-Language says


def choose_country(header: str | None, explicit: str | None) -> str:
    """The reader's country (ISO 3166-1 alpha-2, upper case), or "" when nothing says.

    ``explicit`` (the ``region`` parameter) first, then the region subtag of the most preferred
    language range that has one (``es-MX`` -> ``MX``).
    """
    if explicit:
        return explicit.upper()
    for preference in parse_accept_language(header or ""):
        for subtag in preference.value.split("-")[1:]:
            if len(subtag) == 2 and subtag.isalpha():
                return subtag.upper()
    return ""


def split_negotiated(query: str) -> tuple[str, str, str] | None:
    """(``lang`` or "", ``region`` or "", the rest of the query in its canonical form).

    None when the app must judge the query itself: either parameter given twice or malformed
    (the app answers 422).
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    langs = [value for name, value in pairs if name == "lang"]
    regions = [value for name, value in pairs if name == "region"]
    if len(langs) > 1 or len(regions) > 1:
        return None
    if langs and (len(langs[0]) > LANGUAGE_MAX_LENGTH or not _LANG.fullmatch(langs[0])):
        return None
    if regions and not _COUNTRY.fullmatch(regions[0]):
        return None
    rest = canonical_query(query, NEGOTIATED)
    return (langs[0] if langs else ""), (regions[0] if regions else ""), rest


NEGOTIATED_KEY = "fascia.negotiated"  # where a request's ``Audience`` is kept once chosen


@dataclass(frozen=True, slots=True)
class Audience:
    """Whom a request is answered for, chosen once per request: the response cache's key and the
    handlers both read this, so they cannot disagree."""

    locale: str
    country: str  # the reader's country where it has care advice of its own, else ""
    base: str  # the public base URL handouts link with ("": links stay relative)


@dataclass
class Negotiator:
    """Chooses a request's ``Audience`` from ``lang``, ``region``, ``Accept-Language`` and Host."""

    default_locale: str
    locales: tuple[str, ...]
    countries: frozenset[str]  # the countries that have care advice of their own
    public_url: str | None
    hosts: tuple[str, ...]  # allowed Host values, the canonical one first
    memo: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)

    def audience(self, scope: Scope, lang: str | None, region: str | None) -> Audience:
        """The request's audience, chosen on first use and kept in its scope. ``lang`` and
        ``region`` are the query's (already validated), ``None`` when absent."""
        found: Audience | None = scope.get(NEGOTIATED_KEY)
        if found is not None:
            return found
        header = next((v for k, v in scope["headers"] if k == b"accept-language"), b"")
        accept_language = header.decode("latin-1")
        key = (accept_language, lang or "", region or "")
        chosen = self.memo.get(key)
        if chosen is None:
            if len(self.memo) >= NEGOTIATION_LIMIT:
                self.memo.clear()
            locale = choose_locale(accept_language, lang, self.locales, self.default_locale)
            country = choose_country(accept_language, region)
            chosen = self.memo[key] = (locale, country if country in self.countries else "")
        audience = Audience(chosen[0], chosen[1], public_base(scope, self.public_url, self.hosts))
        scope[NEGOTIATED_KEY] = audience
        return audience
