"""The entry fields that come from sources, by kind: one list for importers, editors' locks and merges."""

SCALAR_FIELDS = frozenset(
    {
        "name",
        "website",
        "summary",
        "description",
        "status",
        "founded_year",
        "members_count",
        "workers_count",
        "geographic_scope",
        "address",
        "locality",
        "region",
        "country",
        "latitude",
        "longitude",
        "logo_url",
        "source_code_url",
        "contact_email",
    }
)
LIST_FIELDS = frozenset({"other_names", "links", "languages", "tools"})
# One term of a vocabulary (a foreign key) and several terms (many-to-many or tags).
TERM_FIELDS = frozenset({"organisation_type", "category", "legal_form"})
MULTI_TERM_FIELDS = frozenset({"activities", "member_classes", "tags"})
SOURCED_FIELDS = SCALAR_FIELDS | LIST_FIELDS | TERM_FIELDS | MULTI_TERM_FIELDS
# Of those, the ones holding a web address (directory.text.safe_web_url's rule), and the
# multi-line texts (which keep their newlines when control characters are stripped).
URL_FIELDS = ("website", "logo_url", "source_code_url")  # in the order problems are reported
MULTILINE_FIELDS = frozenset({"description"})
