from django.urls import path

from liaison.registry import views, views_archive

app_name = "registry"

_org = "organisations/<int:pk>/"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path(_org, views.organisation_detail, name="organisation_detail"),
    path(_org + "edit/", views.organisation_edit, name="organisation_edit"),
    path(_org + "products/new/", views.product_create, name="product_create"),
    path(_org + "products/<int:product_pk>/edit/", views.product_edit, name="product_edit"),
    path(_org + "products/<int:product_pk>/delete/", views.product_delete, name="product_delete"),
    path(_org + "people/new/", views.person_create, name="person_create"),
    path(_org + "people/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path(_org + "people/<int:person_pk>/export/", views.person_export, name="person_export"),
    path(_org + "people/<int:person_pk>/erase/", views.person_erase, name="person_erase"),
    path(_org + "certifications/new/", views.certification_create, name="certification_create"),
    path(
        _org + "certifications/<int:certification_pk>/delete/",
        views.certification_delete,
        name="certification_delete",
    ),
    path(_org + "archive/", views_archive.organisation_archive, name="organisation_archive"),
    path(_org + "restore/", views_archive.organisation_restore, name="organisation_restore"),
    path(_org + "duplicates/<int:other_pk>/dismiss/", views_archive.duplicate_dismiss, name="duplicate_dismiss"),
    path(_org + "duplicates/<int:other_pk>/merge/", views_archive.duplicate_merge, name="duplicate_merge"),
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/new/", views.taxonomy_create, name="taxonomy_create"),
    path("taxonomy/<int:pk>/edit/", views.taxonomy_edit, name="taxonomy_edit"),
]
