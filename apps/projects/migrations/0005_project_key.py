"""Projects get a short key (CCP, SKA...) shown with risk codes wherever projects are mixed.

Three steps: add the column empty, fill every existing row with a unique key derived from
its name (0006), then make it required and unique with its format check (0007). They are
separate migrations so that PostgreSQL never alters a table with pending row updates.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_project_retirement"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="key",
            field=models.CharField(editable=False, max_length=10, null=True),
        ),
    ]
