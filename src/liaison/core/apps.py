from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from liaison.core import checks  # noqa: F401  (registers the deploy check of the audit trail's protection)
