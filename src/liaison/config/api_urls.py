"""The REST API: every app contributes its router; the OpenAPI document and docs are served offline and under
the strict Content-Security-Policy (our own templates load every script from a file, none inline)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from liaison.core.audit_api import AuditEntryViewSet

router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit")

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="openapi", template_name="api/swagger.html"),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="openapi", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    *router.urls,
    path("", include("liaison.registry.api_urls")),
]
