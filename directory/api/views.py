"""Read-only, anonymous views of the published catalogue: search, one entry, vocabularies, exports."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from search.api import MAX_PAGE_SIZE, search

from .. import exports
from ..models import (
    Activity,
    Category,
    DirectoryPage,
    Entry,
    LegalForm,
    MemberClass,
    OrganisationType,
    Status,
    Topic,
)
from .filters import MAX_VALUES, EntryFilter
from .serializers import (
    EntryDetailSerializer,
    EntryPageSerializer,
    EntrySerializer,
    ErrorSerializer,
    TaxonomyTermSerializer,
    provenance_queryset,
)

BAD_REQUEST = OpenApiResponse(
    ErrorSerializer, description="A parameter is wrong; `errors` says which and why."
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No published entry has this slug.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many requests from this address; retry later.")


def directory_url() -> str:
    page = DirectoryPage.objects.live().first()
    return page.url if page is not None and page.url else "/directory/"


class ExportThrottle(AnonRateThrottle):
    """Whole-catalogue downloads are heavy: a lower rate than the rest of the API."""

    scope = "exports"


def list_parameters() -> list[OpenApiParameter]:
    """The limits the filter set enforces, stated in the schema (django-filter's own description of
    these parameters has the types but not the bounds)."""

    def many(name, items, description):
        schema = {"type": "array", "items": items, "maxItems": MAX_VALUES}
        return OpenApiParameter(name, schema, description=description, style="form", explode=True)

    slug = {"type": "string", "pattern": r"^[-a-zA-Z0-9_]*$"}
    return [
        OpenApiParameter("q", {"type": "string", "maxLength": 500}, description=_("Words to search for.")),
        many("category", slug, _("Category slugs (any of).")),
        many("type", slug, _("Organisation type slugs (any of).")),
        many("activity", slug, _("Activity slugs (any of).")),
        many("member", slug, _("Member class slugs: who owns it (any of).")),
        many("country", {"type": "string", "enum": [code for code, _n in countries]}, _("ISO 3166-1 codes.")),
        many("status", {"type": "string", "enum": list(Status.values)}, _("Statuses (any of).")),
        OpenApiParameter("page", {"type": "integer", "minimum": 1}, description=_("Page number.")),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            description=_("Entries per page."),
        ),
    ]


class EntryListView(generics.GenericAPIView):
    """Published entries: full-text search, filters with facet counts, sort and pages.

    The same search as the public directory (`/directory/`): the same parameters give the same
    entries in the same order and the same facet counts. Facets are disjunctive: values of one
    filter widen the choice (any of), filters narrow each other, and each facet's counts ignore
    its own selection.
    """

    queryset = Entry.objects.published()
    serializer_class = EntrySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntryFilter
    pagination_class = None

    @extend_schema(
        operation_id="entries_list",
        filters=True,
        parameters=list_parameters(),
        responses={200: EntryPageSerializer, 400: BAD_REQUEST, 429: THROTTLED},
    )
    def get(self, request):
        filterset = EntryFilter(request.query_params, queryset=self.get_queryset(), request=request)
        arguments, errors = filterset.clean_params(request.query_params)
        if errors:
            return Response({"detail": str(_("Invalid parameters.")), "errors": errors}, status=400)
        results = search(**arguments)
        context = {**self.get_serializer_context(), "directory_url": directory_url()}
        url = request.build_absolute_uri()
        return Response(
            {
                "count": results.total,
                "page": results.page,
                "page_size": results.page_size,
                "num_pages": results.num_pages,
                "next": replace_query_param(url, "page", results.page + 1) if results.has_next else None,
                "previous": (
                    (
                        replace_query_param(url, "page", results.page - 1)
                        if results.page > 2
                        else remove_query_param(url, "page")
                    )
                    if results.has_previous
                    else None
                ),
                "query": results.query,
                "sort": results.sort,
                "filters": results.filters,
                "suggestion": results.suggestion,
                "facets": [
                    {
                        "name": facet.name,
                        "label": str(facet.label),
                        "options": [
                            {
                                "value": option.value,
                                "label": str(option.label),
                                "count": option.count,
                                "selected": option.selected,
                            }
                            for option in facet.options
                        ],
                    }
                    for facet in results.facets
                ],
                "results": EntrySerializer(results.hits, many=True, context=context).data,
            }
        )


class EntryDetailView(generics.RetrieveAPIView):
    """One published entry with all its public facts and the sources (and licences) it comes from."""

    serializer_class = EntryDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Entry.objects.published()
            .select_related("category", "organisation_type", "legal_form")
            .prefetch_related(
                "activities",
                "member_classes",
                "tags",
                Prefetch("source_records", queryset=provenance_queryset()),
            )
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "directory_url": directory_url()}

    @extend_schema(
        parameters=[OpenApiParameter("slug", {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}, "path")],
        responses={200: EntryDetailSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def taxonomy_view(model, counted: bool = True):
    """A list view of one vocabulary, with how many published entries use each term."""

    class TaxonomyView(generics.ListAPIView):
        serializer_class = TaxonomyTermSerializer
        pagination_class = None
        __doc__ = f"Every {model._meta.verbose_name} (slug, name, description)" + (
            ", with how many published entries have it." if counted else "."
        )

        def get_queryset(self):
            queryset = model.objects.order_by("name")
            if counted:
                queryset = queryset.annotate(entry_count=Count("entries", filter=Q(entries__live=True)))
            return queryset

        @extend_schema(
            operation_id=f"{model._meta.model_name}_list",
            responses={200: TaxonomyTermSerializer(many=True), 429: THROTTLED},
        )
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

    TaxonomyView.__name__ = f"{model.__name__}ListView"
    TaxonomyView.__qualname__ = TaxonomyView.__name__
    return TaxonomyView


TAXONOMIES = {
    "activities": taxonomy_view(Activity),
    "member-classes": taxonomy_view(MemberClass),
    "categories": taxonomy_view(Category),
    "organisation-types": taxonomy_view(OrganisationType),
    "legal-forms": taxonomy_view(LegalForm),
    "topics": taxonomy_view(Topic, counted=False),
}


class ApiRootView(APIView):
    """Where everything in the API is."""

    @extend_schema(
        responses={
            200: inline_serializer("ApiRoot", {"links": serializers.DictField(child=serializers.URLField())}),
            429: THROTTLED,
        }
    )
    def get(self, request):
        names = ["entry-list", "export-index", "schema", "docs", *[f"{key}-list" for key in TAXONOMIES]]
        return Response(
            {"links": {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in names}}
        )


# ------------------------------------------------------------------------ exports
class _IgnoreAccept(BaseContentNegotiation):
    """An export has one format whatever the Accept header asks for (errors still come as JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _ExportRendering:
    """Exports stream their own bytes; what DRF renders (throttling, errors) is JSON."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _IgnoreAccept


class ExportIndexView(APIView):
    """The export files, what is in them, and the licence and attribution of every source."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "ExportIndex",
                {
                    "licence_note": serializers.CharField(),
                    "files": serializers.ListField(child=serializers.DictField()),
                    "sources": serializers.ListField(child=serializers.DictField()),
                },
            ),
            429: THROTTLED,
        }
    )
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(f"api:{name}"))

        return Response(
            {
                "licence_note": str(exports.LICENCE_NOTE),
                "files": [
                    {
                        "url": url("export-csv"),
                        "format": "csv",
                        "media_type": "text/csv",
                        "description": str(
                            _(
                                "Every published entry, one row each; lists are joined with '; '; "
                                "the 'sources' column names each source with its licence and attribution."
                            )
                        ),
                        "columns": exports.CSV_COLUMNS,
                    },
                    {
                        "url": url("export-json"),
                        "format": "json",
                        "media_type": "application/json",
                        "description": str(
                            _(
                                "Every published entry as an object in 'entries'; 'sources' at the "
                                "top lists the contributing sources, and each entry's 'sources' its own."
                            )
                        ),
                    },
                    {
                        "url": url("export-geojson"),
                        "format": "geojson",
                        "media_type": "application/geo+json",
                        "description": str(
                            _(
                                "Published entries that have coordinates, as a GeoJSON "
                                "FeatureCollection (RFC 7946); sources as in the JSON file."
                            )
                        ),
                    },
                ],
                "sources": exports.contributing_sources(),
            }
        )


