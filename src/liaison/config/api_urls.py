"""The REST API: every app contributes its router; the OpenAPI document and docs are served offline."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("openapi.json", SpectacularAPIView.as_view(), name="openapi"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="openapi"), name="api-redoc"),
    path("", include("liaison.registry.api_urls")),
]
