"""Directory entries go through the moderation workflow editors already use for pages."""

from django.db import migrations


def assign_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    workflow = (
        Workflow.objects.filter(active=True, name="Moderators approval").first()
        or Workflow.objects.filter(active=True).order_by("pk").first()
    )
    if workflow is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="directory", model="entry")
    WorkflowContentType.objects.get_or_create(content_type=content_type, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_entry_identifiers"),
        ("wagtailcore", "0083_workflowcontenttype"),
    ]

    operations = [migrations.RunPython(assign_workflow, migrations.RunPython.noop)]
