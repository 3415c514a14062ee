"""Celery tasks of the annual report: thin, primitive arguments, one service call."""

from __future__ import annotations

from celery import shared_task

from reports.services import report_tree_run


@shared_task(bind=True, name="reports.tasks.reports_generate_tree_task")
def reports_generate_tree_task(
    self,
    agency_id: int,
    year: int,
    template: str,
    job_id: str | None = None,
    actor_id: int | None = None,
) -> None:
    """Generate the report of every agency of a subtree and open a draft for each (on
    behalf of ``actor_id``); progress goes to the cache key ``report-progress:<job_id>``
    (the task id when no job id is given). Re-running it recomputes the same figures
    and finds the same drafts."""
    report_tree_run(
        agency_id=agency_id,
        year=year,
        template=template,
        job_id=job_id or self.request.id,
        actor_id=actor_id,
    )
