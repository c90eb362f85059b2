from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from alliance.accounts.actions import do_create_account, do_create_clinic
from alliance.accounts.models import Role
from alliance.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a clinic and its first staff account (asks for the password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="The clinic's name.")
        parser.add_argument("--slug", help="Short name for URLs (default: from the name).")
        parser.add_argument("--email", required=True, help="The first staff member's e-mail.")
        parser.add_argument("--first-name", default="Clinic")
        parser.add_argument("--last-name", default="Admin")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("ALLIANCE_SETUP_PASSWORD") or getpass.getpass(
            "Password for the staff account (12+ characters): "
        )
        try:
            with transaction.atomic():
                clinic = do_create_clinic(
                    None, name=options["clinic"], slug=options["slug"] or slugify(options["clinic"])
                )
                staff = do_create_account(
                    None,
                    clinic=clinic,
                    role=Role.STAFF,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    password=password,
                )
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"Created clinic “{clinic.name}” and staff account {staff.email}.")
