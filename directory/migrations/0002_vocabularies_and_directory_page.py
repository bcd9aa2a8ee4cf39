"""The canonical vocabularies and the page that serves /directory/."""

from django.db import migrations

from directory.taxonomies import CATEGORIES, MEMBER_CLASSES, ORGANISATION_TYPES


def create(apps, schema_editor):
    for model_name, terms in (
        ("Category", CATEGORIES),
        ("OrganisationType", ORGANISATION_TYPES),
        ("MemberClass", MEMBER_CLASSES),
    ):
        model = apps.get_model("directory", model_name)
        for slug, name in terms.items():
            model.objects.get_or_create(slug=slug, defaults={"name": name})

    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    DirectoryPage = apps.get_model("directory.DirectoryPage")
    home = Page.objects.filter(depth=2).order_by("path").first()
    if home is None or DirectoryPage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(model="directorypage", app_label="directory")
    DirectoryPage.objects.create(
        title="Directory",
        draft_title="Directory",
        slug="directory",
        content_type=content_type,
        path=f"{home.path}{home.numchild + 1:04d}",
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}directory/",
        locale_id=home.locale_id,
        intro="<p>Platform co-ops, the co-ops that run platforms, and the people and "
              "organisations that support them. Search, or narrow the list with the filters.</p>",
    )
    home.numchild += 1
    home.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("portal", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
