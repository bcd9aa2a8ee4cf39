"""Editorial pages: the home page and the knowledge library (topics, guides, case studies).

    HomePage
    ├── DirectoryPage (directory/models/pages.py)
    └── LibraryIndexPage            the knowledge library: every guide and case study, by topic
        ├── TopicPage               one per Topic: its guides, case studies, mentors and programmes
        ├── GuidePage
        └── CaseStudyPage           tied to a directory entry

Topics are the `directory.Topic` snippets that mentors' expertise and ventures' needs also use.
Each page's `get_context` loads what its template shows in a fixed number of queries.
"""

from __future__ import annotations

import math

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from directory.models import DirectoryPage, Entry
from directory.taxonomies import Topic
from mentorship.models import Cohort, MentorProfile, Programme

from .blocks import ArticleBodyBlock, plain_words

#: How long the home page's figures are cached: brief, so a newly published entry shows soon.
FIGURES_CACHE_SECONDS = 60
FIGURES_CACHE_KEY = "portal:home-figures"
HOME_FEATURED = 6
HOME_GUIDES = 3
HOME_COHORTS = 6
#: Reading speed used for the reading time of guides and case studies.
WORDS_PER_MINUTE = 200


def home_figures() -> dict[str, int]:
    """Live figures for the home page: four COUNT queries, cached for a minute."""
    figures = cache.get(FIGURES_CACHE_KEY)
    if figures is None:
        published = Entry.objects.published().order_by()
        figures = {
            "entries": published.count(),
            "countries": published.exclude(country="").values("country").distinct().count(),
            "platform_coops": published.filter(category__slug="platform-co-op").count(),
            "open_programmes": Programme.objects.filter(
                pk__in=Cohort.objects.open_for_applications().values("programme_id")
            ).count(),
        }
        cache.set(FIGURES_CACHE_KEY, figures, FIGURES_CACHE_SECONDS)
    return figures


