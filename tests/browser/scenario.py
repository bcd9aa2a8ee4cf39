"""The people and programme the browser tests act out, written into the browser portal's database.

Run inside the portal's environment: `python -c "import django; django.setup();
from tests.browser.scenario import prepare; prepare()"`.
"""

from __future__ import annotations

import datetime

PASSWORD = "co-op-browser-test-42"
EDITOR = "editor@example.org"
FOUNDER = "founder@example.org"
MENTOR = "maria.mentor@example.org"
PROGRAMME = "platform-co-op-accelerator"
COHORT = "spring-2027"
PROPOSED_VENTURE = "Rideshare Drivers' Co-op"


def _user(email: str, *, superuser: bool = False, name: str = ""):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    username = email.split("@")[0]
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(username=username, email=email, password=PASSWORD)
    first, _, last = name.partition(" ")
    user.first_name, user.last_name = first, last
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def prepare() -> None:
    from django.db import transaction

    from directory.models import Entry, Topic
    from mentorship import services
    from mentorship.models import (
        Application,
        Cohort,
        Incubator,
        MentorProfile,
        Preference,
        Programme,
        Venture,
    )

    with transaction.atomic():
        _user(EDITOR, superuser=True, name="Eddie Editor")
        founder = _user(FOUNDER, name="Fatou Founder")  # noqa: F841 - applies through the browser
        other_founder = _user("rosa.rider@example.org", name="Rosa Rider")
        mentor_user = _user(MENTOR, name="Maria Mentor")
        second_user = _user("lars.mentor@example.org", name="Lars Mentor")

        incubator, _ = Incubator.objects.get_or_create(
            slug="demo-incubator",
            defaults={"name": "Demo Co-op Incubator", "description": "Runs the browser tests' programme."},
        )
        programme, _ = Programme.objects.get_or_create(
            slug=PROGRAMME,
            defaults={
                "incubator": incubator,
                "title": "Platform Co-op Accelerator",
                "summary": "Twelve weeks with a mentor from an established co-op.",
            },
        )
        today = datetime.date.today()
        cohort, _ = Cohort.objects.get_or_create(
            programme=programme,
            slug=COHORT,
            defaults={
                "name": "Spring 2027",
                "status": Cohort.Status.OPEN,
                "applications_open": today - datetime.timedelta(days=10),
                "applications_close": today + datetime.timedelta(days=60),
            },
        )
        topics = {t.slug: t for t in Topic.objects.all()}
        home = Entry.objects.filter(name__iexact="Stocksy United").first()

        maria, _ = MentorProfile.objects.get_or_create(
            user=mentor_user,
            defaults={
                "display_name": "Maria Mentor",
                "languages": ["en", "fr"],
                "timezone": "Europe/Paris",
                "capacity": 2,
                "bio": "Helped a photographers' co-op write its bylaws and raise member shares.",
                "expertise": "Governance, member voting, community shares.",
                "is_public": True,
                "home_coop": home,
            },
        )
        maria.topics.set([topics[s] for s in ("governance", "funding") if s in topics])
        lars, _ = MentorProfile.objects.get_or_create(
            user=second_user,
            defaults={
                "display_name": "Lars Mentor",
                "languages": ["en", "sv"],
                "timezone": "Europe/Stockholm",
                "capacity": 1,
                "bio": "Runs the servers of a Swedish platform co-op.",
                "expertise": "Hosting, data sovereignty, open-source tools.",
                "is_public": True,
            },
        )
        lars.topics.set([topics[s] for s in ("technology",) if s in topics])
        cohort.mentors.add(maria, lars)

        venture, _ = Venture.objects.get_or_create(
            name=PROPOSED_VENTURE,
            defaults={
                "languages": ["en"],
                "timezone": "Europe/London",
                "need_statement": "We need help with member voting and raising money from drivers.",
            },
        )
        venture.founders.add(other_founder)
        venture.needs.set([topics[s] for s in ("governance", "funding") if s in topics])
        application, _ = Application.objects.get_or_create(venture=venture, cohort=cohort)
        Preference.objects.get_or_create(
            application=application, rank=1, defaults={"mentor": maria, "reason": "She has done it before."}
        )
    if not application.proposals.exists():
        services.propose(application, maria, send=True)
