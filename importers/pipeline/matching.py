"""Which entry a new record of a source describes, if any.

First by a register's id the record shares with an entry, then by the other source's
record it names (`Record.listed_as`), then by its website's domain, then by exactly the
same name in the same place. Entries the source already lists are never candidates: two
records of one source are two organisations. A trusted source's domain and name matches
are taken; an unverified source's wait for an editor as possible duplicates, and so do
new entries whose names are close to an existing one (`duplicates.NameIndex`).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from directory.models import Entry, EntryIdentifier, Source, SourceRecord

from ..models import DuplicateCandidate
from ..records import Record, domain_of
from .duplicates import NameIndex
from .report import Report, describe

# Hosts where many organisations have a page: a shared domain there says nothing.
SHARED_HOSTS = {
    "facebook.com",
    "m.facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "linkedin.com",
    "youtube.com",
    "medium.com",
    "github.com",
    "gitlab.com",
    "sites.google.com",
    "google.com",
    "docs.google.com",
    "wordpress.com",
    "blogspot.com",
    "wixsite.com",
    "pitchero.com",
    "meetup.com",
    "eventbrite.com",
    "en.wikipedia.org",
    "wikipedia.org",
    "opencollective.com",
    "goteo.org",
    "en.goteo.org",
    "linktr.ee",
    "bandcamp.com",
    "patreon.com",
    "squarespace.com",
}


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def one_record_per_entry(matches: dict[str, int], taken: set[int]) -> dict[str, int]:
    """Drop matches to entries already claimed in this batch, or claimed twice here:
    two records of one source are two organisations."""
    counts: dict[int, int] = defaultdict(int)
    for entry_id in matches.values():
        counts[entry_id] += 1
    return {eid: pk for eid, pk in matches.items() if pk not in taken and counts[pk] == 1}


class Matcher:
    """Matches the records of one source's run to entries, with what it learns cached for the run.

    A batch whose transaction rolls back calls `forget()`: the cached ids may be gone.
    """

    def __init__(self, source: Source):
        self.source = source
        self._names: NameIndex | None = None
        self._listed: set[int] | None = None
        self._domains: dict[str, list[int]] | None = None

    def forget(self):
        self._names, self._listed, self._domains = None, None, None

    def match(self, records: list[Record], tally: Report) -> tuple[dict[str, int], dict[str, int]]:
        """(matches, soft matches) for records new to this source: external id -> entry id.

        Matches are written into their entry; soft matches (by website or name, from an
        unverified source) become possible duplicates of a new entry instead.
        """
        matches = self.match_by_identifier(records, tally)
        matches.update(self.match_by_listing([r for r in records if r.external_id not in matches]))
        # A record that names its entry by another source's id matches that entry or none.
        unmatched = [r for r in records if r.external_id not in matches and not r.listed_as]
        soft = one_record_per_entry(
            self.match_by_domain(unmatched),
            taken=set(matches.values()),
        )
        soft.update(
            one_record_per_entry(
                self.match_by_name([r for r in unmatched if r.external_id not in soft]),
                taken=set(matches.values()) | set(soft.values()),
            )
        )
        if self.source.trusted:
            matches.update(soft)
            soft = {}
        # An unverified source may claim anyone's website or name: its matches wait for an
        # editor instead of writing into the entry (see propose_duplicates).
        return matches, soft

    def name_index(self) -> NameIndex:
        """Names of the entries other sources listed before this run began."""
        if self._names is None:
            listed = self.listed_by_this_source()
            self._names = NameIndex(
                row
                for row in Entry.objects.values_list("pk", "name", "country").iterator()
                if row[0] not in listed
            )
        return self._names

    def propose_duplicates(self, entries: list[Entry], tally: Report):
        """New entries whose names are close to an entry from another source wait for an editor."""
        index = self.name_index()
        proposals = []
        for entry in entries:
            for other_id, score, reason in index.candidates(entry.name, entry.country, exclude={entry.pk}):
                proposals.append(
                    DuplicateCandidate(entry=entry, other_id=other_id, score=score, reason=reason)
                )
        if proposals:
            DuplicateCandidate.objects.bulk_create(proposals, ignore_conflicts=True)
            tally.duplicates += len(proposals)

    def match_by_identifier(self, records: list[Record], tally: Report) -> dict[str, int]:
        """external id -> entry id, for records sharing a register's id with an entry."""
        pairs = {(scheme, value) for r in records for scheme, value in r.identifiers.items()}
        if not pairs:
            return {}
        condition = Q()
        for scheme in {scheme for scheme, _v in pairs}:
            condition |= Q(scheme=scheme, value__in=[v for s, v in pairs if s == scheme])
        listed = self.listed_by_this_source()
        owners = {
            (scheme, value): entry_id
            for scheme, value, entry_id in EntryIdentifier.objects.filter(condition).values_list(
                "scheme", "value", "entry_id"
            )
            if entry_id not in listed
        }
        matches = {}
        for record in records:
            found = {owners[p] for p in record.identifiers.items() if p in owners}
            if len(found) == 1:
                matches[record.external_id] = found.pop()
            elif len(found) > 1:
                ids = ", ".join(f"{k}:{v}" for k, v in sorted(record.identifiers.items()))
                tally.warnings.append(
                    {
                        "record": describe(record),
                        "reason": f"its ids ({ids}) belong to {len(found)} different entries; "
                        "added as a new entry for an editor to merge",
                    }
                )
        return matches

    def match_by_listing(self, records: list[Record]) -> dict[str, int]:
        """external id -> entry id, for records that name the entry by another source's id."""
        wanted = {r.external_id: r.listed_as for r in records if r.listed_as}
        if not wanted:
            return {}
        condition = Q()
        for slug, external_id in set(wanted.values()):
            condition |= Q(source__slug=slug, external_id=external_id)
        owners = {
            (slug, external_id): entry_id
            for slug, external_id, entry_id in SourceRecord.objects.filter(condition).values_list(
                "source__slug", "external_id", "entry_id"
            )
        }
        listed = self.listed_by_this_source()
        return {
            record_id: owners[key]
            for record_id, key in wanted.items()
            if key in owners and owners[key] not in listed
        }

    def listed_by_this_source(self) -> set[int]:
        """Ids of the entries this source lists: never merge a second record of it into them."""
        if self._listed is None:
            self._listed = set(
                SourceRecord.objects.filter(source=self.source).values_list("entry_id", flat=True)
            )
        return self._listed

    def domain_map(self) -> dict[str, list[int]]:
        """domain -> entries of other sources with a website there, built once per run."""
        if self._domains is None:
            listed = self.listed_by_this_source()
            self._domains = defaultdict(list)
            for pk, website in Entry.objects.exclude(website="").values_list("pk", "website").iterator():
                domain = domain_of(website)
                if domain and domain not in SHARED_HOSTS and pk not in listed:
                    self._domains[domain].append(pk)
        return self._domains

    def match_by_domain(self, records: list[Record]) -> dict[str, int]:
        """external id -> entry id, for new records whose website is one entry's (not from this source)."""
        wanted = {}
        for record in records:
            domain = domain_of(record.fields.get("website", ""))
            if domain and domain not in SHARED_HOSTS:
                wanted[record.external_id] = domain
        if not wanted:
            return {}
        by_domain = self.domain_map()
        listed = self.listed_by_this_source()
        claims: dict[str, list[str]] = defaultdict(list)
        for external_id, domain in wanted.items():
            claims[domain].append(external_id)
        matches = {}
        for domain, external_ids in claims.items():
            owners = [pk for pk in by_domain.get(domain, []) if pk not in listed]
            # Two records of this source on one site are two organisations: merge neither.
            if len(owners) == 1 and len(external_ids) == 1:
                matches[external_ids[0]] = owners[0]
        return matches

    def match_by_name(self, records: list[Record]) -> dict[str, int]:
        """Exactly the same name, one candidate not yet from this source, and no sign of two places.

        Only this unambiguous case merges here; fuzzier matches are for editors to decide.
        """
        wanted = {normalise_name(r.name): r for r in records if r.name}
        if not wanted:
            return {}
        listed = self.listed_by_this_source()
        candidates = defaultdict(list)
        queryset = Entry.objects.filter(name__in={r.name for r in records}).values_list(
            "pk", "name", "country", "locality"
        )
        for pk, name, country, locality in queryset:
            if pk not in listed:
                candidates[normalise_name(name)].append((pk, country, locality))
        matches = {}
        for key, record in wanted.items():
            found = candidates.get(key, [])
            if len(found) != 1:
                continue
            pk, country, locality = found[0]
            ours_country, ours_locality = record.fields.get("country", ""), record.fields.get("locality", "")
            if country and ours_country and country != ours_country:
                continue
            if locality and ours_locality and locality.casefold() != ours_locality.casefold():
                continue  # same name in two towns: an editor decides (see propose_duplicates)
            matches[record.external_id] = pk
        return matches
