"""What the search package keeps in the database besides Wagtail's own index."""

from django.db import models


class CatalogueVersion(models.Model):
    """One row whose token changes whenever the catalogue changes, so cached facet counts know
    when they are stale. A new random token (not a counter) on every change: a rolled-back
    transaction then brings back a token whose cached counts match the rolled-back data."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self):
        return self.token
