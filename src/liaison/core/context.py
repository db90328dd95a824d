"""Who is acting and under which correlation id: set by the request middleware, the CLI and background jobs.

Services take the actor explicitly (`actor=`); the correlation id ties together every audit entry one request,
command or job produced, so it travels in a context variable instead of through every signature.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    """The active correlation id; outside any scope each call gets a fresh one (a one-off write)."""
    return _correlation_id.get() or new_correlation_id()


@contextlib.contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    cid = correlation_id or new_correlation_id()
    token = _correlation_id.set(cid)
    try:
        yield cid
    finally:
        _correlation_id.reset(token)
