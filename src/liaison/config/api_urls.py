"""The REST API: every app contributes its router; the OpenAPI document and docs are served offline and under
the strict Content-Security-Policy (our own templates load every script from a file, none inline)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from liaison.core.audit_api import AuditEntryViewSet
from liaison.jobs.api import JobViewSet

router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("jobs", JobViewSet, basename="jobs")

# Redoc's styled-components inject <style> elements (no nonce hook) and its search runs in a blob: worker. On
# this one page we allow those two; script-src stays 'self'. Swagger UI at /api/docs/ needs no exception.
redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
    SpectacularRedocView.as_view(url_name="openapi", template_name="api/redoc.html")
)

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="openapi", template_name="api/swagger.html"),
        name="api-docs",
    ),
    path("redoc/", redoc, name="api-redoc"),
    *router.urls,
    path("", include("liaison.registry.api_urls")),
    path("", include("liaison.integrity.api_urls")),
]
