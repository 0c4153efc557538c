"""Abstract base models shared by every domain app."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-change timestamps."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(PermissionError):
    """Raised on any attempt to change or remove an append-only record (a decision, an event, a review)."""


def _refuse(model) -> None:
    name = str(model._meta.verbose_name_plural).capitalize()
    raise AppendOnlyError(f"{name} are append-only: recorded once, never changed or removed.")


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are read and added (`create`, `bulk_create`), never bulk-changed or bulk-removed.

    Cascades from a parent (a project, a risk) still remove them: Django's collector
    deletes below the queryset API. That is how a record goes with what it is about.
    """

    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(self.model)

    update.alters_data = delete.alters_data = bulk_update.alters_data = True


class AppendOnlyModel(models.Model):
    """A record that is written once: a decision, an event in a history, a review.

    Saving a row that exists (loaded from the database, or saved before) and deleting
    one raise `AppendOnlyError`; so do `update()`, `delete()` and `bulk_update()` on
    its querysets and related managers. List it first among the bases so that its
    manager is the default: `class GateEvent(AppendOnlyModel, ProjectScopedModel)`.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            _refuse(type(self))
        # A new instance that carries the primary key of an existing row must not
        # turn into an UPDATE of that row: insert, or fail on the duplicate key.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        _refuse(type(self))

    delete.alters_data = True
