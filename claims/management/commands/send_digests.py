"""`manage.py send_digests`: e-mail every waiting daily digest now (beat runs it each day too)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from claims.notifications import digest_recipients, digest_send
from factcheck.progress import progress


class Command(BaseCommand):
    help = (
        "E-mail the daily digest of every person with notifications waiting for it "
        "(celery beat sends it at NOTIFICATION_DIGEST_HOUR). Exits 1 if any e-mail failed."
    )

    def handle(self, *args, **options) -> None:
        people = digest_recipients()
        outcomes = [
            digest_send(person=person)
            for person in progress(people, total=len(people), label="Digests", stream=self.stderr)
        ]
        sent, failed = outcomes.count(True), outcomes.count(False)
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent, {failed} failed.")
        if failed:
            raise CommandError(
                f"{failed} digest e-mail{'s' if failed != 1 else ''} failed; they wait for the "
                "next run, with the reason shown on each notification."
            )
