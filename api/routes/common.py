"""What every resource router shares: the views dependency, id parameters, errors, collections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel

from api.errors import NotFound, Problem
from api.models import SLUG_PATTERN
from api.presenter import Views, links
from api.views import Collection

ViewT = TypeVar("ViewT", bound=BaseModel)


def get_views(request: Request) -> Views:
    views: Views = request.app.state.views
    return views


ViewsDep = Annotated[Views, Depends(get_views)]


def id_path(example: str) -> Any:
    """A path parameter holding a content id (a kebab-case slug)."""
    return Path(pattern=SLUG_PATTERN, max_length=80, description="A stable id.", examples=[example])


def id_query(kind: str, example: str) -> Any:
    """An optional query parameter filtering by the id of another resource."""
    description = f"Only items related to this {kind} id; an unknown id is a 404."
    return Query(pattern=SLUG_PATTERN, max_length=80, description=description, examples=[example])


def find(
    items: Mapping[str, ViewT], kind: str, item_id: str, parameter: str | None = None
) -> ViewT:
    """The item with ``item_id``, or a 404 problem naming the kind and id."""
    item = items.get(item_id)
    if item is None:
        raise NotFound(kind, item_id, parameter)
    return item


CollectionT = TypeVar("CollectionT", bound=Collection[Any])


def collection(request: Request, kind: type[CollectionT], items: Iterable[Any]) -> CollectionT:
    """A ``kind`` collection of ``items`` whose self link is the request's own path and query."""
    chosen = tuple(items)
    query = request.url.query
    path = f"{request.url.path}?{query}" if query else request.url.path
    return kind(items=chosen, count=len(chosen), links=links(path))


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an operation can answer."""
    descriptions = {
        404: "No resource with that id (or a filter names an unknown id).",
        405: "Method not allowed: the API is read-only.",
        422: "A path or query parameter is invalid.",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions[status],
        }
        for status in statuses
    }
