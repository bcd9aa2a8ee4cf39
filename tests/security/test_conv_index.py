"""Issue 11, item 8: the search index follows each entry's state, not the run that wrote it.

A run killed after writing rows and before indexing them left them out of the index for
good: the next run saw the rows unchanged and indexed nothing. Killed runs stayed
"running" in the Imports list forever.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from .conv_support import REPO, cut_coops_uk, database_copy, run_worker, start_worker, worker_env

pytestmark = [pytest.mark.realdata]


class Killed(BaseException):
    """The process dies here (as SIGKILL would: nothing after it runs)."""


def not_found_by_name(slug: str) -> tuple[int, list[str]]:
    from directory.models import Entry
    from search.api import search

    entries = list(Entry.objects.published().filter(source_records__source__slug=slug).distinct())
    lost = [
        e.name for e in entries if e.pk not in {hit.pk for hit in search(query=e.name, page_size=100).hits}
    ]
    return len(entries), lost


def check_output(*args) -> str:
    out = io.StringIO()
    call_command("search_index", "--check", *args, stdout=out)
    return out.getvalue()


def test_rows_of_a_run_killed_before_indexing_are_indexed_by_the_next_run(
    db, shared_data, tmp_path, monkeypatch
):
    from importers.runner import run_import

    listing = cut_coops_uk(shared_data, tmp_path / "open_data_organisations_2017-06.csv", rows=600)

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr("importers.pipeline.loader.index_behind", killed, raising=False)
    monkeypatch.setattr("importers.pipeline.loader.index_entries", killed, raising=False)
    with pytest.raises(Killed):
        run_import("coops-uk", file=str(listing))
    monkeypatch.undo()

    report, run = run_import("coops-uk", file=str(listing))
    assert run.outcome in ("ok", "partial")
    assert report.unchanged >= 590 and report.created == 0  # the killed run wrote them all
    published, lost = not_found_by_name("coops-uk")
    assert published >= 590
    assert lost == [], f"{len(lost)} of {published} published entries not found by their own name"
    assert "no difference" in check_output("--no-mend")


def test_check_lists_and_mends_what_the_index_lacks_or_has_too_many(db, catalogue_loaded):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    from directory.models import Entry

    call_command("search_index", "--check", stdout=io.StringIO())  # start from an index in step
    entries = list(Entry.objects.published().order_by("pk")[:3])
    content_type = ContentType.objects.get_for_model(Entry)
    IndexEntry.objects.filter(content_type=content_type, object_id=str(entries[0].pk)).delete()
    # Written behind the index's back (a bulk update, as importers write).
    Entry.objects.filter(pk=entries[1].pk).update(name="Renamed behind its back", updated_at=timezone.now())
    IndexEntry.objects.create(content_type=content_type, object_id="999999999", title="gone", body="")

    with pytest.raises(CommandError) as refused:
        check_output("--no-mend")
    assert "differ" in str(refused.value)
    report = check_output()
    assert "1 missing, 1 extra" in report
    assert "behind (changed since indexed, or never indexed): 1" in report  # the renamed one
    assert "no difference left" in report
    assert "no difference" in check_output("--no-mend")
    from search.api import search

    assert entries[1].pk in {hit.pk for hit in search(query="Renamed behind its back").hits}
    assert entries[0].pk in {hit.pk for hit in search(query=entries[0].name, page_size=100).hits}


def test_runs_whose_process_is_gone_show_failed(db, client, django_user_model):
    from importers.models import ImportRun, this_host

    admin = django_user_model.objects.create_superuser("runs-admin", "runs@example.org", "pw")
    client.force_login(admin)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    now = timezone.now()
    killed = ImportRun.objects.create(source="coops-uk", pid=gone.pid, host=this_host(), heartbeat_at=now)
    alive = ImportRun.objects.create(source="ioo", pid=os.getpid(), host=this_host(), heartbeat_at=now)
    elsewhere_silent = ImportRun.objects.create(
        source="murmurations", pid=1, host="another-machine", heartbeat_at=now - timedelta(hours=2)
    )
    elsewhere_alive = ImportRun.objects.create(
        source="tech-coops", pid=1, host="another-machine", heartbeat_at=now - timedelta(minutes=1)
    )

    response = client.get(reverse("importers_runs"))
    assert response.status_code == 200
    assert b"The process stopped before the run finished" in response.content
    for run in (killed, alive, elsewhere_silent, elsewhere_alive):
        run.refresh_from_db()
    assert (killed.outcome, elsewhere_silent.outcome) == ("failed", "failed")
    assert (alive.outcome, elsewhere_alive.outcome) == ("running", "running")
    assert killed.finished_at == killed.heartbeat_at

    # The dashboard's panel marks them too.
    stale = ImportRun.objects.create(source="pcc", pid=gone.pid, host=this_host(), heartbeat_at=now)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    stale.refresh_from_db()
    assert stale.outcome == "failed"


def test_a_new_run_of_a_source_marks_its_dead_run_failed(db, shared_data, tmp_path):
    from importers.models import ImportRun, this_host
    from importers.runner import run_import

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = ImportRun.objects.create(
        source="coops-uk", pid=gone.pid, host=this_host(), heartbeat_at=timezone.now()
    )
    listing = cut_coops_uk(shared_data, tmp_path / "open_data_organisations_2017-06.csv", rows=20)
    _report, run = run_import("coops-uk", file=str(listing))
    dead.refresh_from_db()
    assert dead.outcome == "failed" and "stopped before the run finished" in dead.message
    assert (run.pid, run.host, run.outcome) == (os.getpid(), this_host(), "ok")


def _records(database_url: str, slug: str) -> int:
    sql = (
        "SELECT count(*) FROM directory_sourcerecord r JOIN directory_source s ON s.id = r.source_id "
        "WHERE s.slug = %s"
    )
    if database_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as conn:
            return conn.execute(sql.replace("%s", "?"), (slug,)).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        return conn.execute(sql, (slug,)).fetchone()[0]


def test_sigkill_mid_import_then_a_clean_run_leaves_every_entry_findable(db, shared_data, tmp_path):
    """The tester's case, cut to 1,500 rows: SIGKILL after the first batch, a clean re-run."""
    listing = cut_coops_uk(shared_data, tmp_path / "open_data_organisations_2017-06.csv", rows=1500)
    with database_copy(tmp_path) as url:
        process = start_worker(url, "import", str(listing))
        deadline = time.monotonic() + 90
        while _records(url, "coops-uk") < 500 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
        written = _records(url, "coops-uk")
        assert 500 <= written < 1500

        again = run_worker(url, "import", str(listing))
        assert again["lost"] == 0 and again["outcome"] in ("ok", "partial")
        assert again["unchanged"] >= written - 10  # what the killed run wrote counts as unchanged

        runs = [r for r in run_worker(url, "runs")["runs"] if r["source"] == "coops-uk"]
        assert [r["outcome"] for r in runs][-2:] == ["failed", again["outcome"]]
        assert "stopped before the run finished" in runs[-2]["message"]

        found = run_worker(url, "findable", "coops-uk")
        assert found["published"] >= 1400
        assert found["not_found"] == [], f"{len(found['not_found'])} of {found['published']} not found"
        check = subprocess.run(
            [sys.executable, "manage.py", "search_index", "--check", "--no-mend"],
            cwd=REPO,
            env=worker_env(url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "no difference" in check.stdout
