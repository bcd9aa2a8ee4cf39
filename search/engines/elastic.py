"""Search on an Elasticsearch or OpenSearch cluster: same contract as the database engine.

`ElasticsearchEngine` uses the official client's DSL (`from elasticsearch import dsl`),
`OpenSearchEngine` opensearch-py's built-in DSL; the code is one, since both DSLs share
their API. Select one with the setting ``PORTAL_SEARCH_ENGINE``:

    PORTAL_SEARCH_ENGINE = "search.engines.elastic.ElasticsearchEngine"   # or .OpenSearchEngine

The semantics are the database engine's (search.engines.database), so that switching
engines changes speed, not answers:

- an entry matches when every word of the query appears in its searchable text
  (``all_text``, see search.documents);
- filters: AND between dimensions, OR within one, applied as a ``post_filter`` so that
  each dimension's facet counts (a ``filter`` aggregation holding the other dimensions'
  filters) ignore its own selection; no ``global`` aggregation, which some servers lack;
- relevance (search.relevance): exact name first, then names holding every word, then
  open entries above closed ones, then the text score (name > other names > summary >
  description);
- typo tolerance: when the words match nothing at all, the search runs again with
  ``fuzziness: AUTO``, and a term suggester offers the corrected spelling whenever a
  query finds fewer than `SUGGEST_BELOW` entries.

Index management (no downtime): `rebuild()` fills a new concrete index and moves the
alias to it in one atomic call; `index_entries()` / `delete_entries()` keep it in step.
"""

from __future__ import annotations

import html
import importlib
import logging
import re
from collections.abc import Callable, Iterable

from django.utils import timezone
from django_countries import countries

from directory.models import Entry, Status

from ..connections import get_client
from ..documents import (
    DIMENSION_FIELDS,
    SCORED_FIELDS,
    alias_name,
    concrete_index_pattern,
    entries_for_index,
    entry_to_document,
    first_index_name,
    index_definition,
    name_key,
    new_index_name,
)
from ..facets import DIMENSIONS, FACET_SIZE
from ..relevance import CLOSED_STATUSES
from ..results import Facet, FacetOption, SearchResults

logger = logging.getLogger(__name__)

SUGGEST_BELOW = 3  # as the database engine
CHUNK_SIZE = 500
# Terms asked of each facet aggregation: more than are shown, so that ties at the
# edge of the list are broken here exactly as the database engine breaks them.
FACET_BUCKETS = 4 * FACET_SIZE
STATUS_LABELS = dict(Status.choices)

# Relevance tiers, as constant scores added together; the text score is scaled down
# so that it only orders entries within a tier.
EXACT_NAME = 40.0
NAME_HAS_WORDS = 20.0
OPEN = 10.0
TEXT_SCALE = 0.001

