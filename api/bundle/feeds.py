"""The sync feeds as served: the manifest of every item and the change feed since a release.

Their items are computed at build time (``api.bundle.sync``) and read back by the store.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from api.bundle.resources import STATUS_DESCRIPTION, Collection, View
from api.content.signoffs import Status

MANIFEST = "manifest"
CHANGES = "changes:"  # + the version the changes are since


class ManifestEntry(View):
    """One item of the manifest: enough to know whether a copy is current."""

    kind: Annotated[str, Field(description="The item's collection, such as `muscles`.")]
    id: str
    hash: Annotated[
        str,
        Field(
            description="A hash of the item's JSON as served at `href` in this locale (the "
            "items it shows included): equal means same. It changes when the content does, and "
            "when the API represents the item differently (an order, a field added)."
        ),
    ]
    modified: Annotated[
        date | None, Field(description="When the item last changed (its `modified` date).")
    ]
    href: str


ChangeType = Literal["created", "updated", "retired"]


class Change(View):
    """One item created, updated or retired since the release asked about."""

    change: ChangeType
    kind: str
    id: str
    href: Annotated[str, Field(description="The item's URL (a retired one answers 410 Gone).")]
    hash: Annotated[
        str | None,
        Field(description="The item's new hash, as in the manifest; absent when retired."),
    ]
    modified: date | None
    safety: Annotated[
        bool,
        Field(
            description="The change touched safety text, or the order it is shown in: a "
            "warning or red flag (also as shown within another item, such as a step's warnings "
            "or a self-test's screening questions), regional care advice, a step's instruction "
            "or pressure, or pressure guidance. Show it to reviewers before publishing."
        ),
    ]
    changed_fields: Annotated[
        tuple[str, ...],
        Field(
            description="Dotted paths of the fields of the item's JSON that changed (updates "
            "only); a list put in another order changes the paths of its entries."
        ),
    ] = ()
    reason: Annotated[str | None, Field(description="Why a retired item was retired.")] = None
    replaced_by: Annotated[
        str | None, Field(description="The URL of the item replacing a retired one.")
    ] = None


class Manifest(Collection[ManifestEntry]):
    """Every item of one locale, a page at a time, with the content version it describes."""

    content_version: str
    status: Annotated[Status, Field(description=STATUS_DESCRIPTION)]
    locale: str


class ChangeFeed(Collection[Change]):
    """What changed since a release; ask again with `since` = `content_version`."""

    since: str
    content_version: Annotated[
        str, Field(description="The version served now: the `since` to use next time.")
    ]
    locale: str
