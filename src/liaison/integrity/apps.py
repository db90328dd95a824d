from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "liaison.integrity"
    label = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        # Screen every organisation and person when the registry creates or changes one (see core.hooks).
        from liaison.core.hooks import on_organisations_merged, on_party_changed, on_personal_data_erased
        from liaison.integrity.services import on_registry_party_changed
        from liaison.integrity.services.merging import on_organisations_merged as move_merged_references
        from liaison.integrity.services.screening import erase_party_personal_data

        on_party_changed(on_registry_party_changed)
        on_personal_data_erased(erase_party_personal_data)
        on_organisations_merged(move_merged_references)
