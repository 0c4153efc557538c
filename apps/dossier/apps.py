from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "apps.dossier"
    label = "dossier"
    verbose_name = "Governance dossier"

    def ready(self):
        from apps.documents.registry import register_document_kind
        from apps.projects import roles

        from .sections import register_core_sections
        from .services import KIND, dossier_build, dossier_clean_params

        # The dossier holds the audit summary: whoever may read the project's audit trail may generate it.
        register_document_kind(
            KIND,
            "Governance dossier",
            dossier_build,
            permission=roles.VIEW_AUDIT,
            clean=dossier_clean_params,
            request_url="dossier:dossier-request",
        )
        register_core_sections()
