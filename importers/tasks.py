"""Background work for imports: an editor starts a source from the admin, a worker runs it."""

from django_tasks import task


@task()
def run_import_task(slug: str, config: str | None = None) -> dict:
    from .runner import run_import
    from .sources.base import ConfigName

    # What the admin sends names a config; it is never read as a path (see ConfigName).
    report, run = run_import(slug, config=ConfigName(config) if config else None)
    return {"run": run.pk, "outcome": run.outcome, **report.as_dict()}
