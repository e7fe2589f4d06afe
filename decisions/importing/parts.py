"""A record's statutory comments, awards and links to other decisions."""

from commissioning.importing import Checker, is_blank, normalise_header
from decisions.importing.columns import COMMENT_ROLES, LINK_KIND_WORDS
from decisions.models import Award, StatutoryComment


class PartChecks:
    """The checks of a record's comments, awards and links (DecisionImport)."""

    def check_comments(self, check: Checker) -> list[StatutoryComment]:
        comments = []
        for prefix, role in COMMENT_ROLES.items():
            text_key, name_key, date_key = (
                f"{prefix}_comment",
                f"{prefix}_name",
                f"{prefix}_comment_on",
            )
            text = check.text(text_key)
            person = check.text(name_key)
            made_on = check.date(date_key)
            if not text:
                if person or made_on:
                    check.error(text_key, "The comment's text is missing.")
                continue
            comment = StatutoryComment(role=role, person=person, text=text, made_on=made_on)
            check.model_errors(
                comment,
                fields={"person": name_key, "text": text_key, "made_on": date_key},
                exclude=["decision", "user"],
            )
            comments.append(comment)
        return comments

    def check_awards(self, check: Checker) -> list[Award]:
        """The grants or awards of a JSON record's "awards" list, in its order."""
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("award_")}
        )
        awards = []
        for number in numbers:
            keys = {name: f"award_{number}_{name}" for name in ("recipient", "amount", "purpose")}
            recipient = check.text(keys["recipient"], required=True, what="The award's recipient")
            amount = None
            if is_blank(check.raw(keys["amount"])):
                check.error(keys["amount"], "The award's amount is needed here.")
            else:
                amount = check.money(keys["amount"])
            if not recipient or amount is None:
                continue
            award = Award(recipient=recipient, amount=amount, purpose=check.text(keys["purpose"]))
            check.model_errors(
                award,
                fields=keys,
                constraints={"award_amount_not_negative": keys["amount"]},
                exclude=["decision", "provider"],
            )
            awards.append(award)
        return awards

    def check_links(self, check: Checker, reference: str) -> list[tuple[str, str]]:
        """The links of a JSON record's "links" list. The other decision is one in the file or
        already in the register; the links are made once every decision of the file is."""
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("link_")}
        )
        links: list[tuple[str, str]] = []
        for number in numbers:
            kind_key, reference_key = f"link_{number}_kind", f"link_{number}_reference"
            written = check.text(kind_key, required=True, what="The kind of link")
            other = check.text(reference_key, required=True, what="The other decision's reference")
            kind = LINK_KIND_WORDS.get(normalise_header(written))
            if written and kind is None:
                check.error(kind_key, f"{written!r} is not follows, supersedes or amends.")
            if not other or kind is None:
                continue
            if other == reference:
                check.error(reference_key, "A decision cannot refer to itself.")
            elif other not in self.file_references and other not in self.linked_decisions:
                check.error(
                    reference_key,
                    f"No decision has the reference {other}, in the register or in the file.",
                )
            elif (kind, other) in links:
                check.error(reference_key, "The same link is given twice.")
            else:
                links.append((kind, other))
        return links
