from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "liaison.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Every app declares its job kinds in <app>/jobs.py; importing them here registers them in every
        # process (web, worker, CLI), so a worker knows every kind a web process may enqueue.
        autodiscover_modules("jobs")
