"""Item 3: an import started from the admin never reads a file on the server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory.models import Entry
from importers.models import ImportRun

pytestmark = pytest.mark.django_db

HOSTILE = """source:
  slug: passwd
  name: Passwords
  trusted: true
url: {url}
columns:
  name: root
"""


@pytest.mark.parametrize("url", ["/etc/passwd", "file:///etc/passwd", "../../../../etc/passwd"])
def test_the_admin_cannot_name_a_path_to_a_config(editor, client, tmp_path, url):
    config = tmp_path / "evil.txt"
    config.write_text(HOSTILE.format(url=url))
    before = Entry.objects.count()
    client.post(reverse("importers_start"), {"source": "csv", "config": str(config)})
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None and run.outcome == "failed", run and run.outcome
    assert Entry.objects.count() == before
    assert not Entry.objects.filter(name__startswith="root").exists()


@pytest.mark.parametrize("url", ["/etc/passwd", "file:///etc/passwd"])
def test_an_operator_config_may_not_point_its_url_at_a_file(tmp_path, url):
    """The command line may name a config file, but the config's url: is http(s) only."""
    from importers.runner import run_import

    config = tmp_path / "evil.yaml"
    config.write_text(HOSTILE.format(url=url))
    before = Entry.objects.count()
    try:
        run_import("csv", config=str(config))
    except Exception:
        pass
    run = ImportRun.objects.order_by("-pk").first()
    assert run is None or run.outcome == "failed"
    assert Entry.objects.count() == before
