"""The directory's models, one module per part, all importable from here (Django finds them here):

    mixins.py       CleanText: text saved without control characters, whatever writes it
    entries.py      Entry, its tags and translations, the status and scope choices
    provenance.py   Source, SourceRecord (an entry's listing in a source), EntryIdentifier
    submissions.py  Submission: what the public proposes
    pages.py        DirectoryPage: the routable page that lists and shows entries

The vocabularies (Activity, Category, Topic...) live in directory/taxonomies.py, which
migrations and other apps import by that path.
"""

from ..taxonomies import Activity, Category, LegalForm, MemberClass, OrganisationType, Topic
from .entries import (
    LANGUAGE_CODE_PATTERN,
    Entry,
    EntryQuerySet,
    EntryTag,
    EntryTranslation,
    GeographicScope,
    LocalisedText,
    Status,
)
from .mixins import CleanText
from .pages import DirectoryPage
from .provenance import EntryIdentifier, Source, SourceRecord
from .submissions import Submission

__all__ = [
    "Activity",
    "Category",
    "LegalForm",
    "MemberClass",
    "OrganisationType",
    "Topic",
    "CleanText",
    "Source",
    "Entry",
    "EntryQuerySet",
    "EntryTag",
    "EntryTranslation",
    "GeographicScope",
    "LANGUAGE_CODE_PATTERN",
    "LocalisedText",
    "Status",
    "Submission",
    "EntryIdentifier",
    "SourceRecord",
    "DirectoryPage",
]
