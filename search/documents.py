"""The search document of a directory entry on Elasticsearch and OpenSearch.

One mapping serves both servers: `entry_document(dsl)` builds it with either DSL
(`elasticsearch.dsl`, or opensearch-py's built-in one, which has the same API).

What the fields are for:

- ``all_text``: every searchable word in the order the database engine indexes them
  (name, other names, summary, description, locality, region, tools, activities, tags),
  split into words as SQLite's FTS5 does (the ``words`` analyzer), case and accents
  folded. Which entries match a query is decided on this one field, so the hit sets are
  the database engine's. It is filled here rather than with ``copy_to``, which some
  servers (noida-db) ignore.
- ``name``, ``other_names``, ``summary``... : the same text per field (the ``folded``
  analyzer: ASCII folding and lowercase, so "Tierra Comun" finds "Tierra Común"), for
  scoring (name weighs most) and highlighting.
- ``name.keyword``: sorting by name; ``name_key``: the name folded (case and accents
  aside) for "exact name first"; ``name.autocomplete``: edge n-grams for the search box.
- ``category``, ``organisation_type``, ``activities``, ``member_classes``, ``country``,
  ``status``: keywords (slugs and codes) for filters and facet counts.

Index names: the portal searches the alias ``<prefix>-entries``; each rebuild writes a
new concrete index ``<prefix>-entries-v<SCHEMA_VERSION>-<timestamp>`` and moves the alias
to it. The prefix (setting ``PORTAL_SEARCH_INDEX_PREFIX``, default ``coop-portal``) keeps
environments that share a cluster apart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, datetime

from django.conf import settings

from .relevance import query_words

# Bump when the mapping or the analysis changes: `search_index --rebuild` then builds
# an index with the new mapping, and the alias moves to it with no downtime.
SCHEMA_VERSION = 1
DEFAULT_PREFIX = "coop-portal"

# URL dimension (search.facets) -> keyword field of the document.
DIMENSION_FIELDS = {
    "category": "category",
    "type": "organisation_type",
    "activity": "activities",
    "member": "member_classes",
    "country": "country",
    "status": "status",
}
# Fields a query's words are scored on, with their weights (the database engine's boosts).
SCORED_FIELDS = [
    "name^5",
    "other_names^3",
    "summary^2",
    "description",
    "places",
    "tools",
    "activity_names",
    "tag_names",
]

# Words are split on anything but letters and digits, as SQLite's FTS5 tokenizer does:
# "eten.com" is two words, "Común" one (text is NFC-normalised first, so accents are
# part of their letters).
WORD_BREAKS = r"[^\p{L}\p{N}]+"


def index_prefix(prefix: str | None = None) -> str:
    value = prefix or getattr(settings, "PORTAL_SEARCH_INDEX_PREFIX", "") or DEFAULT_PREFIX
    return re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_") or DEFAULT_PREFIX


def alias_name(prefix: str | None = None) -> str:
    """The name searches and incremental updates use: an alias of the current index."""
    return f"{index_prefix(prefix)}-entries"


def new_index_name(prefix: str | None = None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{alias_name(prefix)}-v{SCHEMA_VERSION}-{stamp}"


def first_index_name(prefix: str | None = None) -> str:
    """The index made when an update finds none: a fixed name, so two such updates make one."""
    return f"{alias_name(prefix)}-v{SCHEMA_VERSION}-{'0' * 20}"


def concrete_index_pattern(prefix: str | None = None) -> str:
    return f"{alias_name(prefix)}-v*"


def name_key(text: str) -> str:
    """A name or query with case, accents and punctuation aside: "Tierra Común!" -> "tierra comun"."""
    return " ".join(query_words(text))


@functools.cache
def entry_document(dsl):
    """The entry Document class for one DSL module (`elasticsearch.dsl` or `opensearchpy`)."""
    # asciifolding before lowercase, so that "İ" becomes "i" as in SQLite's tokenizer.
    folding = ["asciifolding", "lowercase"]
    # Matching: words split exactly as the database engine splits them.
    word_breaks = dsl.char_filter("word_breaks", "pattern_replace", pattern=WORD_BREAKS, replacement=" ")
    words = dsl.analyzer("words", tokenizer="standard", char_filter=[word_breaks], filter=folding)
    # Scoring and highlighting: no character filter, so that every server's highlight
    # offsets point at the original text (osmem-server does not correct them after one).
    folded = dsl.analyzer("folded", tokenizer="standard", filter=folding)
    prefixes = dsl.token_filter("name_prefixes", "edge_ngram", min_gram=1, max_gram=20)
    autocomplete = dsl.analyzer("autocomplete", tokenizer="standard", filter=[*folding, prefixes])

    def text(**kwargs):
        return dsl.Text(analyzer=folded, **kwargs)

    class EntryDocument(dsl.Document):
        id = dsl.Long()
        slug = dsl.Keyword(index=False)
        name = text(
            fields={
                "keyword": dsl.Keyword(),
                "autocomplete": dsl.Text(analyzer=autocomplete, search_analyzer=folded),
            }
        )
        name_key = dsl.Keyword()
        other_names = text()
        summary = text()
        description = text()
        places = text()
        tools = text()
        activity_names = text()
        tag_names = text()
        all_text = dsl.Text(analyzer=words)

        category = dsl.Keyword()
        organisation_type = dsl.Keyword()
        activities = dsl.Keyword()
        member_classes = dsl.Keyword()
        country = dsl.Keyword()
        status = dsl.Keyword()
        founded_year = dsl.Integer()
        created_at = dsl.Date()

    return EntryDocument


def index_definition(dsl, name: str, using=None):
    """The DSL Index for a new concrete index: analysis, mapping and settings."""
    index = dsl.Index(name, using=using)
    index.settings(
        number_of_shards=1,  # one shard: exact facet counts and scores, and 100k entries fit easily
        number_of_replicas=int(getattr(settings, "PORTAL_SEARCH_REPLICAS", 0)),
    )
    index.document(entry_document(dsl))
    return index


def entries_for_index(queryset):
    """The queryset with everything `entry_to_document` reads, in a fixed number of queries."""
    return queryset.select_related("category", "organisation_type").prefetch_related(
        "activities", "member_classes", "tags"
    )


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _rich_text(entry) -> str:
    # The same text the database backend indexes: the HTML stripped by the field itself.
    field = entry._meta.get_field("description")
    return _plain(" ".join(field.get_searchable_content(entry.description or "")))


def entry_to_document(entry) -> dict:
    """The document body of an entry (use `entries_for_index` to load entries in bulk)."""
    activities = list(entry.activities.all())
    member_classes = list(entry.member_classes.all())
    tags = [tag.name for tag in entry.tags.all()]
    other_names = [_plain(str(name)) for name in (entry.other_names or []) if str(name).strip()]
    tools = [_plain(str(tool)) for tool in (entry.tools or []) if str(tool).strip()]
    description = _rich_text(entry)
    places = [_plain(place) for place in (entry.locality, entry.region) if place]
    activity_names = [activity.name for activity in activities]
    words = [
        entry.name,
        " ".join(other_names),
        entry.summary,
        description,
        entry.locality,
        entry.region,
        " ".join(tools),
        *activity_names,
        *tags,
    ]
    return {
        "id": entry.pk,
        "slug": entry.slug,
        "name": _plain(entry.name),
        "name_key": name_key(entry.name),
        "other_names": other_names,
        "summary": _plain(entry.summary),
        "description": description,
        "places": places,
        "tools": tools,
        "activity_names": activity_names,
        "tag_names": tags,
        "all_text": _plain(" ".join(w for w in words if w)),
        "category": entry.category.slug if entry.category_id else None,
        "organisation_type": entry.organisation_type.slug if entry.organisation_type_id else None,
        "activities": [activity.slug for activity in activities],
        "member_classes": [member.slug for member in member_classes],
        "country": (entry.country.code or None) if entry.country else None,
        "status": entry.status,
        "founded_year": entry.founded_year,
        "created_at": entry.created_at.isoformat() if entry.created_at else None,
    }
