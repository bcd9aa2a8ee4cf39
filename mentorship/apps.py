from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    """No ready(): the app connects no signal receivers. Its Wagtail registrations (permission policies,
    chooser rules, viewsets, admin URLs) are in wagtail_hooks.py, which Wagtail imports when it first
    looks for hooks."""

    name = "mentorship"
    label = "mentorship"
    verbose_name = "Mentorship"
    default_auto_field = "django.db.models.BigAutoField"
