from django.db import models


class DocumentState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED_STATES = (DocumentState.DONE, DocumentState.FAILED)
