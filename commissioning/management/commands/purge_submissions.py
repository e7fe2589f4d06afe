"""Delete the one-time tokens of create forms too old to be sent again:
`manage.py purge_submissions [--days N]`. Run it daily, with `manage.py clearsessions`."""

from django.core.management.base import BaseCommand, CommandParser

from commissioning.once import KEEP_TOKENS_DAYS, purge_spent_tokens


def positive_days(value: str) -> int:
    days = int(value)
    if days < 1:
        raise ValueError(value)
    return days


class Command(BaseCommand):
    help = (
        "Delete the stored tokens of create forms sent more than --days ago (default "
        f"{KEEP_TOKENS_DAYS}). A token stops a form sent twice from creating two records; "
        "one older than any session can no longer be sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=positive_days,
            default=KEEP_TOKENS_DAYS,
            help="Keep the tokens of forms sent in this many days (at least 1).",
        )

    def handle(self, *args: object, days: int = KEEP_TOKENS_DAYS, **options: object) -> None:
        deleted = purge_spent_tokens(days=days)
        tokens = "1 token" if deleted == 1 else f"{deleted} tokens"
        self.stdout.write(f"Deleted {tokens} of forms sent more than {days} days ago.")
