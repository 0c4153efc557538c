import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_project_key_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="key",
            field=models.CharField(
                editable=False,
                help_text="Short code shown wherever projects are mixed (CCP-R-002). Derived from the name; never changes.",
                max_length=10,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Z][A-Z0-9]{1,9}$", "2–10 capital letters or digits, starting with a letter."
                    )
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(("key__regex", "^[A-Z][A-Z0-9]{1,9}$")), name="project_key_format"
            ),
        ),
    ]
