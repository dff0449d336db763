"""`manage.py create_user NAME --role editor`: create a desk user for an operator."""

import getpass
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from factcheck.errors import DomainError
from factcheck.roles import ROLES
from factcheck.services import user_create


def _system_user() -> str:
    """Who ran the command, as the operating system knows them (for the audit note)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"


class Command(BaseCommand):
    help = "Create a user with a desk role; prints a generated password unless one is given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="the password (default: a random one, printed once)")
        parser.add_argument(
            "--staff-admin", action="store_true", help="also make the user a superuser"
        )

    def handle(self, *args, **opts):
        password = opts["password"] or secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("password refused: " + " ".join(exc.messages)) from None
        try:
            user = user_create(
                username=opts["username"],
                role=opts["role"],
                password=password,
                email=opts["email"],
                staff_admin=opts["staff_admin"],
                system_actor="create_user",
                note=f"manage.py create_user, run by the system user {_system_user()}",
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created {opts['role']} {user.username!r}.")
        if not opts["password"]:
            self.stdout.write(f"Password (shown once): {password}")
