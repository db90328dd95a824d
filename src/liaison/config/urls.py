from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("liaison.core.urls")),
    path("accounts/", include("liaison.accounts.urls")),
    path("registry/import/", include("liaison.registry.import_urls")),
    path("registry/", include("liaison.registry.urls")),
    path("integrity/", include("liaison.integrity.urls")),
    path("jobs/", include("liaison.jobs.urls")),
    path("api/", include("liaison.config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
