from django.core.management.base import BaseCommand

from apps.projects.services import project_permissions_resync


class Command(BaseCommand):
    help = "Recompute every member's per-project permissions from apps/projects/roles.py (run after changing it)."

    def handle(self, *args, **options):
        count = project_permissions_resync()
        self.stdout.write(self.style.SUCCESS(f"Permissions recomputed for {count} project members."))
