"""manage.py api_token create|revoke|list: consumer tokens from the shell."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api import services
from api.models import ApiToken
from factcheck.errors import DomainError

SYSTEM = "manage.py api_token"


class Command(BaseCommand):
    help = "Create, revoke or list API tokens. A new token is printed once; only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token for a user")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="who or what uses it, e.g. 'CMS'")
        revoke = sub.add_parser("revoke", help="revoke a token by id or by its prefix")
        revoke.add_argument("token", help="the token's id, its prefix (fcd_…), or the token")
        listing = sub.add_parser("list", help="list tokens")
        listing.add_argument("--user", help="only this user's tokens")
        listing.add_argument("--all", action="store_true", help="include revoked tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        owner = services.active_user(options["username"])
        token, raw = services.api_token_create(
            owner=owner, name=options["name"], system_actor=SYSTEM
        )
        self.stderr.write(f"Token {token.pk} for {owner.username} ({token.name}); keep it safe:")
        self.stdout.write(raw)

    def _revoke(self, options: dict[str, Any]) -> None:
        ref = options["token"].strip()
        tokens = ApiToken.objects.all()
        if ref.isdigit():
            matches = list(tokens.filter(pk=int(ref)))
        else:
            from api.authentication import token_hash

            matches = list(tokens.filter(key_hash=token_hash(ref))) or list(
                tokens.filter(prefix=ref[:12])
            )
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} tokens match {ref!r}; give the token's id.")
        token = services.api_token_revoke(token=matches[0], system_actor=SYSTEM)
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) at {token.revoked_at:%c}.")

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("owner").order_by("owner__username", "id")
        if options.get("user"):
            tokens = tokens.filter(owner__username=options["user"])
        if not options.get("all"):
            tokens = tokens.filter(revoked_at__isnull=True)
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used:%Y-%m-%d %H:%M}" if t.last_used else "never"
            self.stdout.write(
                f"{t.pk:>5}  {t.prefix}…  {t.owner.username:<20} {t.name:<30} used {used}  {state}"
            )
