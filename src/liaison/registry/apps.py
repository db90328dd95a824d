from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "liaison.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from liaison.core.hooks import on_dashboard
        from liaison.registry.selectors import dashboard_figures

        on_dashboard(dashboard_figures)
