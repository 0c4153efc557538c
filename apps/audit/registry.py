"""How domain apps put their models under audit."""

from auditlog.registry import auditlog

# Changes on every save; each entry carries its own timestamp.
ALWAYS_EXCLUDED = ("updated_at",)


def audit_model(model, *, exclude: tuple[str, ...] = (), **options) -> None:
    """Record every create, update and delete of `model` in the audit trail.

    Call it from the app's AppConfig.ready(). Project-scoped records get their
    project id on each entry through `get_additional_data()`.
    """
    auditlog.register(model, exclude_fields=[*ALWAYS_EXCLUDED, *exclude], **options)
