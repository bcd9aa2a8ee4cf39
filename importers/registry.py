"""Every source the portal can import, by the name `import_listings` takes.

Sources are named by dotted path so that one broken or absent adapter never
stops the others from loading.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from .sources.base import ListingSource, SourceUnavailable

SOURCES: dict[str, str] = {
    "portal-seed": "importers.sources.seed.SeedSource",
    "portal-facts": "importers.sources.seed.SeedFactsSource",
    "ioo": "importers.sources.ioo.IooSource",
    "coops-uk": "importers.sources.coops_uk.CoopsUkSource",
    "essglobal": "importers.sources.essglobal.EssGlobalSource",
    "murmurations": "importers.sources.murmurations.MurmurationsSource",
    "html": "importers.sources.html_listing.HtmlListingSource",
    "pcc": "importers.sources.pcc.PccSource",
    "csv": "importers.sources.csv_mapping.CsvMappingSource",
}
# What `import_listings --all` runs, in this order: the most curated first, so that
# later sources fill gaps rather than set the tone. (source, config) pairs.
DEFAULT_ORDER: list[tuple[str, str | None]] = [
    ("portal-seed", None),
    ("ioo", None),
    ("html", "tech-coops-xyz"),
    ("pcc", None),
    ("murmurations", None),
    ("coops-uk", None),
    ("essglobal", None),
    # Last: editors' facts fill gaps the listings leave in entries they created.
    ("portal-facts", None),
]


def get_source(slug: str, config: str | None = None) -> ListingSource:
    try:
        path = SOURCES[slug]
    except KeyError:
        raise KeyError(f"unknown source {slug!r}; known: {', '.join(sorted(SOURCES))}") from None
    try:
        adapter_class = import_string(path)
    except ImportError as error:
        raise SourceUnavailable(f"the {slug} importer is not installed ({error})") from error
    return adapter_class(config=config) if config else adapter_class()
