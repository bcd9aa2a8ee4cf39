"""Two acceptances racing for a mentor's last place never put the mentor over capacity.

On PostgreSQL the two acceptances run in two threads, each with its own database connection, released at
the same moment by a barrier. `accept_proposal` locks the mentor's row (`SELECT ... FOR UPDATE`), so the
second one waits for the first to commit and then counts its mentorship. A pause is put between counting
and creating the mentorship, so that without the lock both acceptances would count the same free place
and this test would fail.

Why not `django_db(transaction=True)`: a transactional test ends by emptying every table, which would
take away the seed catalogue, the taxonomies and Wagtail's root page from every test after it in the
session. Instead the rows the race needs are committed through connections of their own (in threads),
and deleted the same way at the end; the test's own connection stays in its test transaction.

On SQLite, writes are serialised by the database itself, so the race is skipped there; the sequential
refusal is checked on every database.
"""

from __future__ import annotations

import datetime
import itertools
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.utils import timezone

from mentorship import services
from mentorship.models import (
    Application,
    Cohort,
    Incubator,
    MentorProfile,
    Mentorship,
    Programme,
    Proposal,
    Venture,
)
from mentorship.services import CapacityError

ROUNDS = 4
_ids = itertools.count(1)


def _scenario(tag: str):
    """An incubator, a mentor with two places of which one is taken, and two proposals sent to them."""
    User = get_user_model()
    n = next(_ids)
    incubator = Incubator.objects.create(name=f"Race incubator {tag}{n}", slug=f"race-{tag}{n}")
    programme = Programme.objects.create(
        incubator=incubator, title="Race", slug=f"race-{tag}{n}", max_mentees_per_mentor=5
    )
    cohort = Cohort.objects.create(programme=programme, name="Race", slug="race", status=Cohort.Status.ACTIVE)
    mentor_user = User.objects.create_user(f"race-mentor-{tag}{n}", f"race-mentor-{tag}{n}@example.org")
    mentor = MentorProfile.objects.create(
        user=mentor_user, display_name="Racer", languages=["en"], capacity=2
    )
    cohort.mentors.add(mentor)
    ventures, proposals = [], []
    for i in range(3):
        founder = User.objects.create_user(
            f"race-founder-{tag}{n}-{i}", f"race-founder-{tag}{n}-{i}@example.org"
        )
        venture = Venture.objects.create(name=f"Race venture {i}", languages=["en"])
        venture.founders.add(founder)
        ventures.append(venture)
        application = Application.objects.create(venture=venture, cohort=cohort, status="accepted")
        if i == 0:
            Mentorship.objects.create(
                cohort=cohort, mentor=mentor, venture=venture
            )  # the place already taken
        else:
            now = timezone.now()
            proposals.append(
                Proposal.objects.create(
                    application=application,
                    mentor=mentor,
                    status=Proposal.Status.SENT,
                    sent_at=now,
                    expires_at=now + datetime.timedelta(days=7),
                )
            )
    return mentor, cohort, proposals


def _slow_slots(monkeypatch):
    """Pause after the mentor's load is counted: two unlocked acceptances would both see a free place."""
    original = MentorProfile.slots_for

    def slots_for(self, cohort):
        time.sleep(0.3)
        return original(self, cohort)

    monkeypatch.setattr(MentorProfile, "slots_for", slots_for)


def _accept(pk, barrier, outcomes):
    """One acceptance in its own thread, hence its own connection, closed at the end."""
    try:
        proposal = Proposal.objects.get(pk=pk)
        user = proposal.mentor.user
        barrier.wait(timeout=10)
        try:
            result = services.accept_proposal(proposal, user=user)
        except CapacityError as error:
            result = error
    except Exception as error:  # noqa: BLE001 - reported by the test's assertions
        result = error
    finally:
        connections.close_all()
    outcomes.append(result)  # list.append is atomic


def _in_own_connection(function, *args):
    """Run `function` in a thread of its own, so in a connection of its own that commits at once."""
    result = {}

    def run():
        try:
            result["value"] = function(*args)
        except Exception as error:  # noqa: BLE001 - raised again below
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result.get("value")


def _delete_race_rows():
    Incubator.objects.filter(slug__startswith="race-").delete()
    Venture.objects.filter(name__startswith="Race venture").delete()
    MentorProfile.objects.filter(user__username__startswith="race-mentor-").delete()
    get_user_model().objects.filter(username__startswith="race-").delete()
    Group.objects.filter(name__startswith="Race incubator").delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writes, so two connections cannot race; run with a PostgreSQL DATABASE_URL",
)
@pytest.mark.django_db
def test_two_acceptances_racing_for_the_last_place(monkeypatch):
    # The test's own connection stays inside its test transaction; the rows the race needs are committed
    # through other connections (other threads), which also delete them at the end.
    _slow_slots(monkeypatch)
    try:
        for round_ in range(ROUNDS):
            _race_once(round_)
    finally:
        _in_own_connection(_delete_race_rows)


def _race_once(round_):
    mentor, cohort, proposals = _in_own_connection(_scenario, f"r{round_}-")
    barrier = threading.Barrier(len(proposals))
    outcomes: list[object] = []
    threads = [threading.Thread(target=_accept, args=(p.pk, barrier, outcomes)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2, outcomes
    accepted = [o for o in outcomes if isinstance(o, Mentorship)]
    refused = [o for o in outcomes if isinstance(o, CapacityError)]
    assert (len(accepted), len(refused)) == (1, 1), outcomes
    open_mentorships = Mentorship.objects.filter(
        mentor=mentor, cohort=cohort, status__in=Mentorship.OPEN_STATUSES
    ).count()
    assert open_mentorships == 2 == mentor.capacity
    statuses = sorted(
        Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("status", flat=True)
    )
    assert statuses == [Proposal.Status.ACCEPTED, Proposal.Status.SENT]


@pytest.mark.django_db
def test_a_second_acceptance_for_the_last_place_is_refused(monkeypatch):
    mentor, cohort, (first, second) = _scenario("seq-")
    services.accept_proposal(first, user=mentor.user)
    with pytest.raises(CapacityError, match="no free place"):
        services.accept_proposal(second, user=mentor.user)
    assert Mentorship.objects.filter(mentor=mentor, cohort=cohort).count() == 2
