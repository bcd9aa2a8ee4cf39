"""What the admin's entry and submission choosers may offer: drafts and submissions are editors' business.

Incubator staff choose an incubator's or a venture's co-op among published entries; only people who may
change entries (the Editors and Moderators groups, superusers) see drafts there, as in the entry listing.
"""

from __future__ import annotations

from portal.admin_policy import visible_to

from .models import Entry, Submission


def entry_choices_for(user):
    if user is not None and user.is_active and user.has_perm("directory.change_entry"):
        return Entry.objects.all()
    return Entry.objects.published()


def submission_choices_for(user):
    return visible_to(user, Submission)
