"""Pagination of every API list: ``limit`` and ``offset`` within bounds, or 400 naming the parameter.

DRF's own LimitOffsetPagination accepts any size (``?limit=99999999999999999999`` reached the database as an
integer SQLite cannot hold: a 500) and silently replaces malformed values with the default."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


def bounded_int(params: Any, name: str, *, minimum: int, maximum: int, default: int | None) -> int | None:
    """A whole-number query parameter in [minimum, maximum]; absent gives ``default``; anything else is a 400
    that names the parameter and its bounds."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None
    if value is None or not minimum <= value <= maximum:
        raise exceptions.ValidationError(
            {
                name: [
                    _("%(name)s must be a whole number from %(min)d to %(max)d.")
                    % {"name": name, "min": minimum, "max": maximum}
                ]
            }
        )
    return value


def paging_parameters() -> list[OpenApiParameter]:
    """``limit`` and ``offset`` for list views that paginate by hand (plain APIViews)."""
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            description=f"Number of results per page (1–{MAX_LIMIT}; otherwise 400).",
        ),
        OpenApiParameter(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
            description=f"Index of the first result (0–{MAX_OFFSET}; otherwise 400).",
        ),
    ]


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Any) -> int | None:
        return bounded_int(
            request.query_params, self.limit_query_param, minimum=1, maximum=MAX_LIMIT, default=self.default_limit
        )

    def get_offset(self, request: Any) -> int:
        return bounded_int(request.query_params, self.offset_query_param, minimum=0, maximum=MAX_OFFSET, default=0) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, MAX_LIMIT), self.offset_query_param: (0, MAX_OFFSET)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
            parameter["description"] = f"{parameter['description']} ({low}–{high}; otherwise 400)"
        return parameters