def directory_url() -> str:
    """The directory's address (entry pages are `<it><slug>/`), or "" when there is none."""
    page = DirectoryPage.objects.live().only("id", "url_path").first()
    return (page.url or "") if page else ""


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel(
            "featured_entries",
            label=_("Featured co-op"),
            heading=_("Featured co-ops"),
            max_num=HOME_FEATURED,
            help_text=_("Shown on the home page in this order; without any, the most recently added."),
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["directory.DirectoryPage", "portal.LibraryIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def featured(self):
        """The featured entries that are published, in the editors' order; else the latest added."""
        published = Entry.objects.published().for_listing()
        ids = [item.entry_id for item in self.featured_entries.all()]
        if ids:
            found = published.in_bulk(ids)
            entries = [found[pk] for pk in ids if pk in found]
            if entries:
                return entries, True
        return list(published.order_by("-created_at", "name")[:HOME_FEATURED]), False

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        figures = home_figures()
        entries, featured = self.featured()
        context.update(
            figures=figures,
            entry_count=figures["entries"],
            country_count=figures["countries"],
            featured_entries=entries,
            featured_chosen=featured,
            directory=DirectoryPage.objects.live().first(),
            library=LibraryIndexPage.objects.live().first(),
            latest_guides=GuidePage.objects.live()
            .public()
            .prefetch_related("topics")
            .order_by("-first_published_at", "-pk")[:HOME_GUIDES],
            open_cohorts=Cohort.objects.open_for_applications()
            .select_related("programme__incubator")
            .order_by(F("applications_close").asc(nulls_last=True), "programme__title", "name")[
                :HOME_COHORTS
            ],
        )
        context["directory_url"] = context["directory"].url if context["directory"] else ""
        return context


class FeaturedEntry(Orderable):
    """A directory entry the editors show on the home page."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_entries")
    entry = models.ForeignKey(
        "directory.Entry", verbose_name=_("directory entry"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("entry")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured co-op")
        verbose_name_plural = _("featured co-ops")


class LibraryIndexPage(Page):
    """The knowledge library: every guide and case study, filtered by topic with `?topic=<slug>`."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.TopicPage", "portal.GuidePage", "portal.CaseStudyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        topics = list(Topic.objects.all())
        selected = next((t for t in topics if t.slug == request.GET.get("topic")), None)
        guides = GuidePage.objects.live().public().prefetch_related("topics")
        case_studies = (
            CaseStudyPage.objects.live().public().select_related("entry").prefetch_related("topics")
        )
        if selected:
            guides = guides.filter(topics=selected)
            case_studies = case_studies.filter(topics=selected)
        topic_pages = {p.topic_id: p for p in TopicPage.objects.live().public().descendant_of(self)}
        context.update(
            topics=topics,
            topic_pages=[(t, topic_pages.get(t.pk)) for t in topics],
            selected_topic=selected,
            selected_topic_page=topic_pages.get(selected.pk) if selected else None,
            guides=guides.order_by("-first_published_at", "-pk"),
            case_studies=case_studies.order_by("-first_published_at", "-pk"),
        )
        return context


class TopicPage(Page):
    """Everything the portal holds about one topic."""

    topic = models.ForeignKey(
        "directory.Topic", verbose_name=_("topic"), on_delete=models.PROTECT, related_name="pages"
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("topic"), FieldPanel("intro")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.RelatedFields("topic", [index.SearchField("name"), index.SearchField("description")]),
    ]
    parent_page_types = ["portal.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("topic page")

    def clean(self):
        super().clean()
        if self.topic_id and TopicPage.objects.filter(topic_id=self.topic_id).exclude(pk=self.pk).exists():
            raise ValidationError({"topic": _("This topic already has a page.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        topic_id = self.topic_id
        open_cohorts = Cohort.objects.open_for_applications().order_by(
            F("applications_close").asc(nulls_last=True), "name"
        )
        context.update(
            guides=GuidePage.objects.live()
            .public()
            .filter(topics=topic_id)
            .prefetch_related("topics")
            .order_by("-first_published_at", "-pk"),
            case_studies=CaseStudyPage.objects.live()
            .public()
            .filter(topics=topic_id)
            .select_related("entry")
            .prefetch_related("topics")
            .order_by("-first_published_at", "-pk"),
            mentors=MentorProfile.objects.listed()
            .filter(topics=topic_id)
            .select_related("home_coop")
            .prefetch_related("topics"),
            programmes=Programme.objects.public()
            .filter(topics=topic_id)
            .select_related("incubator")
            .prefetch_related(Prefetch("cohorts", queryset=open_cohorts, to_attr="open_cohorts")),
            library=self.get_parent().specific,
            directory_url=directory_url(),
        )
        return context


class LibraryArticle(Page):
    """What guides and case studies share: a summary, topics, a body of blocks and a reading time."""

    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences, shown in lists and as the description for search engines."),
    )
    topics = ParentalManyToManyField(
        "directory.Topic", verbose_name=_("topics"), blank=True, related_name="%(class)s_pages"
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    reading_time = models.PositiveSmallIntegerField(_("reading time in minutes"), default=1, editable=False)

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["portal.LibraryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.reading_time = max(1, math.ceil(plain_words(self.body) / WORDS_PER_MINUTE))
        return super().save(*args, **kwargs)

    @property
    def description(self) -> str:
        return self.search_description or self.summary

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            page_topics=list(self.topics.all()),
            directory_url=directory_url(),
            library=LibraryIndexPage.objects.live().ancestor_of(self).first(),
        )
        return context


class GuidePage(LibraryArticle):
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")


class CaseStudyPage(LibraryArticle):
    """The story of one organisation in the directory, with its key facts from the entry."""

    entry = models.ForeignKey(
        "directory.Entry",
        verbose_name=_("directory entry"),
        # Null only when the entry is deleted or merged away; editors must choose one.
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="case_studies",
    )

    content_panels = Page.content_panels + [
        FieldPanel("entry"),
        FieldPanel("summary"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]
    search_fields = LibraryArticle.search_fields + [
        index.RelatedFields("entry", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        entry = None
        if self.entry_id:
            entry = (
                Entry.objects.published()
                .for_listing()
                .select_related("legal_form")
                .filter(pk=self.entry_id)
                .first()
            )
        context["entry"] = entry
        return context
