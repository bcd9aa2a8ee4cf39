import pytest


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The submission rate limit lives in the cache: every test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_entry(db):
    from directory.models import Entry

    def make(name="Tool Library Co-op", **fields):
        fields.setdefault("slug", name.lower().replace(" ", "-"))
        fields.setdefault("summary", "Lends tools to its members.")
        return Entry.objects.create(name=name, **fields)

    return make
