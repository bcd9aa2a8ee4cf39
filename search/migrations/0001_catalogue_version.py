import uuid

from django.db import migrations, models


def first_version(apps, schema_editor):
    CatalogueVersion = apps.get_model("search", "CatalogueVersion")
    CatalogueVersion.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "catalogue version"},
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
