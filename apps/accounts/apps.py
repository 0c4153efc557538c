from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from apps.audit.registry import audit_model

        from .models import User

        audit_model(User, exclude=("password", "last_login"), m2m_fields={"groups", "user_permissions"})
