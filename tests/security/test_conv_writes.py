"""Issue 11, item 9: concurrent submissions and an import lose nothing (SQLite file and PostgreSQL).

Four processes post "Add my co-op" submissions through the real view (CSRF and all) while a
fifth imports a cut of the Co-operatives UK file, all on one database file (or a PostgreSQL
copy when DATABASE_URL is PostgreSQL; the suite runs once on each).
"""

from __future__ import annotations

import pytest

from .conv_support import cut_coops_uk, database_copy, result, start_worker

pytestmark = [pytest.mark.realdata]

SUBMITTERS = 4
EACH = 8


def _names(database_url: str, prefix: str) -> set[str]:
    sql = "SELECT name FROM directory_entry WHERE name LIKE %s"
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20)
        try:
            return {row[0] for row in conn.execute(sql.replace("%s", "?"), (prefix + "%",))}
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        return {row[0] for row in conn.execute(sql, (prefix + "%",))}


def test_submissions_during_an_import_are_all_saved(db, shared_data, tmp_path):
    listing = cut_coops_uk(shared_data, tmp_path / "open_data_organisations_2017-06.csv", rows=800)
    with database_copy(tmp_path) as url:
        limit = {"PORTAL_SUBMISSIONS_PER_HOUR": 1000}
        importer = start_worker(url, "import", str(listing), **limit)
        submitters = [
            start_worker(url, "submit", str(EACH), f"Concurrent {n}", f"10.0.0.{n + 1}", **limit)
            for n in range(SUBMITTERS)
        ]
        answers = [result(process, timeout=240) for process in submitters]
        imported = result(importer, timeout=240)

        assert imported["lost"] == 0, imported["lost_examples"]
        assert imported["outcome"] in ("ok", "partial")
        statuses = {}
        accepted = set()
        for answer in answers:
            for status, count in answer["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
            accepted |= set(answer["accepted"])
        assert statuses == {"302": SUBMITTERS * EACH}
        assert accepted <= _names(url, "Concurrent ")
