"""Vocabularies that describe entries. Editors manage them as snippets."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class TermQuerySet(models.QuerySet):
    def get_or_create_by_name(self, name: str):
        slug = slugify(name)[:100] or "term"
        term, _created = self.get_or_create(slug=slug, defaults={"name": name[:100]})
        return term


class Term(index.Indexed, models.Model):
    """A named term of one vocabulary; the slug is its stable key in URLs and imports."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = TermQuerySet.as_manager()

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Activity(Term):
    """What an organisation does: its sector or line of work (marketplace, transportation...)."""

    class Meta(Term.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")


class MemberClass(Term):
    """Who owns and governs it: worker, user, producer, consumer, multi-stakeholder..."""

    class Meta(Term.Meta):
        verbose_name = _("member class")
        verbose_name_plural = _("member classes")


class Category(Term):
    """Its place in the platform co-op ecosystem: platform co-op, shared platform, supporter..."""

    class Meta(Term.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class OrganisationType(Term):
    """What kind of body it is: co-operative, company, organisation, resource..."""

    class Meta(Term.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")


class LegalForm(Term):
    """Its legal form as registered (Co-operative Society, SCIC, Bencom, LLC...)."""

    class Meta(Term.Meta):
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")


class Topic(Term):
    """What founders need to learn and mentors know: one taxonomy for mentor expertise, venture needs
    and the knowledge library (funding, governance, legal structure...). Editors add more."""

    class Meta(Term.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


# The canonical vocabularies, created by a data migration; importers map their
# sources' words onto these slugs and add new terms only for words not listed.
CATEGORIES = {
    "platform-co-op": "Platform co-op",
    "co-op-run-platform": "Co-op-run platform",
    "shared-platform": "Shared platform",
    "supporter": "Supporter",
    "co-operative": "Co-operative",
}
ORGANISATION_TYPES = {
    "cooperative": "Co-operative",
    "company": "Company",
    "organisation": "Organisation",
    "resource": "Resource",
    "individual": "Individual",
}
MEMBER_CLASSES = {
    "worker": "Workers",
    "user": "Users",
    "producer": "Producers",
    "consumer": "Consumers",
    "multi-stakeholder": "Multi-stakeholder",
    "business": "Businesses",
    "investor": "Investors",
    "contributor": "Contributors",
    "supporter": "Supporters",
    "community": "Community",
    "tenant": "Tenants",
}
TOPICS = {
    "funding": "Funding",
    "governance": "Governance and decision-making",
    "legal-structure": "Legal structure",
    "technology": "Technology and data sovereignty",
    "finance": "Finance",
    "marketing-and-members": "Marketing and members",
    "community": "Community",
    "exit-to-community": "Exit to community",
    "revenue-models": "Revenue models",
    "co-operation-among-co-operatives": "Co-operation among co-operatives",
}
