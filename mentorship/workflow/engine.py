"""Between the models and the Django-free matching engine (`mentorship.matching`): the engine's
dataclasses built from rows, the programme's weights, one pair's score, and the engine's numbers made
fit to store as JSON."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship import matching
from mentorship.matching.explain import explain
from mentorship.models import Application, Cohort, MentorProfile

from .errors import WorkflowError


def mentor_queryset(cohort):
    return cohort.mentors.select_related("user").prefetch_related("topics", "sectors", "excluded_ventures")


def mentor_to_engine(mentor: MentorProfile, cohort: Cohort, capacity: int | None = None) -> matching.Mentor:
    if capacity is None:
        capacity = max(0, mentor.slots_for(cohort) - mentor.load_in(cohort))
    return matching.Mentor(
        id=mentor.pk,
        name=mentor.display_name,
        languages=mentor.languages or [],
        timezone=mentor.timezone or "UTC",
        capacity=max(0, capacity),
        # Topic and sector names, not slugs: the explanations quote them ("both work on Funding").
        topics=[t.name for t in mentor.topics.all()],
        sectors=[s.name for s in mentor.sectors.all()],
        stages=[s for s in (mentor.stages or []) if isinstance(s, str)],
        expertise_text=" ".join(filter(None, [mentor.expertise, mentor.bio])),
        home_coop_id=mentor.home_coop_id,
        excluded_venture_ids=[v.pk for v in mentor.excluded_ventures.all()],
    )


def venture_to_engine(application: Application, mentor_ids=None) -> matching.Venture:
    venture = application.venture
    preferences = [
        matching.Preference(p.mentor_id, p.reason)
        for p in application.preferences.all().order_by("rank")
        if mentor_ids is None or p.mentor_id in mentor_ids
    ]
    return matching.Venture(
        id=venture.pk,
        name=venture.name,
        languages=venture.languages or [],
        timezone=venture.timezone or "UTC",
        needs=[t.name for t in venture.needs.all()],
        need_statement=venture.need_statement,
        stage=venture.stage,
        sector=venture.sector.name if venture.sector_id else "",
        coop_id=venture.entry_id,
        founder_coop_ids=[e.pk for e in venture.founder_coops.all()],
        preferences=preferences,
    )


def weights_for(cohort, overrides=None):
    overrides = dict(overrides or {})
    overrides.setdefault("reference_date", cohort.starts_on or timezone.localdate())
    try:
        return cohort.programme.weights(**overrides)
    except (TypeError, ValueError) as error:
        raise WorkflowError(
            _("These matching weights cannot be used: %(error)s") % {"error": error}
        ) from error


def jsonable(value):
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def score_pair(application: Application, mentor: MentorProfile) -> dict:
    """Score, breakdown, explanation and preference rank of one pair, as the engine would."""
    cohort = application.cohort
    engine_mentor = mentor_to_engine(mentor, cohort, capacity=1)
    engine_venture = venture_to_engine(application)
    table = matching.score([engine_mentor], [engine_venture], weights_for(cohort))
    rank = application.preferences.filter(mentor=mentor).values_list("rank", flat=True).first()
    return {
        "score": float(table.total[0, 0]),
        "breakdown": jsonable(table.breakdown(0, 0)),
        "explanation": explain(table.facts(0, 0)),
        "rank": rank,
    }
