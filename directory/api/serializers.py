"""How entries and vocabularies look in the API: public facts and provenance, never personal data.

Fields are listed explicitly (never ``__all__``) so a field added to the model later stays out of
the API until someone decides it is public: ``contact_email``, ``review_note``, ``field_origins``
and the sources' raw records are never serialised.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Entry, SourceRecord, Status


class TermSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class TaxonomyTermSerializer(TermSerializer):
    description = serializers.CharField()
    entries = serializers.IntegerField(
        source="entry_count",
        required=False,
        help_text="Published entries with this term (absent for topics).",
    )


class SourceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    homepage = serializers.CharField()
    licence = serializers.CharField()
    attribution = serializers.CharField()


class ProvenanceSerializer(serializers.Serializer):
    """One listing an entry comes from: the source, its licence, and where the entry is in it."""

    source = SourceSerializer()
    external_id = serializers.CharField()
    record_url = serializers.CharField()
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()


def _term(term):
    return {"slug": term.slug, "name": term.name} if term is not None else None


class EntrySerializer(serializers.ModelSerializer):
    """An entry as listed: what the directory's result list shows, plus where to read more."""

    url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    organisation_type = serializers.SerializerMethodField()
    activities = serializers.SerializerMethodField()
    member_classes = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices)
    country = serializers.SerializerMethodField()
    country_name = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "slug",
            "name",
            "url",
            "web_url",
            "summary",
            "website",
            "status",
            "category",
            "organisation_type",
            "activities",
            "member_classes",
            "country",
            "country_name",
            "region",
            "locality",
            "latitude",
            "longitude",
            "founded_year",
            "updated_at",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry) -> str:
        return self._absolute(reverse("api:entry-detail", kwargs={"slug": entry.slug}))

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, entry) -> str:
        # The public page lives under the directory page; its path is fixed by the site tree.
        base = self.context.get("directory_url", "/directory/")
        return self._absolute(f"{base}{entry.slug}/")

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_category(self, entry):
        return _term(entry.category)

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_organisation_type(self, entry):
        return _term(entry.organisation_type)

    @extend_schema_field(TermSerializer(many=True))
    def get_activities(self, entry):
        return [_term(term) for term in entry.activities.all()]

    @extend_schema_field(TermSerializer(many=True))
    def get_member_classes(self, entry):
        return [_term(term) for term in entry.member_classes.all()]

    def get_country(self, entry) -> str:
        return entry.country.code if entry.country else ""

    def get_country_name(self, entry) -> str:
        return str(entry.country.name) if entry.country else ""


class EntryDetailSerializer(EntrySerializer):
    """One entry with every public fact and the sources it comes from."""

    legal_form = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    other_names = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    tools = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(help_text="HTML (sanitised).")
    sources = serializers.SerializerMethodField()
    murmurations_profile = serializers.SerializerMethodField()

    class Meta(EntrySerializer.Meta):
        fields = EntrySerializer.Meta.fields + [
            "other_names",
            "description",
            "legal_form",
            "tags",
            "links",
            "members_count",
            "workers_count",
            "geographic_scope",
            "address",
            "languages",
            "logo_url",
            "source_code_url",
            "tools",
            "created_at",
            "sources",
            "murmurations_profile",
        ]

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_legal_form(self, entry):
        return _term(entry.legal_form)

    def get_tags(self, entry) -> list[str]:
        return [tag.name for tag in entry.tags.all()]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "url": {"type": "string"}},
                "required": ["label", "url"],
            },
        }
    )
    def get_links(self, entry):
        return [
            {"label": str(link.get("label") or ""), "url": str(link["url"])} for link in entry.public_links
        ]

    @extend_schema_field(ProvenanceSerializer(many=True))
    def get_sources(self, entry):
        records = entry.source_records.all()
        return ProvenanceSerializer(records, many=True).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_murmurations_profile(self, entry) -> str:
        return self._absolute(reverse("murmurations-profile", kwargs={"slug": entry.slug}))


def provenance_queryset():
    """Source records without their raw copies (which may hold personal data)."""
    return SourceRecord.objects.select_related("source").defer("raw").order_by("source__name", "pk")


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    options = FacetOptionSerializer(many=True)


class EntryPageSerializer(serializers.Serializer):
    """A page of search results: the shape of /api/v1/entries/ (documentation only)."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    query = serializers.CharField()
    sort = serializers.CharField()
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    suggestion = serializers.CharField(allow_null=True)
    facets = FacetSerializer(many=True)
    results = EntrySerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """What a bad request gets: each wrong parameter with what is wrong with it."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
