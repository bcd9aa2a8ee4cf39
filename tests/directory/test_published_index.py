"""Entry.objects.published() ordered by name reads the (live, name) index, not the table."""

import pytest
from django.db import connection

from directory.models import Entry

pytestmark = pytest.mark.django_db


def query_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_name_ordered_page_of_published_entries_uses_the_live_name_index():
    if connection.vendor != "sqlite":
        pytest.skip("the bare `WHERE live` trap is SQLite's planner; PostgreSQL plans by statistics")
    plan = query_plan(Entry.objects.published().order_by("name")[:20])
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    # The trap it avoids: written as live=True, SQLite scans the table and sorts all of it.
    naive = query_plan(Entry.objects.filter(live=True).order_by("name")[:20])
    assert "TEMP B-TREE FOR ORDER BY" in naive, naive
