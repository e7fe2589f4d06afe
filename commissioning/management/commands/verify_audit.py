"""Check the audit log's hash chain: `manage.py verify_audit [--anchor FILE] [--head <hash>]`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commissioning.audit import Problem, read_anchors, verify
from commissioning.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Check that no audit entry has been changed, deleted or reordered. Give --head with "
        "the last hash reported by an earlier run to check that no entry was removed from the "
        "end since then. The heads written outside the database (AUDIT_ANCHOR_FILE, or the "
        "log lines 'audit head: count=N hash=H' gathered into a file given with --anchor) "
        "are checked too, so that entries cut from the end or a rewritten chain are found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--head",
            default="",
            help="A hash an earlier run reported as the last: it must still be in the chain.",
        )
        parser.add_argument(
            "--anchor",
            default=None,
            help="A file of heads written outside the database (default: AUDIT_ANCHOR_FILE).",
        )

    def handle(
        self, *args: object, head: str = "", anchor: str | None = None, **options: object
    ) -> None:
        path = anchor if anchor is not None else settings.AUDIT_ANCHOR_FILE
        try:
            anchors = read_anchors(path) if path else {}
        except OSError as error:
            raise CommandError(f"Cannot read the audit anchor {path}: {error}") from error
        count, last_hash, problems = verify(anchors)
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
        if anchors:
            self.stdout.write(f"It agrees with the {len(anchors)} heads written outside it.")
        else:
            self.stdout.write(
                "No heads written outside the database were given (AUDIT_ANCHOR_FILE or "
                "--anchor): entries cut from the end, or a rewritten chain, would not be found."
            )
