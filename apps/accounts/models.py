"""The portal's user model: a person who holds roles on projects."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the portal. Project roles live on projects.Membership."""

    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
