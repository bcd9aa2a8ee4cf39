from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from directory.murmurations import profile_view as murmurations_profile
from directory.submissions import views as submissions

from .views import health

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", health, name="health"),
    # The language switcher posts here (django.views.i18n.set_language).
    path("i18n/", include("django.conf.urls.i18n")),
    # Open data: outside any language prefix, before Wagtail's catch-all.
    path("api/v1/", include("directory.api.urls")),
    path("directory/<slug:slug>/murmurations.json", murmurations_profile, name="murmurations-profile"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The public site, in every language: English unprefixed (/directory/), others under /fr/, /sv/, /es/.
urlpatterns += i18n_patterns(
    path("directory/add/", submissions.add_entry, name="submission-add"),
    path("directory/add/thanks/", submissions.thanks, name="submission-thanks"),
    path("directory/<slug:slug>/suggest/", submissions.suggest_change, name="submission-suggest"),
    # Mentors' and founders' accounts (allauth) and the mentorship pages.
    path("accounts/", include("allauth.urls")),
    path("mentorship/", include("mentorship.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
