"""Clinical sign-off: the record that decides whether a content version is published as active.

``content/governance/sign-offs.yaml`` lists every sign-off: who (role, name, professional body
and registration number), for which content version, when, the decision (``approved`` or
``changes-requested``), its scope and notes. The governance folder is not part of the content
version, so a sign-off can name the version it reviewed.

The content is ``active`` only when the last decision on its current version approves it for
every item (scope ``all``); otherwise it is a ``draft``, and every surface says so. A sign-off
for an older version never carries over to a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from api.content.models import Frozen, Label

VERSION_PATTERN = r"^[0-9a-f]{16}$"
ALL = "all"
Status = Literal["draft", "active"]
Decision = Literal["approved", "changes-requested"]
ItemKey = Annotated[str, StringConstraints(pattern=r"^(all|[a-z-]+/[a-z0-9-]+)$")]


class SignOff(Frozen):
    """One clinician's decision on one content version."""

    content_version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    role: Annotated[Label, Field(description="Such as Clinical Safety Officer.")]
    name: Label
    professional_body: Annotated[Label, Field(description="Such as HCPC, or CSP.")]
    registration: Annotated[Label, Field(description="The number on that body's register.")]
    date: date
    decision: Decision
    scope: Annotated[
        tuple[ItemKey, ...],
        Field(min_length=1, description="`all`, or the items reviewed as `<collection>/<id>`."),
    ]
    notes: str | None = None

    @property
    def whole(self) -> bool:
        return ALL in self.scope


class SignOffs(Frozen):
    sign_offs: tuple[SignOff, ...] = ()


@dataclass(frozen=True)
class Governance:
    """Where a content version stands: its status, and the decision it rests on."""

    status: Status
    decision: SignOff | None  # the last sign-off of this version, whatever it decided
    sign_offs: tuple[SignOff, ...]  # every record, of every version, oldest first

    @property
    def approval(self) -> SignOff | None:
        """The sign-off that makes this version active; None for a draft."""
        return self.decision if self.status == "active" else None


NO_SIGN_OFF = Governance("draft", None, ())


def governance_of(
    sign_offs: tuple[SignOff, ...], version: str, item_keys: frozenset[str]
) -> Governance:
    """The status of ``version``: active when its last sign-off approves every item."""
    ordered = tuple(sorted(sign_offs, key=lambda s: s.date))
    own = [s for s in ordered if s.content_version == version]
    last = own[-1] if own else None
    covers = last is not None and (last.whole or item_keys <= set(last.scope))
    approved = last is not None and last.decision == "approved" and covers
    return Governance("active" if approved else "draft", last, ordered)
