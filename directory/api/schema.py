"""OpenAPI schema hooks: the schema describes the open-data API only, not Wagtail's admin API."""

API_PREFIX = "/api/v1/"


def only_open_data_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
