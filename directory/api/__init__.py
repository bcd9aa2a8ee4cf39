"""The open-data API at /api/v1/: published entries, their vocabularies and bulk exports."""
