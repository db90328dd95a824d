"""The registry's API routes; organisation children are nested under their organisation."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from liaison.registry import api, api_archive

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
    path("organisations/<int:pk>/archive/", api_archive.OrganisationArchiveView.as_view(), name="organisation-archive"),
    path("organisations/<int:pk>/restore/", api_archive.OrganisationRestoreView.as_view(), name="organisation-restore"),
    path("organisations/<int:pk>/merge/", api_archive.OrganisationMergeView.as_view(), name="organisation-merge"),
    path(
        "organisations/<int:pk>/duplicates/<int:other_pk>/dismiss/",
        api_archive.DuplicateDismissView.as_view(),
        name="organisation-duplicate-dismiss",
    ),
    *router.urls,
]
