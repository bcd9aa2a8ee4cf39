"""The mentorship workflow: run, review, approve, accept or decline, expiry, status changes, feedback."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorship import services
from mentorship.models import (
    Application,
    Feedback,
    FeedbackRequest,
    MatchRun,
    Mentorship,
    MentorshipStatusChange,
    Proposal,
)
from mentorship.services import CapacityError, WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pairs(cohort, mentor_factory, application_factory):
    """Two mentors and two ventures that suit each other: a French pair and an English pair."""
    anne = mentor_factory("Anne", cohort=cohort, languages=["fr"], topics=["funding"])
    bob = mentor_factory("Bob", cohort=cohort, languages=["en"], topics=["governance"])
    velo = application_factory(
        cohort, name="Vélo Coop", languages=["fr"], needs=["funding"], preferences=[anne]
    )
    rides = application_factory(
        cohort, name="Rides", languages=["en"], needs=["governance"], preferences=[bob]
    )
    return anne, bob, velo, rides


def test_a_run_makes_draft_proposals_and_emails_nobody(two_pairs, staff_user, mailoutbox, cohort):
    anne, bob, velo, rides = two_pairs
    run = services.run_matching(cohort, algorithm="optimal", user=staff_user)

    assert run.status == MatchRun.Status.DRAFT
    assert run.run_by == staff_user
    assert len(run.input_hash) == 64
    assert run.metrics["share_matched"] == 1.0
    assert run.weights["topic"] == cohort.programme.weight_topic
    pairs = {(p.application_id, p.mentor_id) for p in run.proposals.all()}
    assert pairs == {(velo.pk, anne.pk), (rides.pk, bob.pk)}
    proposal = run.proposals.get(mentor=anne)
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.rank == 1
    assert 0 < proposal.score <= 1
    assert "French" in proposal.explanation
    assert set(proposal.breakdown) >= {"topic", "preference"}
    assert mailoutbox == []


def test_the_same_inputs_give_the_same_hash(two_pairs, cohort):
    first = services.run_matching(cohort)
    second = services.run_matching(cohort)
    assert first.input_hash == second.input_hash
    assert services.run_matching(cohort, algorithm="stable").input_hash != first.input_hash


def test_a_venture_nobody_can_mentor_is_left_unmatched_with_a_reason(two_pairs, cohort, application_factory):
    german = application_factory(cohort, name="Fahrrad eG", languages=["de"])
    run = services.run_matching(cohort)
    assert not run.proposals.filter(application=german).exists()
    assert "language" in run.unmatched_reasons[str(german.pk)]


def test_a_run_refuses_bad_input_with_a_message(cohort, mentor_factory):
    with pytest.raises(WorkflowError, match="waiting"):
        services.run_matching(cohort)
    with pytest.raises(WorkflowError, match="Unknown algorithm"):
        services.run_matching(cohort, algorithm="random")


def test_capacity_counts_open_mentorships(cohort, mentor_factory, application_factory, venture_factory):
    anne = mentor_factory("Anne", cohort=cohort, capacity=1)
    earlier = venture_factory("Earlier")
    Mentorship.objects.create(cohort=cohort, mentor=anne, venture=earlier)
    application_factory(cohort, name="Later")
    run = services.run_matching(cohort)
    assert not run.proposals.exists()


def test_approval_sends_proposals_and_emails_each_mentor(two_pairs, staff_user, mailoutbox, cohort):
    anne, bob, velo, rides = two_pairs
    run = services.run_matching(cohort, user=staff_user)
    before = timezone.now()
    services.approve_run(run, user=staff_user)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.APPROVED
    assert run.approved_by == staff_user
    for proposal in run.proposals.all():
        assert proposal.status == Proposal.Status.SENT
        expected = before + datetime.timedelta(days=cohort.programme.proposal_expiry_days)
        assert abs((proposal.expires_at - expected).total_seconds()) < 60
    assert sorted(m.to[0] for m in mailoutbox) == sorted([anne.user.email, bob.user.email])
    body = next(m.body for m in mailoutbox if m.to == [anne.user.email])
    assert "Vélo Coop" in body
    assert "/mentorship/" in body

    with pytest.raises(WorkflowError):
        services.approve_run(run, user=staff_user)


def test_approving_one_run_discards_the_other_drafts(two_pairs, staff_user, cohort):
    first = services.run_matching(cohort)
    second = services.run_matching(cohort, algorithm="stable")
    services.approve_run(second, user=staff_user)
    first.refresh_from_db()
    assert first.status == MatchRun.Status.DISCARDED
    assert not first.proposals.filter(status=Proposal.Status.DRAFT).exists()


def test_staff_edit_a_draft_within_the_hard_rules(two_pairs, cohort, mentor_factory):
    anne, bob, velo, rides = two_pairs
    claire = mentor_factory("Claire", cohort=cohort, languages=["fr", "en"], topics=["funding"])
    run = services.run_matching(cohort)
    proposal = run.proposals.get(application=velo)

    with pytest.raises(WorkflowError, match="language"):
        services.change_proposal_mentor(proposal, bob)
    outsider = mentor_factory("Outsider", languages=["fr"])  # not in the cohort
    with pytest.raises(WorkflowError, match="cohort"):
        services.change_proposal_mentor(proposal, outsider)

    services.change_proposal_mentor(proposal, claire)
    proposal.refresh_from_db()
    assert proposal.mentor == claire
    assert proposal.rank is None
    assert "French" in proposal.explanation

    services.remove_proposal(proposal)
    assert not run.proposals.filter(application=velo).exists()


def test_a_hand_edit_cannot_exceed_capacity(cohort, mentor_factory, application_factory):
    anne = mentor_factory("Anne", cohort=cohort, capacity=1)
    bob = mentor_factory("Bob", cohort=cohort, capacity=1)
    application_factory(cohort, preferences=[anne])
    application_factory(cohort, preferences=[bob])
    run = services.run_matching(cohort)
    assert run.proposals.count() == 2
    bobs = run.proposals.get(mentor=bob)
    with pytest.raises(WorkflowError, match="place"):
        services.change_proposal_mentor(bobs, anne)


def _approved(cohort, staff_user):
    run = services.run_matching(cohort, user=staff_user)
    services.approve_run(run, user=staff_user)
    return run


def test_accepting_creates_the_mentorship(two_pairs, staff_user, mailoutbox, cohort):
    anne, bob, velo, rides = two_pairs
    run = _approved(cohort, staff_user)
    proposal = run.proposals.get(mentor=anne)
    mailoutbox.clear()

    mentorship = services.accept_proposal(proposal, user=anne.user, note="Happy to help")

    assert mentorship.mentor == anne
    assert mentorship.venture == velo.venture
    assert mentorship.status == Mentorship.Status.ACTIVE
    history = list(mentorship.history.all())
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [("", "active", anne.user)]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.response_note == "Happy to help"
    velo.refresh_from_db()
    assert velo.status == Application.Status.MATCHED
    founders = {u.email for u in velo.venture.founders.all()}
    assert {m.to[0] for m in mailoutbox} == founders

    with pytest.raises(WorkflowError):
        services.accept_proposal(proposal, user=anne.user)


def test_accepting_withdraws_the_ventures_other_open_proposals(
    cohort, mentor_factory, application_factory, sent_proposal_factory
):
    anne = mentor_factory("Anne", cohort=cohort)
    bob = mentor_factory("Bob", cohort=cohort)
    application = application_factory(cohort)
    first = sent_proposal_factory(application, anne)
    second = sent_proposal_factory(application, bob)
    services.accept_proposal(first, user=anne.user)
    second.refresh_from_db()
    assert second.status == Proposal.Status.WITHDRAWN


def test_only_the_mentor_or_staff_answer_a_proposal(
    cohort, mentor_factory, application_factory, sent_proposal_factory, user_factory, other_staff_user
):
    anne = mentor_factory("Anne", cohort=cohort)
    proposal = sent_proposal_factory(application_factory(cohort), anne)
    for intruder in (user_factory(), other_staff_user):
        with pytest.raises(WorkflowError, match="Only the mentor"):
            services.accept_proposal(proposal, user=intruder)
    assert not Mentorship.objects.exists()


def test_acceptance_is_refused_when_the_mentor_is_full(
    cohort, mentor_factory, application_factory, sent_proposal_factory
):
    anne = mentor_factory("Anne", cohort=cohort, capacity=1)
    first = sent_proposal_factory(application_factory(cohort), anne)
    second = sent_proposal_factory(application_factory(cohort), anne)

    services.accept_proposal(first, user=anne.user)
    with pytest.raises(CapacityError):
        services.accept_proposal(second, user=anne.user)
    assert Mentorship.objects.filter(mentor=anne).count() == 1
    second.refresh_from_db()
    assert second.status == Proposal.Status.SENT


def test_the_programme_limit_caps_a_generous_mentor(
    cohort, mentor_factory, application_factory, sent_proposal_factory
):
    cohort.programme.max_mentees_per_mentor = 1
    cohort.programme.save()
    anne = mentor_factory("Anne", cohort=cohort, capacity=5)
    services.accept_proposal(sent_proposal_factory(application_factory(cohort), anne), user=anne.user)
    with pytest.raises(CapacityError):
        services.accept_proposal(sent_proposal_factory(application_factory(cohort), anne), user=anne.user)


def test_an_expired_proposal_cannot_be_accepted(
    cohort, mentor_factory, application_factory, sent_proposal_factory
):
    anne = mentor_factory("Anne", cohort=cohort)
    proposal = sent_proposal_factory(
        application_factory(cohort), anne, expires_in=datetime.timedelta(hours=-1)
    )
    with pytest.raises(WorkflowError, match="passed"):
        services.accept_proposal(proposal, user=anne.user)


def test_a_decline_proposes_the_next_choice_then_manual_matching(
    cohort, mentor_factory, application_factory, sent_proposal_factory, mailoutbox, staff_user
):
    anne = mentor_factory("Anne", cohort=cohort)
    bob = mentor_factory("Bob", cohort=cohort)
    mentor_factory("Dieter", cohort=cohort, languages=["de"])  # shares no language: never proposed
    application = application_factory(cohort, preferences=[anne, bob])
    first = sent_proposal_factory(application, anne)

    second = services.decline_proposal(first, user=anne.user, note="No time this spring")

    first.refresh_from_db()
    assert first.status == Proposal.Status.DECLINED
    assert first.response_note == "No time this spring"
    assert second.mentor == bob
    assert second.status == Proposal.Status.SENT
    assert second.rank == 2
    assert second.expires_at > timezone.now()
    assert [m.to for m in mailoutbox] == [[bob.user.email]]

    mailoutbox.clear()
    assert services.decline_proposal(second, user=bob.user) is None
    application.refresh_from_db()
    assert application.status == Application.Status.MANUAL
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {staff_user.email, "lab@example.org"}
    assert "by hand" in mailoutbox[0].subject


def test_the_next_choice_keeps_the_hard_rules(
    cohort, mentor_factory, application_factory, sent_proposal_factory, venture_factory
):
    from directory.models import Entry

    coop = Entry.objects.first()
    anne = mentor_factory("Anne", cohort=cohort)
    full = mentor_factory("Full", cohort=cohort, capacity=1)
    Mentorship.objects.create(cohort=cohort, mentor=full, venture=venture_factory())
    conflicted = mentor_factory("Conflicted", cohort=cohort, home_coop=coop)
    dora = mentor_factory("Dora", cohort=cohort)
    venture = venture_factory("Founders of a co-op")
    venture.founder_coops.add(coop)
    application = application_factory(cohort, venture, preferences=[anne, full, conflicted, dora])
    proposal = sent_proposal_factory(application, anne)

    assert services.decline_proposal(proposal, user=anne.user).mentor == dora


def test_without_ranked_choices_left_the_best_scoring_mentor_is_proposed(
    cohort, mentor_factory, application_factory, sent_proposal_factory
):
    anne = mentor_factory("Anne", cohort=cohort, topics=["funding"])
    mentor_factory("Generalist", cohort=cohort)
    expert = mentor_factory("Expert", cohort=cohort, topics=["funding", "governance"])
    application = application_factory(cohort, needs=["funding", "governance"], preferences=[anne])
    proposal = sent_proposal_factory(application, anne)
    assert services.decline_proposal(proposal, user=anne.user).mentor == expert


def test_expiry_counts_as_a_decline(cohort, mentor_factory, application_factory, sent_proposal_factory):
    anne = mentor_factory("Anne", cohort=cohort)
    bob = mentor_factory("Bob", cohort=cohort)
    application = application_factory(cohort, preferences=[anne, bob])
    late = sent_proposal_factory(application, anne, expires_in=datetime.timedelta(days=-1))
    on_time = sent_proposal_factory(application_factory(cohort), bob, expires_in=datetime.timedelta(days=3))

    assert services.expire_proposals() == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.status == Proposal.Status.EXPIRED
    assert on_time.status == Proposal.Status.SENT
    # Bob's one place is held by his pending proposal, so the venture goes to manual matching.
    application.refresh_from_db()
    assert application.status == Application.Status.MANUAL
    assert services.expire_proposals() == 0


def test_the_expire_command_for_cron(
    cohort, mentor_factory, application_factory, sent_proposal_factory, capsys
):
    anne = mentor_factory("Anne", cohort=cohort)
    bob = mentor_factory("Bob", cohort=cohort)
    application = application_factory(cohort, preferences=[anne, bob])
    sent_proposal_factory(application, anne, expires_in=datetime.timedelta(days=-1))
    call_command("expire_proposals")
    assert "1" in capsys.readouterr().out
    assert application.proposals.get(status=Proposal.Status.SENT).mentor == bob


def test_staff_propose_by_hand_for_a_manual_application(
    cohort, mentor_factory, application_factory, staff_user, mailoutbox
):
    anne = mentor_factory("Anne", cohort=cohort)
    dieter = mentor_factory("Dieter", cohort=cohort, languages=["de"])
    application = application_factory(cohort, status=Application.Status.MANUAL)
    with pytest.raises(WorkflowError, match="language"):
        services.propose(application, dieter, user=staff_user)
    proposal = services.propose(application, anne, user=staff_user)
    assert proposal.status == Proposal.Status.SENT
    assert proposal.created_by == staff_user
    assert proposal.match_run is None
    assert [m.to for m in mailoutbox] == [[anne.user.email]]
    with pytest.raises(WorkflowError, match="waiting"):
        services.propose(application, anne, user=staff_user)


@pytest.fixture
def mentorship(cohort, mentor_factory, application_factory, sent_proposal_factory, venture_factory):
    anne = mentor_factory("Anne", cohort=cohort)
    venture = venture_factory("Two founders", founders=2)
    proposal = sent_proposal_factory(application_factory(cohort, venture), anne)
    return services.accept_proposal(proposal, user=anne.user)


def test_status_changes_follow_the_transitions_and_are_recorded(mentorship, staff_user, mailoutbox):
    founder = mentorship.venture.founders.first()
    services.change_status(mentorship, "on_hold", user=founder, comment="Summer break")
    services.change_status(mentorship, "active", user=mentorship.mentor.user)
    mailoutbox.clear()
    services.change_status(mentorship, "cancelled", user=staff_user, comment="Venture dissolved")

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.CANCELLED
    assert mentorship.ended_by == staff_user
    assert mentorship.ended_at is not None
    history = [(h.from_status, h.to_status, h.changed_by, h.comment) for h in mentorship.history.all()]
    assert history[1:] == [
        ("active", "on_hold", founder, "Summer break"),
        ("on_hold", "active", mentorship.mentor.user, ""),
        ("active", "cancelled", staff_user, "Venture dissolved"),
    ]
    with pytest.raises(WorkflowError, match="cannot become"):
        services.change_status(mentorship, "active", user=staff_user)
    assert MentorshipStatusChange.objects.filter(mentorship=mentorship).count() == 4

    requests = FeedbackRequest.objects.filter(mentorship=mentorship)
    assert sorted(r.role for r in requests) == ["founder", "founder", "mentor"]
    people = {mentorship.mentor.user.email, *(u.email for u in mentorship.venture.founders.all())}
    assert {m.to[0] for m in mailoutbox} == people


def test_a_status_change_needs_a_part_in_the_mentorship(mentorship, user_factory, other_staff_user):
    for outsider in (user_factory(), other_staff_user):
        with pytest.raises(WorkflowError):
            services.change_status(mentorship, "completed", user=outsider)
    with pytest.raises(WorkflowError, match="not a mentorship status"):
        services.change_status(mentorship, "finished", user=mentorship.mentor.user)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_meetings_are_logged_while_the_mentorship_is_open(mentorship, topic):
    meeting = services.log_meeting(
        mentorship,
        user=mentorship.mentor.user,
        held_on=timezone.localdate(),
        duration_minutes=45,
        topics=[topic("funding")],
        notes="Looked at community shares",
    )
    assert meeting.logged_by == mentorship.mentor.user
    assert list(meeting.topics.values_list("slug", flat=True)) == ["funding"]
    with pytest.raises(WorkflowError, match="minutes"):
        services.log_meeting(
            mentorship, user=mentorship.mentor.user, held_on=timezone.localdate(), duration_minutes=2
        )
    services.change_status(mentorship, "completed", user=mentorship.mentor.user)
    with pytest.raises(WorkflowError, match="ended"):
        services.log_meeting(mentorship, user=mentorship.mentor.user, held_on=timezone.localdate())


def test_feedback_is_anonymous_given_once_and_shown_from_three_answers(mentorship):
    services.change_status(mentorship, "completed", user=mentorship.mentor.user)
    requests = list(FeedbackRequest.objects.filter(mentorship=mentorship))
    assert len(requests) == 3

    services.submit_feedback(requests[0], rating=5, usefulness=4, would_recommend=True, comment="Great")
    with pytest.raises(WorkflowError, match="already"):
        services.submit_feedback(requests[0], rating=1, usefulness=1, would_recommend=False)
    with pytest.raises(WorkflowError, match="1 to 5"):
        services.submit_feedback(requests[1], rating=9, usefulness=4, would_recommend=True)
    services.submit_feedback(requests[1], rating=4, usefulness=4, would_recommend=True)
    assert Feedback.objects.count() == 2
    assert not services.visible_feedback(mentorship.cohort).exists()

    services.submit_feedback(requests[2], rating=3, usefulness=2, would_recommend=False)
    assert services.visible_feedback(mentorship.cohort).count() == 3

    # Nothing in an answer leads back to a person or a pair.
    links = {f.name for f in Feedback._meta.get_fields() if f.is_relation}
    assert links == {"cohort", "topics_helped"}
    assert all(r.answered for r in FeedbackRequest.objects.filter(mentorship=mentorship))
