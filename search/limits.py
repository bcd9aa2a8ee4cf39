"""A time limit on one database query, so a costly search cannot hold a worker.

SQLite is interrupted through its progress handler (checked every few thousand virtual-machine
steps); PostgreSQL cancels the statement itself (`statement_timeout`, inside a savepoint so the
caller's transaction stays usable). Either way the query raises `QueryTimeLimit`.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction


class QueryTimeLimit(Exception):
    """The query ran past its time limit and was stopped."""


@contextmanager
def time_limit(seconds: float):
    if not seconds or seconds <= 0:
        yield
        return
    if connection.vendor == "sqlite":
        with _sqlite_limit(seconds):
            yield
    elif connection.vendor == "postgresql":
        with _postgres_limit(seconds):
            yield
    else:
        yield


@contextmanager
def _sqlite_limit(seconds: float):
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    except DatabaseError as error:
        if "interrupted" in str(error):
            raise QueryTimeLimit(f"stopped after {seconds:g} s") from error
        raise
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgres_limit(seconds: float):
    milliseconds = max(1, int(seconds * 1000))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                previous = cursor.fetchone()[0]
                # SET LOCAL lasts until the outermost transaction ends: set it back below.
                cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
            yield
            # On an error the savepoint's rollback undoes the SET LOCAL; on success set it back.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except DatabaseError as error:
        if getattr(getattr(error, "__cause__", None), "sqlstate", None) == "57014":  # query_canceled
            raise QueryTimeLimit(f"stopped after {seconds:g} s") from error
        raise
