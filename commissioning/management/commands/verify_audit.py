"""Check the audit log's hash chain: `manage.py verify_audit [--head <hash>]`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commissioning.audit import Problem, verify
from commissioning.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Check that no audit entry has been changed, deleted or reordered. Give --head with "
        "the last hash reported by an earlier run to check that no entry was removed from the "
        "end since then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            default="",
            help="A hash an earlier run reported as the last: it must still be in the chain.",
        )

    def handle(self, *args: object, head: str = "", **options: object) -> None:
        count, last_hash, problems = verify()
        if head and not AuditEntry.objects.filter(hash=head).exists():
            problems.append(Problem(None, f"the earlier last entry {head} is no longer in the log"))
        if problems:
            lines = [
                f"entry {problem.sequence}: {problem.message}"
                if problem.sequence is not None
                else problem.message
                for problem in problems
            ]
            raise CommandError(
                "The audit log has been tampered with:\n" + "\n".join(f"  {line}" for line in lines)
            )
        entries = "1 entry" if count == 1 else f"{count} entries"
        self.stdout.write(f"The audit log is intact: {entries}, last hash {last_hash}.")
