from django.urls import path

from liaison.core import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.<str:fmt>", views.audit_export, name="audit_export"),
]
