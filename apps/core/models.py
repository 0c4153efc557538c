"""Abstract base models shared by every domain app."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-change timestamps."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(PermissionError):
    """TEMP stub (p-core)."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("append-only")

    def delete(self):
        raise AppendOnlyError("append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("append-only")


class AppendOnlyModel(models.Model):
    """TEMP stub (p-core)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("append-only")
