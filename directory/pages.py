"""The public face of the catalogue: one routable page serves the list and every entry."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from search.api import PAGE_SIZE, SORTS, search
from search.facets import DIMENSIONS

PAGE_SIZES = {"10", "20", "50", "100"}


class DirectoryPage(RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("directory page")

    @path("")
    def listing(self, request):
        params = request.GET
        filters = {d.name: params.getlist(d.name)[:20] for d in DIMENSIONS if params.getlist(d.name)}
        try:
            page_number = int(params.get("page", "1"))
        except ValueError:
            page_number = 1
        per_page = params.get("per_page", "")
        results = search(
            query=params.get("q", ""),
            filters=filters,
            sort=params.get("sort", "relevance"),
            page=page_number,
            page_size=int(per_page) if per_page in PAGE_SIZES else PAGE_SIZE,
        )
        context = self.get_context(request)
        context.update(results=results, sorts=SORTS, entries=results.hits, highlights=results.highlights)
        return TemplateResponse(request, "directory/directory_page.html", context)

    @path("autocomplete/", name="autocomplete")
    def autocomplete(self, request):
        """Entry names as a person types, for the search box."""
        from search.api import autocomplete

        names = autocomplete(request.GET.get("q", ""), limit=8)
        base = self.url
        return JsonResponse(
            {"results": [{"name": name, "url": f"{base}{slug}/"} for name, slug in names]},
            headers={"Cache-Control": "public, max-age=60"},
        )

    @path("<slug:slug>/", name="entry")
    def entry(self, request, slug):
        from .models import Entry, SourceRecord

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
