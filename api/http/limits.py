"""What a request may be: the limits beyond which it is refused before any routing.

The gateway (``api.edge.gateway``) enforces them, the HTTP protocol (``api.ops.protocol``) sizes
its buffer from them, and the error table (``api.http.errors``) and the OpenAPI document's
examples describe them, all from here, in the same words the refusals use.
"""

from __future__ import annotations

MAX_URL = 4096  # bytes of path and query
MAX_HEADERS = 64
MAX_HEADER_BYTES = 16_384
MAX_QUERY_PARAMETERS = 16

URL_TOO_LONG = f"The URL is longer than {MAX_URL} bytes."  # 414
TOO_MANY_HEADERS = (
    f"Send at most {MAX_HEADERS} headers and {MAX_HEADER_BYTES} bytes of them."  # 431
)
TOO_MANY_PARAMETERS = f"At most {MAX_QUERY_PARAMETERS} query parameters are accepted."  # 400


def repeated_parameter(name: str) -> str:
    """The 400's detail for a query parameter given twice."""
    return f"The query parameter '{name}' is given more than once."


# Set in the scope of a costly request by the layer that gives such requests turns per client
# (``api.edge.fairness``): its answer's bytes are then built off the event loop.
EXPENSIVE_KEY = "fascia.expensive"
