"""Fixtures for the editorial pages: the demo library, and people and programmes for the mentorship cards."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def fresh_cache():
    """The home page's figures and the library's address are cached: every test starts without them,
    and in English (a request to /fr/ leaves French active for the code that follows it)."""
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def library(db):
    """The demo library, loaded as `setup_portal` loads it."""
    from portal.models import LibraryIndexPage

    call_command("load_library", verbosity=0, stdout=open("/dev/null", "w"))
    return LibraryIndexPage.objects.get()


@pytest.fixture
def topic(db):
    from directory.taxonomies import Topic

    return Topic.objects.get(slug="funding")


@pytest.fixture
def make_mentor(db, django_user_model):
    from mentorship.models import MentorProfile

    def make(name, topics=(), *, public=True, active=True, home_coop=None):
        user = django_user_model.objects.create_user(
            username=name.lower().replace(" ", "-"),
            email=f"{name.split()[0].lower()}@example.org",
            password="pw",
            is_active=active,
        )
        mentor = MentorProfile.objects.create(
            user=user,
            display_name=name,
            is_public=public,
            languages=["en", "fr"],
            home_coop=home_coop,
            expertise="Community shares and member loans.",
        )
        mentor.topics.set(topics)
        return mentor

    return make


@pytest.fixture
def incubator(db):
    from mentorship.models import Incubator

    return Incubator.objects.create(name="Test Incubator", slug="test-incubator")


@pytest.fixture
def make_programme(incubator):
    from mentorship.models import Cohort, Programme

    def make(title, topics=(), *, status=Cohort.Status.OPEN, closes_in_days=30):
        slug = title.lower().replace(" ", "-")
        programme = Programme.objects.create(
            incubator=incubator, title=title, slug=slug, summary=f"{title}, a programme for founders."
        )
        programme.topics.set(topics)
        closes = timezone.localdate() + datetime.timedelta(days=closes_in_days)
        Cohort.objects.create(
            programme=programme,
            name=f"{title} cohort",
            slug="spring",
            status=status,
            applications_close=closes,
        )
        return programme

    return make
