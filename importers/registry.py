"""Every source the portal can import, by the name `import_listings` takes."""

from __future__ import annotations

from .sources.base import ListingSource
from .sources.ioo import IooSource
from .sources.seed import SeedSource

SOURCES: dict[str, type[ListingSource]] = {source.slug: source for source in (SeedSource, IooSource)}
# What `import_listings --all` runs, in this order (the seed first: it is the most curated).
DEFAULT_ORDER = ["portal-seed", "ioo"]


def get_source(slug: str) -> ListingSource:
    try:
        return SOURCES[slug]()
    except KeyError:
        raise KeyError(f"unknown source {slug!r}; known: {', '.join(sorted(SOURCES))}") from None
