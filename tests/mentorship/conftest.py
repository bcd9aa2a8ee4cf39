"""Fixtures for the mentorship workflow, admin and public pages: incubators, people, applications.

Factories are plain functions returned by fixtures (`mentor_factory(...)`), each with keyword defaults, so
a test names only what it cares about. Every person gets an account with an email address.

- `incubator` (with its staff group), `programme`, `cohort`: the incubator most tests work in;
  `other_incubator`, `other_cohort`: a second one, to prove staff of one never see the other.
- `staff_user` / `other_staff_user`: members of each incubator's staff group; `superuser`.
- `staff_client`: the test client logged in as `staff_user`.
- `mentor_factory`, `venture_factory`, `application_factory`, `user_factory`, `topic` (by slug).
- `sent_proposal_factory`: a proposal already sent to a mentor, as after an approved run.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


@pytest.fixture
def user_factory(db):
    def make(username=None, *, email=None, password="pw", **extra):
        username = username or f"user{_n()}"
        return get_user_model().objects.create_user(
            username, email or f"{username}@example.org", password, **extra
        )

    return make


@pytest.fixture
def topic(db):
    """`topic("funding")`: a Topic of the shared taxonomy, by slug (created when missing)."""
    from directory.models import Topic

    def get(slug, name=None):
        term, _created = Topic.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})
        return term

    return get


@pytest.fixture
def incubator_factory(db):
    from mentorship.models import Incubator
    from mentorship.permissions import ensure_incubator_group

    def make(name=None, **fields):
        n = _n()
        name = name or f"Incubator {n}"
        incubator = Incubator.objects.create(name=name, slug=f"incubator-{n}", **fields)
        ensure_incubator_group(incubator)
        return incubator

    return make


@pytest.fixture
def programme_factory(db):
    from mentorship.models import Programme

    def make(incubator, **fields):
        n = _n()
        fields.setdefault("title", f"Programme {n}")
        fields.setdefault("slug", f"programme-{n}")
        return Programme.objects.create(incubator=incubator, **fields)

    return make


@pytest.fixture
def cohort_factory(db):
    from mentorship.models import Cohort

    def make(programme, **fields):
        n = _n()
        fields.setdefault("name", f"Cohort {n}")
        fields.setdefault("slug", f"cohort-{n}")
        fields.setdefault("status", Cohort.Status.MATCHING)
        fields.setdefault("starts_on", datetime.date(2027, 3, 1))
        return Cohort.objects.create(programme=programme, **fields)

    return make


@pytest.fixture
def incubator(incubator_factory):
    return incubator_factory("Start Co-op Lab", contact_email="lab@example.org")


@pytest.fixture
def programme(programme_factory, incubator):
    return programme_factory(incubator, title="Platform co-op accelerator", max_mentees_per_mentor=2)


@pytest.fixture
def cohort(cohort_factory, programme):
    return cohort_factory(programme, name="Spring 2027")


@pytest.fixture
def other_incubator(incubator_factory):
    return incubator_factory("Elsewhere Incubator")


@pytest.fixture
def other_programme(programme_factory, other_incubator):
    return programme_factory(other_incubator, title="Elsewhere programme")


@pytest.fixture
def other_cohort(cohort_factory, other_programme):
    return cohort_factory(other_programme, name="Elsewhere 2027")


@pytest.fixture
def staff_user(user_factory, incubator):
    user = user_factory("lab-staff")
    user.groups.add(incubator.staff_group)
    return user


@pytest.fixture
def other_staff_user(user_factory, other_incubator):
    user = user_factory("elsewhere-staff")
    user.groups.add(other_incubator.staff_group)
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def mentor_factory(db, user_factory, topic):
    """`mentor_factory(name, cohort=..., languages=["en"], capacity=1, topics=["funding"], ...)`."""
    from mentorship.models import MentorProfile

    def make(
        name=None,
        *,
        cohort=None,
        languages=("en",),
        capacity=1,
        topics=(),
        timezone_name="Europe/London",
        home_coop=None,
        user=True,
        **fields,
    ):
        n = _n()
        name = name or f"Mentor {n}"
        account = user_factory(f"mentor{n}") if user is True else user
        mentor = MentorProfile.objects.create(
            user=account or None,
            display_name=name,
            languages=list(languages),
            capacity=capacity,
            timezone=timezone_name,
            home_coop=home_coop,
            **fields,
        )
        if topics:
            mentor.topics.set([topic(slug) for slug in topics])
        if cohort is not None:
            cohort.mentors.add(mentor)
        return mentor

    return make


@pytest.fixture
def venture_factory(db, user_factory, topic):
    """`venture_factory(name, languages=["en"], needs=["funding"], founders=1, ...)`."""
    from mentorship.models import Venture

    def make(name=None, *, languages=("en",), needs=(), founders=1, timezone_name="Europe/London", **fields):
        n = _n()
        name = name or f"Venture {n}"
        venture = Venture.objects.create(
            name=name, languages=list(languages), timezone=timezone_name, **fields
        )
        if needs:
            venture.needs.set([topic(slug) for slug in needs])
        if isinstance(founders, int):
            founders = [user_factory(f"founder{n}-{i}") for i in range(founders)]
        venture.founders.set(founders)
        return venture

    return make


@pytest.fixture
def application_factory(db, venture_factory):
    """`application_factory(cohort, venture=None, preferences=[mentor, ...], status=...)`."""
    from mentorship.models import Application, Preference

    def make(cohort, venture=None, *, preferences=(), status=Application.Status.ACCEPTED, **venture_fields):
        venture = venture or venture_factory(**venture_fields)
        application = Application.objects.create(venture=venture, cohort=cohort, status=status)
        for rank, mentor in enumerate(preferences, start=1):
            Preference.objects.create(
                application=application, mentor=mentor, rank=rank, reason=f"choice {rank}"
            )
        return application

    return make


@pytest.fixture
def sent_proposal_factory(db):
    """A proposal sent to a mentor (as after an approved run), answer due in a week by default."""
    from mentorship.models import Proposal

    def make(application, mentor, *, expires_in=datetime.timedelta(days=7), **fields):
        now = timezone.now()
        return Proposal.objects.create(
            application=application,
            mentor=mentor,
            status=Proposal.Status.SENT,
            sent_at=now,
            expires_at=now + expires_in,
            score=fields.pop("score", 0.5),
            **fields,
        )

    return make
