"""The public face of the catalogue: one routable page serves the list and every entry."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from search.api import PAGE_SIZE, SORTS, matching_queryset, search
from search.api import autocomplete as names_starting

from ..map import BadRequest, filters_from, located, parse_bbox, points
from .entries import Entry
from .provenance import SourceRecord

PAGE_SIZES = {"10", "20", "50", "100"}


class DirectoryPage(RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("directory page")

    def search_results(self, request):
        """The list's search, from its query string (the map reads the same one)."""
        params = request.GET
        try:
            page_number = int(params.get("page", "1"))
        except ValueError:
            page_number = 1
        per_page = params.get("per_page", "")
        return search(
            query=params.get("q", ""),
            filters=filters_from(params),
            sort=params.get("sort", "relevance"),
            page=page_number,
            page_size=int(per_page) if per_page in PAGE_SIZES else PAGE_SIZE,
        )

    @path("")
    def listing(self, request):
        results = self.search_results(request)
        context = self.get_context(request)
        context.update(results=results, sorts=SORTS, entries=results.hits, highlights=results.highlights)
        return TemplateResponse(request, "directory/directory_page.html", context)

    # Map, statistics and feed: before the `<slug>/` route, and their words are in RESERVED_SLUGS.
    @path("map/", name="map")
    def map_view(self, request):
        """The map, with the list's filters; without JavaScript, the list of what it would show."""
        results = self.search_results(request)
        context = self.get_context(request)
        context.update(
            results=results,
            sorts=SORTS,
            entries=results.hits,
            highlights=results.highlights,
            located_total=located(matching_queryset(results.query, filters_from(request.GET))).count(),
            tiles_url=settings.PORTAL_MAP_TILES_URL,
            tiles_attribution=settings.PORTAL_MAP_TILES_ATTRIBUTION,
        )
        return TemplateResponse(request, "directory/map.html", context)

    @path("map/points/", name="map_points")
    def map_points(self, request):
        """GeoJSON of the published entries in `bbox=w,s,e,n` that match the list's query string."""
        try:
            bbox = parse_bbox(request.GET.get("bbox"))
        except BadRequest as error:
            return JsonResponse({"error": str(error)}, status=400)
        base = self.get_url(request) or "/"
        queryset = matching_queryset(request.GET.get("q", ""), filters_from(request.GET))
        data = points(queryset, bbox, lambda slug: f"{base}{slug}/")
        return JsonResponse(
            data,
            content_type="application/geo+json",
            json_dumps_params={"ensure_ascii": False},
            headers={"Cache-Control": "public, max-age=60"},
        )

    @path("statistics/", name="statistics")
    def statistics(self, request):
        # statistics and feeds query the models package, which loads this page: they load on first use.
        from ..statistics import CACHE_SECONDS, figures

        context = self.get_context(request)
        context.update(figures(), cache_minutes=CACHE_SECONDS // 60)
        return TemplateResponse(request, "directory/statistics.html", context)

    @path("feed/", name="feed")
    def feed(self, request):
        from ..feeds import NewEntriesFeed  # loads on first use, as statistics above

        return NewEntriesFeed(self)(request)

    @path("autocomplete/", name="autocomplete")
    def autocomplete(self, request):
        """Entry names as a person types, for the search box."""
        names = names_starting(request.GET.get("q", ""), limit=8)
        base = self.url
        return JsonResponse(
            {"results": [{"name": name, "url": f"{base}{slug}/"} for name, slug in names]},
            headers={"Cache-Control": "public, max-age=60"},
        )

    @path("<slug:slug>/", name="entry")
    def entry(self, request, slug):
        queryset = (
            Entry.objects.published()
            .select_related("category", "organisation_type", "legal_form", "logo")
            .prefetch_related(
                "activities",
                "member_classes",
                "tags",
                Prefetch(
                    "source_records",
                    queryset=SourceRecord.objects.select_related("source").order_by("source__name"),
                ),
            )
        )
        entry = get_object_or_404(queryset, slug=slug)
        if entry is None:  # pragma: no cover - get_object_or_404 raises
            raise Http404
        context = self.get_context(request)
        context.update(entry=entry, sources=entry.source_records.all())
        return TemplateResponse(request, "directory/entry_detail.html", context)
