"""Idempotency keys for API create requests (``Idempotency-Key`` header, as in the IETF httpapi draft).

A client that may send a create twice (a retry after a lost response, a double click, a job re-run) sends a
key of its own choosing. The first request with that key creates the record and its answer is stored in the
same transaction; every later request with the same key, from the same user, with the same method, path and
body gets that stored answer (``Idempotent-Replayed: true``) and creates nothing. The same key with another
request is refused (422), so a client bug cannot silently return the wrong record.

Parallel requests with one key are serialised by the table's unique constraint: the second INSERT waits for
the first transaction (PostgreSQL's unique index, SQLite's write lock), then fails and replays. A request that
failed (4xx, rolled back) stores nothing, so correcting it and retrying with the same key works. Keys expire
after :data:`KEY_LIFETIME`; an expired key may be used again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer
from liaison.core.audit import to_json
from liaison.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional, 1–255 printable ASCII characters chosen by the client (e.g. a UUID). Repeating the "
    "request with the same key, user and body returns the first answer (header `Idempotent-Replayed: true`) "
    "instead of creating a second record, also when the requests arrive in parallel. The same key with another "
    "body is refused with 422. Keys are kept for 24 hours.",
)
KEY_REUSED = OpenApiResponse(
    ErrorSerializer,
    description="The `Idempotency-Key` was already used for a different request (another body or path)."
)


class KeyReusedError(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


def _key(request: Any) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " <= ch <= "~" for ch in key):
        raise exceptions.ValidationError({HEADER: [_("An idempotency key is 1 to 255 printable ASCII characters.")]})
    return key


def _fingerprint(request: Any) -> str:
    data = request.data
    body = {k: data.getlist(k) for k in sorted(data)} if hasattr(data, "getlist") else data
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": to_json(body)}, sort_keys=True, ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(request: Any, create: Callable[[], Response]) -> Response:
    """Run ``create`` at most once per (user, key); see the module docstring."""
    key = _key(request)
    if key is None:
        return create()
    fingerprint, user_id = _fingerprint(request), request.user.pk
    with transaction.atomic():
        IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__lt=timezone.now() - KEY_LIFETIME).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user_id=user_id, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(user_id=user_id, key=key), fingerprint)
        response = create()
        record.response_status = response.status_code
        record.response_body = to_json(response.data)
        record.response_etag = response.get("ETag", "")
        record.save(update_fields=["response_status", "response_body", "response_etag"])
    return response


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise KeyReusedError(
            _("This Idempotency-Key was already used for a different request; use a new key for a new record.")
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    if record.response_etag:
        response["ETag"] = record.response_etag
    return response


def purge_expired() -> int:
    """Delete keys past their lifetime (run from the CLI or a scheduled job, never in a request)."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
    return deleted
