"""Import ventures from a CSV sheet with a column mapping: `import_ventures --file SHEET [--cohort ID]`."""

from mentorship import spreadsheets

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Create or update ventures (by a founder's email and name) from a CSV file, applying to a cohort."
    importer = staticmethod(spreadsheets.import_ventures)
