"""Security events: sign-ins, lockouts, API tokens and exports, recorded in the audit trail.

Django's auth signals and the API token model's signals call in here, so every
path (login page, admin login, API token endpoint, admin token deletion,
expiry) is covered without each view remembering to.
"""

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .models import SecurityEvent


def client_ip(request) -> str | None:
    """The client address as the WSGI server saw it (a TLS proxy in front sets REMOTE_ADDR via gunicorn)."""
    return getattr(request, "META", {}).get("REMOTE_ADDR") or None


def security_event_record(*, kind: str, request=None, user=None, username: str = "", project_id=None, **detail):
    """Append one security event (and through it, one audit entry)."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    event = SecurityEvent(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_ip(request) if request is not None else None,
        project_id=project_id,
        detail=detail,
    )
    event.full_clean()
    event.save()
    return event


def export_record(*, request, what: str, project=None) -> SecurityEvent:
    """Who exported what, from where, with which filters (see middleware.ExportAuditMiddleware)."""
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    return security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        project_id=getattr(project, "pk", None),
        what=what[:300],
        path=request.path,
        filters={key: values[0] if len(values) == 1 else values for key, values in filters.items()},
    )


def _on_login(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEvent.Kind.LOGIN, request=request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, request=request, user=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))
    )


def _on_token_saved(sender, instance, created, **kwargs):
    if created:
        security_event_record(
            kind=SecurityEvent.Kind.TOKEN_ISSUED,
            user=instance.user,
            what=f"token {instance.token_key}…",
            expires=instance.expiry.isoformat() if instance.expiry else "never",
        )


def _on_token_deleted(sender, instance, **kwargs):
    expired = instance.expiry is not None and instance.expiry <= timezone.now()
    security_event_record(
        kind=SecurityEvent.Kind.TOKEN_EXPIRED if expired else SecurityEvent.Kind.TOKEN_REVOKED,
        user=instance.user,
        what=f"token {instance.token_key}…",
    )


def connect() -> None:
    """Wire the signals (from AuditConfig.ready)."""
    from knox.models import AuthToken

    user_logged_in.connect(_on_login, dispatch_uid="audit.security.login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit.security.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit.security.login_failed")
    post_save.connect(_on_token_saved, sender=AuthToken, dispatch_uid="audit.security.token_saved")
    post_delete.connect(_on_token_deleted, sender=AuthToken, dispatch_uid="audit.security.token_deleted")
