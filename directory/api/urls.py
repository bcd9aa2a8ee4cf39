"""/api/v1/: the open-data API, its OpenAPI schema and docs, and the bulk exports."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views

app_name = "api"

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("entries/", views.EntryListView.as_view(), name="entry-list"),
    # Any text up to the last slash: an unknown or malformed slug is the API's JSON 404, not the site's page.
    # ([\s\S] and not ".": a generated slug may hold a newline.)
    re_path(r"^entries/(?P<slug>[\s\S]*)/$", views.EntryDetailView.as_view(), name="entry-detail"),
    *[path(f"{key}/", view.as_view(), name=f"{key}-list") for key, view in views.TAXONOMIES.items()],
    path("exports/", views.ExportIndexView.as_view(), name="export-index"),
    path("exports/entries.csv", views.CSVExportView.as_view(), name="export-csv"),
    path("exports/entries.json", views.JSONExportView.as_view(), name="export-json"),
    path("exports/entries.geojson", views.GeoJSONExportView.as_view(), name="export-geojson"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
