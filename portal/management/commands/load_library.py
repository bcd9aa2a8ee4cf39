"""Create or update the knowledge library from portal/library/content.yaml.

Pages are matched by slug under their parent (topic pages also by their topic), so running it again
changes nothing unless the file or the catalogue changed. It creates the library index under the home
page, one topic page per Topic, the guides and case studies, and the home page's featured co-ops when
the editors have not chosen any yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

from directory.models import Entry
from directory.taxonomies import Topic
from mentorship.models import MentorProfile, Programme
from portal.library_cache import forget_library_url
from portal.models import CaseStudyPage, FeaturedEntry, GuidePage, HomePage, LibraryIndexPage, TopicPage

CONTENT = Path(__file__).resolve().parents[2] / "library" / "content.yaml"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = "Create or update the knowledge library's guides, case studies and topic pages."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CONTENT), help="the content file (YAML)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        home = self.home_page()
        self.tally = Tally()
        with transaction.atomic():
            library = self.load_library(home, content.get("library") or {})
            self.load_topics(library, content.get("topics") or {})
            for item in content.get("guides") or []:
                self.load_article(library, item, case_study=False)
            for item in content.get("case_studies") or []:
                self.load_article(library, item, case_study=True)
            self.load_featured(home, content.get("featured") or [])
        forget_library_url()
        if options["verbosity"] > 1:
            for line in self.tally.changed:
                self.stdout.write(f"  {line}")
        for warning in self.tally.warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}"))
        t = self.tally
        self.stdout.write(
            self.style.SUCCESS(
                f"Knowledge library: {t.created} pages created, {t.updated} updated, {t.unchanged} unchanged."
            )
        )

    # Pages --------------------------------------------------------------
    def home_page(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        root = site.root_page.specific if site else None
        home = root if isinstance(root, HomePage) else HomePage.objects.first()
        if home is None:
            raise CommandError("no home page: run `manage.py migrate` first")
        return home

    def upsert(self, parent, model, slug, fields, topics=None, existing=None):
        """Create `model` under `parent` with `fields`, or update the page with that slug; publish."""
        page = existing or parent.get_children().filter(slug=slug).first()
        if page is not None:
            page = page.specific
            if not isinstance(page, model):
                raise CommandError(f"{page.url_path} is a {type(page).__name__}, not a {model.__name__}")
            changed = not page.live or any(self.differs(page, name, value) for name, value in fields.items())
            if topics is not None and {t.pk for t in page.topics.all()} != {t.pk for t in topics}:
                changed = True
            if not changed:
                self.tally.unchanged += 1
                return page
            for name, value in fields.items():
                setattr(page, name, value)
            self.tally.updated += 1
            self.tally.changed.append(f"updated {page.url_path}")
        else:
            page = model(slug=slug, **fields)
            parent.add_child(instance=page)
            self.tally.created += 1
            self.tally.changed.append(f"created {page.url_path}")
        if topics is not None:
            page.topics.set(topics)
        page.save_revision().publish()
        return page

    @staticmethod
    def differs(page, name, value) -> bool:
        current = getattr(page, name)
        if name == "body":
            current = [(child["type"], child["value"]) for child in current.raw_data]
            value = [(child["type"], child["value"]) for child in value]
        elif hasattr(current, "pk"):
            current = current.pk
            value = getattr(value, "pk", value)
        return current != value

    def load_library(self, home, data):
        slug = data.get("slug", "library")
        existing = LibraryIndexPage.objects.first()
        fields = {
            "title": data.get("title", "Knowledge library"),
            "intro": (data.get("intro") or "").strip(),
            "search_description": (data.get("search_description") or "").strip(),
        }
        return self.upsert(home, LibraryIndexPage, slug, fields, existing=existing)

    def load_topics(self, library, intros):
        """One page per topic of the shared taxonomy, titled with the topic's name."""
        for topic in Topic.objects.all():
            existing = TopicPage.objects.filter(topic=topic).first()
            fields = {"title": topic.name, "topic": topic, "intro": (intros.get(topic.slug) or "").strip()}
            self.upsert(library, TopicPage, topic.slug, fields, existing=existing)

    def load_article(self, library, item, case_study):
        slug = item["slug"]
        topics = list(Topic.objects.filter(slug__in=item.get("topics") or []))
        missing = set(item.get("topics") or []) - {t.slug for t in topics}
        if missing:
            self.tally.warnings.append(f"{slug}: unknown topics {', '.join(sorted(missing))}")
        fields = {
            "title": item["title"],
            "summary": " ".join(item["summary"].split()),
            "body": self.body(slug, item.get("body") or []),
        }
        model = GuidePage
        if case_study:
            entry = self.entry(item["entry"])
            if entry is None:
                self.tally.warnings.append(f"{slug}: entry {item['entry']!r} not found, case study skipped")
                return None
            fields["entry"] = entry
            model = CaseStudyPage
        return self.upsert(library, model, slug, fields, topics=topics)

    def load_featured(self, home, refs):
        """The home page's featured co-ops, only while the editors have chosen none."""
        if not refs or home.featured_entries.exists() or home.has_unpublished_changes:
            return
        entries = [entry for entry in map(self.entry, refs) if entry is not None]
        if not entries:
            return
        home.featured_entries = [FeaturedEntry(entry=entry, sort_order=i) for i, entry in enumerate(entries)]
        home.save_revision().publish()
        self.tally.updated += 1
        self.tally.changed.append(f"featured co-ops of {home.url_path}")

    # References ---------------------------------------------------------
    @staticmethod
    def entry(ref):
        """A directory entry by its id in the seed catalogue, else by its slug."""
        return (
            Entry.objects.filter(source_records__source__slug="portal-seed", source_records__external_id=ref)
            .order_by("pk")
            .first()
            or Entry.objects.filter(slug=ref).first()
        )

    def body(self, slug, blocks) -> list[dict]:
        """The body's blocks in their stored form, with references resolved to ids."""
        stored = []
        for block in blocks:
            kind, value = block["type"], block.get("value")
            if kind == "text":
                value = " ".join(str(value).split())
            elif kind == "quote":
                value = {
                    "quote": " ".join(value["quote"].split()),
                    "attribution": value.get("attribution", ""),
                }
            elif kind == "callout":
                value = {
                    "kind": value.get("kind", "info"),
                    "title": value.get("title", ""),
                    "text": " ".join(value["text"].split()),
                }
            elif kind in ("entry", "programme", "mentor"):
                if kind == "entry":
                    target = self.entry(value)
                elif kind == "programme":
                    target = Programme.objects.filter(slug=value).first()
                else:
                    target = MentorProfile.objects.filter(display_name=value).first()
                if target is None:
                    self.tally.warnings.append(f"{slug}: {kind} {value!r} not found, left out")
                    continue
                value = target.pk
            else:
                raise CommandError(f"{slug}: unknown block type {kind!r}")
            stored.append({"type": kind, "value": value})
        return stored
