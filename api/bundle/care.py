"""Regional care advice: which region a reader is in, and red flags told in that region's words.

The bundle holds every red flag with the default region's advice, which names no number. A
request from a known country (the ``region`` parameter, or ``Accept-Language: en-US``) gets the
same response with each red flag's ``care`` replaced by its region's advice; ``Content-Language``
then names the country (``en-US``), and the response cache keeps each country's answer apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel

from api.bundle.resources import CareAdvice, RegionView
from api.content.models import DEFAULT_REGION, Region, Urgency

Advice = Mapping[str, CareAdvice]  # urgency -> advice
ValueT = TypeVar("ValueT")


def care_advice(region: Region, urgency: Urgency) -> CareAdvice:
    """A red flag's ``care``: ``region``'s advice for ``urgency``."""
    return CareAdvice(urgency=urgency, region=region.id, advice=region.advice(urgency))


def advice_by_region(regions: Iterable[RegionView]) -> dict[str, Advice]:
    """Each region's advice, by region id and urgency."""
    return {
        region.id: {urgency: care_advice(region, urgency) for urgency in get_args(Urgency)}
        for region in regions
    }


def region_of(country: str, countries: Mapping[str, str]) -> str:
    """The region id of a country code ("" or unknown: the default region)."""
    return countries.get(country, DEFAULT_REGION)


def with_care(value: ValueT, advice: Advice) -> ValueT:
    """``value`` with the ``care`` of every red flag in it replaced by ``advice``."""
    return _replace(value, advice)  # type: ignore[no-any-return]


def _replace(value: Any, advice: Advice) -> Any:
    if isinstance(value, CareAdvice):
        return advice[value.urgency]
    if isinstance(value, BaseModel):
        updates = {}
        for name in type(value).model_fields:
            current = getattr(value, name)
            if isinstance(current, BaseModel | tuple):
                replaced = _replace(current, advice)
                if replaced is not current:
                    updates[name] = replaced
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, tuple):
        items = tuple(_replace(item, advice) for item in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value
