from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "apps.documents"
    label = "documents"
    verbose_name = "Generated documents"

    def ready(self):
        from apps.audit.registry import audit_model

        from .models import GeneratedDocument

        # Progress and the current step change many times a second while a document is built;
        # the request, the outcome (done or failed) and the file's hash are what the trail keeps.
        audit_model(GeneratedDocument, exclude=("progress", "step", "started_at", "updated_at"))
