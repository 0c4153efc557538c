"""Give every existing project a unique key derived from its name, oldest project first."""

from django.db import migrations

from apps.projects.models import derive_project_key


def fill_keys(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    taken = set(Project.objects.exclude(key__isnull=True).exclude(key="").values_list("key", flat=True))
    for project in Project.objects.filter(key__isnull=True).order_by("id").only("id", "name"):
        key = derive_project_key(project.name, taken)
        taken.add(key)
        Project.objects.filter(pk=project.pk).update(key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_project_key"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
