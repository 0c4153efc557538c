"""Vocabularies of checklist templates and item responses."""

from django.db import models


class TemplateOrigin(models.TextChoices):
    LIBRARY = "library", "Portal library"
    ORGANISATION = "organisation", "Organisation"


class Requirement(models.TextChoices):
    REQUIRED = "required", "Required"
    SUGGESTED = "suggested", "Suggested"


class ItemKind(models.TextChoices):
    CHECK = "check", "Tick box"
    SINGLE_SELECT = "single_select", "Single-select"
    MULTI_SELECT = "multi_select", "Multi-select"


SELECT_KINDS = (ItemKind.SINGLE_SELECT, ItemKind.MULTI_SELECT)


class ResponseStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    BLOCKED = "blocked", "Blocked"


# An item counts as complete (and passes a gate) when it is done or explicitly not applicable.
COMPLETE_STATUSES = (ResponseStatus.DONE, ResponseStatus.NOT_APPLICABLE)


class EvidenceKind(models.TextChoices):
    LINK = "link", "Link"
    NOTE = "note", "Note"
    FILE = "file", "File"
