from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        # Signal receivers connect once the models are loaded, not as a side effect of importing them.
        from . import signals

        signals.connect()
