"""Capture jobs as the EPCIS REST binding shows them: the caller's own jobs only."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem
from zhiliang.tracing.models import CaptureJob


def visible_jobs(actor: Actor) -> QuerySet[CaptureJob]:
    if actor.role == Role.ADMIN:
        return CaptureJob.objects.all()
    if actor.user_id is None:
        return CaptureJob.objects.none()
    return CaptureJob.objects.filter(submitted_by_id=actor.user_id)


def recent_jobs(actor: Actor, limit: int = 30) -> list[CaptureJob]:
    return list(visible_jobs(actor).order_by("-created_at")[:limit])


def get_job(actor: Actor, capture_id: str) -> CaptureJob:
    try:
        return visible_jobs(actor).get(pk=capture_id)
    except (CaptureJob.DoesNotExist, ValueError):
        raise NotFound(Problem("captureID", "not_found", _("No such capture job."))) from None


def job_document(job: CaptureJob) -> dict[str, Any]:
    """The standard's CaptureJob: captureID, createdAt, finishedAt, running, success,
    captureErrorBehaviour, errors (RFC 7807 bodies), plus what was captured."""
    document: dict[str, Any] = {
        "captureID": str(job.pk),
        "createdAt": job.created_at.isoformat(),
        "running": job.running,
        "success": job.success,
        "captureErrorBehaviour": job.error_behaviour,
        "errors": job.errors,
        "eventCount": job.event_count,
        "captured": job.captured,
        "duplicates": job.duplicates,
    }
    if job.finished_at:
        document["finishedAt"] = job.finished_at.isoformat()
    return document