class _ExportView(_ExportRendering, APIView):
    throttle_classes = [ExportThrottle]
    media_type = ""
    filename = ""

    def stream(self, exporter):  # pragma: no cover - subclasses say
        raise NotImplementedError

    def get(self, request):
        exporter = exports.Exporter(base_url=request.build_absolute_uri("/"))
        response = StreamingHttpResponse(
            self.stream(exporter), content_type=f"{self.media_type}; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["Cache-Control"] = "public, max-age=3600"
        return response


class CSVExportView(_ExportView):
    """Every published entry as CSV; each row's `sources` column states its sources' licences."""

    media_type = "text/csv"
    filename = "coop-portal-entries.csv"

    def stream(self, exporter):
        return exporter.csv_rows()

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR, 429: THROTTLED})
    def get(self, request):
        return super().get(request)


class JSONExportView(_ExportView):
    """Every published entry as one JSON document, with the contributing sources and their licences."""

    media_type = "application/json"
    filename = "coop-portal-entries.json"

    def stream(self, exporter):
        return exporter.json_chunks()

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, 429: THROTTLED})
    def get(self, request):
        return super().get(request)


class GeoJSONExportView(_ExportView):
    """Published entries with coordinates as a GeoJSON FeatureCollection, with sources and licences."""

    media_type = "application/geo+json"
    filename = "coop-portal-entries.geojson"

    def stream(self, exporter):
        return exporter.geojson_chunks()

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT, 429: THROTTLED})
    def get(self, request):
        return super().get(request)
