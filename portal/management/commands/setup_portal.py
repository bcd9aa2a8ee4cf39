"""Make a new portal usable: an editor account, the seed catalogue, the public imports, the index.

Safe to run again: every step is idempotent.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand

from importers.models import ImportRun
from importers.registry import DEFAULT_ORDER
from importers.runner import run_import


class Command(BaseCommand):
    help = "Create the editor account, load the seed catalogue and import the public listings."

    def add_arguments(self, parser):
        parser.add_argument("--no-imports", action="store_true", help="only the seed catalogue")

    def handle(self, *args, **options):
        self.create_admin()
        self.grant_editor_groups()
        jobs = [("portal-seed", None)] if options["no_imports"] else DEFAULT_ORDER
        where = settings.PORTAL_SNAPSHOTS or "the live web"
        names = ", ".join(config or slug for slug, config in jobs)
        self.stdout.write(f"Importing {names} (public listings from {where})")
        for slug, config in jobs:
            report, run = run_import(slug, config=config)
            line = (
                f"  {report.source}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.skipped} skipped"
            )
            if run.outcome == ImportRun.Outcome.FAILED:
                # One unreachable listing must not stop the portal from starting.
                self.stdout.write(self.style.WARNING(f"  {report.source}: not imported ({run.message})"))
            else:
                self.stdout.write(line)
        # The knowledge library's demo guides and case studies (after the seed: they link to its entries).
        call_command("load_library", stdout=self.stdout)
        call_command("update_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Catalogue ready."))

    def grant_editor_groups(self):
        """Wagtail's Editors and Moderators groups may curate the directory; Moderators publish."""
        curate = Permission.objects.filter(
            content_type__app_label="directory",
            codename__regex=r"^(add|change|delete)_(entry|activity|memberclass|category|"
            r"organisationtype|legalform|source)$",
        )
        publish = Permission.objects.filter(
            content_type__app_label="directory", codename__in=["publish_entry", "lock_entry", "unlock_entry"]
        )
        for name, permissions in (("Editors", curate), ("Moderators", curate | publish)):
            group = Group.objects.filter(name=name).first()
            if group is not None:
                group.permissions.add(*permissions)

    def create_admin(self):
        User = get_user_model()
        username = os.environ.get("ADMIN_USERNAME", "admin")
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Editor account {username!r} already exists.")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username,
            email=os.environ.get("ADMIN_EMAIL", "admin@example.org"),
            password=password,
        )
        shown = password if "ADMIN_PASSWORD" not in os.environ else "(from ADMIN_PASSWORD)"
        self.stdout.write(
            self.style.SUCCESS(f"Editor account created: username {username!r}, password {shown}")
        )
