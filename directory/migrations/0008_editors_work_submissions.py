"""The Editors and Moderators groups work the submissions queue (Directory → Submissions): before this,
only superusers could, since the groups had the entry permissions and none on submissions.

(Named 0008: 0007 was taken by the text-and-links migration of the same issue.)
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Editors", "Moderators")
CODENAMES = ("view_submission", "change_submission")


def grant(apps, schema_editor):
    # Permissions are made after all migrations ran (post_migrate): make the directory's now.
    directory = apps.get_app_config("directory")
    directory.models_module = True
    create_permissions(directory, apps=apps, verbosity=0)
    directory.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="directory", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="directory", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_clean_text_and_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
