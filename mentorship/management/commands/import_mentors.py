"""Import mentors from a CSV sheet with a column mapping: `import_mentors --file SHEET [--mapping FILE]`."""

from mentorship import spreadsheets

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Create or update mentors (by email) from a CSV file, optionally adding them to a cohort."
    importer = staticmethod(spreadsheets.import_mentors)
