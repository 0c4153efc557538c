from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.choices import PortalGroup
from apps.projects import services
from apps.projects.demo import DEMO_ADMIN, DEMO_AUDITOR, DEMO_PASSWORD, DEMO_PEOPLE, DEMO_PROJECTS, demo_seeds
from apps.projects.models import Membership, Project


class Command(BaseCommand):
    help = "Create demo users (one per role, an auditor, an admin) and three demo projects. Idempotent."

    def _user(self, username, first, last, title, **flags):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@demo.example",
                **flags,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    @transaction.atomic
    def handle(self, *args, **options):
        services.portal_groups_ensure()
        creators = Group.objects.get(name=PortalGroup.PROJECT_CREATORS)
        people = {username: self._user(username, *person[:3]) for username, person in DEMO_PEOPLE.items()}
        for user in people.values():
            user.groups.add(creators)
        auditor = self._user(*DEMO_AUDITOR)
        auditor.groups.add(Group.objects.get(name=PortalGroup.COMPLIANCE_AUDITORS))
        self._user(*DEMO_ADMIN, is_staff=True, is_superuser=True)

        for spec in DEMO_PROJECTS:
            owner = people[spec["owner"]]
            with set_actor(owner):
                project = Project.objects.filter(slug=spec["slug"]).first()
                if project is None:
                    project = services.project_create(actor=owner, slug=spec["slug"], **spec["fields"])
                    self.stdout.write(f"Created project {project.name}")
                for username, roles in spec["members"].items():
                    for role in roles:
                        if not Membership.objects.filter(project=project, user=people[username], role=role).exists():
                            services.membership_add(actor=owner, project=project, user=people[username], role=role)
        services.project_permissions_resync()  # grants follow roles.py even for demo members added long ago

        # Each app adds its demo records (checklists, deliverables, risks, ...) through its registered seed.
        projects = {
            project.slug: project for project in Project.objects.filter(slug__in=[p["slug"] for p in DEMO_PROJECTS])
        }
        for seed in demo_seeds():
            self.stdout.write(seed.seed(people=people, projects=projects))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(people) + 2} users (password '{DEMO_PASSWORD}', demo only), "
                f"{len(DEMO_PROJECTS)} projects."
            )
        )
