"""How domain apps put their models under audit."""

from auditlog.registry import auditlog

# Changes on every save; each entry carries its own timestamp.
ALWAYS_EXCLUDED = ("updated_at",)


def audit_model(model, *, exclude: tuple[str, ...] = (), **options) -> None:
    """Record every create, update and delete of `model` in the audit trail.

    Call it from the app's AppConfig.ready(). Project-scoped records get their
    project id on each entry through `get_additional_data()`.
    """
    # Reverse relations (other models' foreign keys to this one) are not this record's fields.
    reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
    auditlog.register(model, exclude_fields=[*ALWAYS_EXCLUDED, *reverse, *exclude], **options)
