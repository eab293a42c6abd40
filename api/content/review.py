"""Review dates: which items are due for review by a given day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from api.content.catalog import Catalog
from api.content.kinds import KINDS

WITHIN_PATTERN = re.compile(r"^(\d{1,4})d$")


@dataclass(frozen=True, order=True)
class Due:
    next_review: date
    collection: str
    id: str
    last_reviewed: date

    def __str__(self) -> str:
        return (
            f"{self.next_review}  {self.collection}/{self.id} (last reviewed {self.last_reviewed})"
        )


def parse_within(text: str) -> timedelta:
    """``30d`` -> 30 days; ValueError for anything else."""
    match = WITHIN_PATTERN.match(text)
    if match is None:
        raise ValueError(f"expected a number of days such as 30d, got {text!r}")
    return timedelta(days=int(match.group(1)))


def due_for_review(catalog: Catalog, by: date) -> list[Due]:
    """Items whose next review falls on or before ``by`` (overdue ones included), soonest first."""
    due = []
    for kind in KINDS:
        for item_id, item in catalog.items(kind.collection):
            next_review = getattr(item, "next_review", None)
            last_reviewed = getattr(item, "last_reviewed", None)
            if next_review is not None and last_reviewed is not None and next_review <= by:
                due.append(Due(next_review, kind.collection, item_id, last_reviewed))
    return sorted(due)
