"""The registry's API routes; organisation children are nested under their organisation."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from liaison.registry import api

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
for prefix, viewset in (
    ("products", api.ProductViewSet),
    ("certifications", api.CertificationViewSet),
    ("people", api.PersonViewSet),
):
    router.register(rf"organisations/(?P<organisation_pk>\d+)/{prefix}", viewset, basename=f"organisation-{prefix}")
router.register("technology-fields", api.TechnologyFieldViewSet, basename="technology-field")

urlpatterns = [
    path("people/<int:pk>/export/", api.PersonExportView.as_view(), name="person-export"),
    path("people/<int:pk>/erase/", api.PersonEraseView.as_view(), name="person-erase"),
    path("me/", api.MeView.as_view(), name="me"),
    *router.urls,
]
