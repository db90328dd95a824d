from django.urls import path

from liaison.registry import views_import

app_name = "registry_import"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("review/", views_import.review, name="review"),
    path("commit/", views_import.commit, name="commit"),
    path("job/<int:pk>/", views_import.job, name="job"),
    path("job/<int:pk>/progress/", views_import.job_progress, name="job_progress"),
    path("export.<str:fmt>", views_import.export, name="export"),
]
