from django.urls import path

from liaison.registry import views_import

app_name = "registry_import"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("review/", views_import.review, name="review"),
    path("commit/", views_import.commit, name="commit"),
    path("export.<str:fmt>", views_import.export, name="export"),
]