ORDERINGS = {
    "relevance": [
        {"_score": {"order": "desc"}},
        {"name.keyword": {"order": "asc"}},
        {"id": {"order": "asc"}},
    ],
    "name": [{"name.keyword": {"order": "asc"}}, {"id": {"order": "asc"}}],
    "-name": [{"name.keyword": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "newest": [{"created_at": {"order": "desc"}}, {"id": {"order": "desc"}}],
    "founded": [
        {"founded_year": {"order": "asc", "missing": "_last"}},
        {"name.keyword": {"order": "asc"}},
        {"id": {"order": "asc"}},
    ],
    "-founded": [
        {"founded_year": {"order": "desc", "missing": "_last"}},
        {"name.keyword": {"order": "asc"}},
        {"id": {"order": "asc"}},
    ],
}

# Highlight markers the servers put around matches; the fragment is escaped here and
# the markers become <mark>, whatever each server's own encoder does. Private-use
# characters, not control ones: some servers trim those from a fragment's ends.
_PRE, _POST = "\ue000", "\ue001"
_STAMP = re.compile(r"-(\d{20})$")
# Letters and digits only, none from the scripts the standard tokenizer splits letter by
# letter (CJK): one token, so a plain match does what a phrase would, faster.
_ONE_WORD = re.compile(r"[^\W_\u2e80-\uffff]+")


class SearchServerEngine:
    """The engine for a search server; subclasses name the client package."""

    kind = ""  # "elasticsearch" or "opensearch": the client connections.get_client makes
    dsl_module = ""  # the module holding Search, Q, Index, Document...
    helpers_module = ""
    exceptions_module = ""

    def __init__(self, url: str | None = None, index_prefix: str | None = None):
        self.dsl = importlib.import_module(self.dsl_module)
        self.helpers = importlib.import_module(self.helpers_module)
        self.not_found = importlib.import_module(self.exceptions_module).NotFoundError
        self.client = get_client(self.kind, url)
        self.prefix = index_prefix
        self.alias = alias_name(index_prefix)

    # Searching ---------------------------------------------------------------
    def search(self, query, filters, sort, page, page_size) -> SearchResults:
        active = {
            name: list(values) for name, values in filters.items() if name in DIMENSION_FIELDS and values
        }
        if sort not in ORDERINGS:
            sort = "relevance"
        try:
            return self._search(query, filters, active, sort, page, page_size)
        except self.not_found:
            # A new deployment before its first rebuild: say so in the log, show no hits.
            logger.error("search index %s is missing: run `manage.py search_index --rebuild`", self.alias)
            labels = {d.name: self._labels(d, active.get(d.name, [])) for d in DIMENSIONS}
            facets = [
                Facet(
                    name=d.name,
                    label=str(d.label),
                    options=[
                        FacetOption(value=v, label=labels[d.name].get(v, v), count=0, selected=True)
                        for v in active.get(d.name, [])
                    ],
                )
                for d in DIMENSIONS
            ]
            return SearchResults(
                hits=[],
                total=0,
                page=1,
                page_size=page_size,
                facets=facets,
                query=query,
                sort=sort,
                filters=filters,
            )

    def _search(self, query, filters, active, sort, page, page_size) -> SearchResults:
        words = query.split()
        fuzzy = False
        response = self._execute(query, words, active, sort, page, page_size, fuzzy)
        total = response.hits.total.value
        suggestion = self._suggestion(response) if words and total < SUGGEST_BELOW else None
        if words and response.aggregations.matched.doc_count == 0:
            # The words match nothing, whatever the filters: try again tolerating typos.
            fuzzy = True
            response = self._execute(query, words, active, sort, page, page_size, fuzzy)
            total = response.hits.total.value
        last_page = max(1, -(-total // page_size))
        if page > last_page:
            page = last_page
            response = self._execute(query, words, active, sort, page, page_size, fuzzy)

        ids = [int(hit.meta.id) for hit in response]
        found = Entry.objects.published().filter(pk__in=ids).for_listing().in_bulk()
        hits = [found[pk] for pk in ids if pk in found]
        return SearchResults(
            hits=hits,
            total=total,
            page=page,
            page_size=page_size,
            facets=self._facets(response.aggregations, active),
            query=query,
            sort=sort,
            filters=filters,
            suggestion=suggestion,
            highlights=self._highlights(response) if words else {},
        )

    def autocomplete(self, text: str, limit: int) -> list[tuple[str, str]]:
        """(name, slug) of entries whose name has words starting with the typed ones, starts-with first."""
        Q = self.dsl.Q
        query = Q(
            "bool",
            filter=[Q("match", **{"name.autocomplete": {"query": text, "operator": "and"}})],
            should=[Q("constant_score", filter=Q("prefix", name_key=name_key(text)), boost=1.0)],
        )
        search = (
            self.dsl.Search(using=self.client, index=self.alias)
            .query(query)
            .sort(*ORDERINGS["relevance"])
            .source(["name", "slug"])[:limit]
        )
        try:
            return [(hit.name, hit.slug) for hit in search.execute()]
        except self.not_found:
            logger.error("search index %s is missing: run `manage.py search_index --rebuild`", self.alias)
            return []

    def _execute(self, query, words, filters, sort, page, page_size, fuzzy: bool):
        dsl = self.dsl
        search = dsl.Search(using=self.client, index=self.alias)
        if words:
            search = search.query(self._text_query(query, words, fuzzy))
        search = search.sort(*ORDERINGS[sort])
        clauses = self._filter_clauses(filters)
        if clauses:
            search = search.post_filter(dsl.Q("bool", filter=list(clauses.values())))
        search = self._add_facet_aggregations(search, filters, clauses)
        if words:
            search = self._add_highlight(search, query, fuzzy)
            if not fuzzy:
                search = search.suggest(
                    "spelling", query, term={"field": "all_text", "suggest_mode": "missing"}
                )
        start = (page - 1) * page_size
        search = search.source(False).extra(track_total_hits=True)[start : start + page_size]
        return search.execute()

    def _text_query(self, query: str, words: list[str], fuzzy: bool):
        Q = self.dsl.Q
        if fuzzy:
            matches = [Q("match", all_text={"query": query, "operator": "and", "fuzziness": "AUTO"})]
        else:
            # Every word must appear, as SQLite FTS5 reads the database engine's query; a
            # word the tokenizer splits ("eten.com") must appear as a phrase ("eten com").
            single = [w for w in words if _ONE_WORD.fullmatch(w)]
            matches = [Q("match", all_text={"query": " ".join(single), "operator": "and"})] if single else []
            matches += [Q("match_phrase", all_text=w) for w in words if not _ONE_WORD.fullmatch(w)]
        text_score = {"query": query, "fields": SCORED_FIELDS, "type": "most_fields", "boost": TEXT_SCALE}
        if fuzzy:
            text_score["fuzziness"] = "AUTO"
        should = [
            Q(
                "constant_score",
                filter=Q("match", **{"name.autocomplete": {"query": query, "operator": "and"}}),
                boost=NAME_HAS_WORDS,
            ),
            Q(
                "constant_score",
                filter=Q("bool", must_not=[Q("terms", status=list(CLOSED_STATUSES))]),
                boost=OPEN,
            ),
            Q("multi_match", **text_score),
        ]
        key = name_key(query)
        if key:
            should.append(Q("constant_score", filter=Q("term", name_key=key), boost=EXACT_NAME))
        return Q("bool", filter=matches, should=should)

    def _filter_clauses(self, filters) -> dict:
        Q = self.dsl.Q
        return {name: Q("terms", **{DIMENSION_FIELDS[name]: values}) for name, values in filters.items()}

    def _add_facet_aggregations(self, search, filters, clauses):
        Q = self.dsl.Q
        # What the words matched before any filter: tells "no such words" from "filtered out".
        search.aggs.bucket("matched", "filter", filter=Q("match_all"))
        for dimension in DIMENSIONS:
            others = [clause for name, clause in clauses.items() if name != dimension.name]
            scope = Q("bool", filter=others) if others else Q("match_all")
            field = DIMENSION_FIELDS[dimension.name]
            bucket = search.aggs.bucket(f"facet_{dimension.name}", "filter", filter=scope)
            bucket.bucket(
                "top",
                "terms",
                field=field,
                size=FACET_BUCKETS,
                order=[{"_count": "desc"}, {"_key": "asc"}],
            )
            selected = filters.get(dimension.name)
            if selected:
                # Selected values beyond the top buckets still show, with their counts.
                bucket.bucket("selected", "terms", field=field, include=list(selected), size=len(selected))
        return search

    def _add_highlight(self, search, query: str, fuzzy: bool):
        Q = self.dsl.Q
        highlight_query = {"query": query, "fields": ["summary", "description"]}
        if fuzzy:
            highlight_query["fuzziness"] = "AUTO"
        return search.highlight(
            "summary", "description", fragment_size=220, number_of_fragments=1
        ).highlight_options(
            pre_tags=[_PRE], post_tags=[_POST], highlight_query=Q("multi_match", **highlight_query).to_dict()
        )

    # Reading responses -------------------------------------------------------
    def _facets(self, aggregations, filters) -> list[Facet]:
        facets = []
        for dimension in DIMENSIONS:
            selected = filters.get(dimension.name, [])
            result = aggregations[f"facet_{dimension.name}"]
            counts = {bucket.key: bucket.doc_count for bucket in result.top.buckets}
            if selected:
                counts.update({bucket.key: bucket.doc_count for bucket in result.selected.buckets})
            rows = sorted(
                ((value, count) for value, count in counts.items() if value), key=lambda r: (-r[1], r[0])
            )
            shown = []
            for value, count in rows:
                if len(shown) >= FACET_SIZE and value not in selected:
                    continue
                shown.append((value, count))
            labels = self._labels(dimension, [value for value, _ in shown] + list(selected))
            options = [
                FacetOption(
                    value=value, label=labels.get(value, value), count=count, selected=value in selected
                )
                for value, count in shown
            ]
            seen = {value for value, _ in shown}
            options += [
                FacetOption(value=value, label=labels.get(value, value), count=0, selected=True)
                for value in selected
                if value not in seen
            ]
            facets.append(Facet(name=dimension.name, label=str(dimension.label), options=options))
        return facets

    @staticmethod
    def _labels(dimension, values: list[str]) -> dict[str, str]:
        if not values:
            return {}
        if dimension.label_lookup:
            relation, key = dimension.lookup.split("__", 1)
            label = dimension.label_lookup.split("__", 1)[1]
            model = Entry._meta.get_field(relation).related_model
            return dict(model.objects.filter(**{f"{key}__in": values}).values_list(key, label))
        if dimension.name == "country":
            return {value: countries.name(value) or value for value in values}
        if dimension.name == "status":
            return {value: str(STATUS_LABELS.get(value, value)) for value in values}
        return {}

    @staticmethod
    def _suggestion(response) -> str | None:
        parts = getattr(getattr(response, "suggest", None), "spelling", None)
        if not parts:
            return None
        words, changed = [], False
        for part in parts:
            text = (part.text or "").strip()
            if not text:
                continue
            options = [option for option in part.options if (option.text or "").strip()]
            if options:
                words.append(options[0].text.strip())
                changed = True
            else:
                words.append(text)
        return " ".join(words) if changed and words else None

    @staticmethod
    def _highlights(response) -> dict[int, str]:
        found = {}
        for hit in response:
            marked = getattr(hit.meta, "highlight", None)
            if not marked:
                continue
            for field in ("summary", "description"):
                fragments = getattr(marked, field, None)
                if fragments:
                    text = html.escape(" ".join(fragments[0].split()))
                    found[int(hit.meta.id)] = text.replace(_PRE, "<mark>").replace(_POST, "</mark>")
                    break
        return found

    # Index management --------------------------------------------------------
    def index_exists(self) -> bool:
        return bool(self.client.indices.exists(index=self.alias))

    def current_indices(self) -> list[str]:
        """The concrete indices behind the alias (one, except in the middle of a swap)."""
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except self.not_found:
            return []

    def create_index(self, name: str | None = None) -> str:
        name = name or new_index_name(self.prefix)
        index_definition(self.dsl, name, using=self.client).create()
        return name

    def ensure_index(self) -> None:
        """An empty index behind the alias, if there is none yet (before the first rebuild)."""
        if self.index_exists():
            return
        name = first_index_name(self.prefix)
        try:
            self.create_index(name)
        except Exception:
            if not self.client.indices.exists(index=name):  # not made meanwhile by another worker
                raise
        self.client.indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": self.alias}}]})

    def rebuild(
        self, chunk_size: int = CHUNK_SIZE, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Index every published entry into a new index, then move the alias to it; return the count.

        Searches keep using the old index until the alias moves (one atomic call), then
        the old index is deleted. Updates sent meanwhile went to the old index, so after
        the move, entries saved, published, unpublished or deleted while the new index
        filled are indexed again. Rebuilds must not run at the same time as each other.
        """
        started = timezone.now()
        name = self.create_index()
        try:
            loaded = self._load(name, max(1, int(chunk_size)), progress)
            self.client.indices.refresh(index=name)
            previous = self._move_alias(name)
        except BaseException:
            self._delete_indices([name])
            raise
        published = set(Entry.objects.published().values_list("pk", flat=True))
        changed = set(Entry.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
        changed |= published ^ loaded
        if changed:
            self.index_entries(changed, refresh=True)
        self._delete_indices(self._stale_indices(name, previous))
        return len(loaded)

    def index_entries(
        self, entry_ids: Iterable[int], chunk_size: int = CHUNK_SIZE, refresh: bool = False
    ) -> int:
        """(Re)index these entries, and drop those unpublished or deleted; return how many were indexed."""
        ids = sorted({int(pk) for pk in entry_ids})
        if not ids:
            return 0
        self.ensure_index()
        done = 0
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            entries = list(entries_for_index(Entry.objects.published().filter(pk__in=chunk)))
            gone = set(chunk) - {entry.pk for entry in entries}
            actions = [self._index_action(self.alias, entry) for entry in entries]
            actions += [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in sorted(gone)]
            self.helpers.bulk(self.client, actions, ignore_status=(404,))
            done += len(entries)
        if refresh:
            self.refresh()
        return done

    def delete_entries(self, entry_ids: Iterable[int], refresh: bool = False) -> int:
        ids = sorted({int(pk) for pk in entry_ids})
        if not ids or not self.index_exists():
            return 0
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in ids]
        deleted, _errors = self.helpers.bulk(self.client, actions, ignore_status=(404,), stats_only=True)
        if refresh:
            self.refresh()
        return deleted

    def refresh(self) -> None:
        """Make every write visible to searches now (servers do it within a second anyway)."""
        self.client.indices.refresh(index=self.alias)

    def drop(self) -> None:
        """Delete the alias and every index of this prefix (tests, retiring an environment)."""
        self._delete_indices(self._indices_of_prefix())
        if self.client.indices.exists(index=self.alias):
            self.client.indices.delete(index=self.alias)

    def _load(self, index: str, chunk_size: int, progress) -> set[int]:
        """Bulk-load the published entries into `index`, in chunks; return the ids loaded."""
        ids = list(Entry.objects.published().order_by("pk").values_list("pk", flat=True))
        loaded: set[int] = set()
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            entries = list(entries_for_index(Entry.objects.published().filter(pk__in=chunk).order_by("pk")))
            actions = [self._index_action(index, entry) for entry in entries]
            self.helpers.bulk(self.client, actions, chunk_size=chunk_size, max_retries=2)
            loaded.update(entry.pk for entry in entries)
            if progress:
                progress(min(start + len(chunk), len(ids)), len(ids))
        return loaded

    @staticmethod
    def _index_action(index: str, entry) -> dict:
        return {"_op_type": "index", "_index": index, "_id": entry.pk, "_source": entry_to_document(entry)}

    def _move_alias(self, name: str) -> list[str]:
        previous = self.current_indices()
        if not previous and self.client.indices.exists(index=self.alias):
            # A concrete index holds the alias's name (made by hand or before aliases): it must go.
            self.client.indices.delete(index=self.alias)
        actions = [{"remove": {"index": old, "alias": self.alias}} for old in previous]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        return previous

    def _indices_of_prefix(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(index=concrete_index_pattern(self.prefix)))
        except self.not_found:
            return []

    def _stale_indices(self, current: str, previous: list[str]) -> list[str]:
        """The indices the alias left, and older leftovers of interrupted rebuilds."""
        match = _STAMP.search(current)
        stale = set(previous)
        for name in self._indices_of_prefix():
            other = _STAMP.search(name)
            if match and other and other.group(1) < match.group(1):
                stale.add(name)
        stale.discard(current)
        return sorted(stale)

    def _delete_indices(self, names: list[str]) -> None:
        for name in names:
            try:
                self.client.indices.delete(index=name)
            except self.not_found:
                pass
            except Exception:
                logger.exception("could not delete search index %s", name)


class ElasticsearchEngine(SearchServerEngine):
    kind = "elasticsearch"
    dsl_module = "elasticsearch.dsl"
    helpers_module = "elasticsearch.helpers"
    exceptions_module = "elasticsearch"


class OpenSearchEngine(SearchServerEngine):
    kind = "opensearch"
    dsl_module = "opensearchpy"
    helpers_module = "opensearchpy.helpers"
    exceptions_module = "opensearchpy"
