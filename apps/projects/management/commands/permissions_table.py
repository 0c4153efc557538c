from django.core.management.base import BaseCommand

from apps.projects.permissions_doc import permissions_markdown


class Command(BaseCommand):
    help = "Print the role -> permission table (docs/permissions.md) from apps/projects/roles.py."

    def handle(self, *args, **options):
        self.stdout.write(permissions_markdown(), ending="")
