from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # Here, not at the top: the receivers import the directory's models, loaded only by now.
        from .signals import connect

        connect()
