"""Portal-wide groups (as opposed to per-project roles)."""

from django.db import models


class PortalGroup(models.TextChoices):
    COMPLIANCE_AUDITORS = "Compliance Auditors", "Compliance Auditors"
    PROJECT_CREATORS = "Project Creators", "Project Creators"
