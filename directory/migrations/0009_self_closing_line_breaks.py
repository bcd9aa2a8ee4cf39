"""Rich text stored with `<br>` made Wagtail's editor fail on the entry's form: write `<br/>`."""

import re

from django.db import migrations

LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def close_line_breaks(apps, schema_editor):
    for name in ("Entry", "EntryTranslation"):
        model = apps.get_model("directory", name)
        changed = []
        for row in model.objects.filter(description__icontains="<br").only("pk", "description").iterator():
            fixed = LINE_BREAK.sub("<br/>", row.description)
            if fixed != row.description:
                row.description = fixed
                changed.append(row)
        model.objects.bulk_update(changed, ["description"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_editors_work_submissions")]
    operations = [migrations.RunPython(close_line_breaks, migrations.RunPython.noop)]
