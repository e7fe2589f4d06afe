"""A record's statutory comments, awards, links to other decisions, providers and
corrections."""

from dataclasses import dataclass

from commissioning.importing import Checker, is_blank, normalise_header, squash
from contracts.models import Provider
from decisions.importing.columns import COMMENT_ROLES, LINK_KIND_WORDS, PROVIDER_ROLE_WORDS
from decisions.models import Award, Correction, DecisionLink, DecisionProvider, StatutoryComment


@dataclass
class PlannedLink:
    """A link to make once every decision of the file is: to one in the file or the register
    by its reference, or else to one outside the register, kept as `outside`."""

    kind: str
    reference: str
    outside: DecisionLink


def listed_numbers(check: Checker, noun: str) -> list[int]:
    """The indexes of a JSON list flattened to `{noun}_{index}_{field}` keys, in order."""
    prefix = f"{noun}_"
    return sorted({int(key.split("_")[1]) for key in check.record.values if key.startswith(prefix)})


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
        """The grants or awards of a JSON record's "awards" list, in its order: each to a
        recipient, or a round of grants recorded as a whole (its applications, no recipient)."""
        awards = []
        for number in listed_numbers(check, "award"):
            keys = {
                name: f"award_{number}_{name}"
                for name in (
                    "recipient",
                    "amount",
                    "purpose",
                    "conditions",
                    "crime_reduction",
                    "applications",
                    "funded",
                )
            }
            applications = check.whole_number(keys["applications"])
            recipient = check.text(
                keys["recipient"],
                required=applications is None,
                what="The award's recipient (or, for a round of grants, its applications)",
            )
            amount = None
            if is_blank(check.raw(keys["amount"])):
                check.error(keys["amount"], "The award's amount is needed here.")
            else:
                amount = check.money(keys["amount"])
            if not (recipient or applications is not None) or amount is None:
                continue
            award = Award(
                recipient=recipient,
                amount=amount,
                purpose=check.text(keys["purpose"]),
                conditions=check.text(keys["conditions"]),
                crime_reduction=check.text(keys["crime_reduction"]),
                applications=applications,
                funded=check.whole_number(keys["funded"]),
            )
            check.model_errors(
                award,
                fields=keys,
                constraints={
                    "award_amount_not_negative": keys["amount"],
                    "award_recipient_or_round": keys["recipient"],
                    "award_funded_within_applications": keys["funded"],
                },
                exclude=["decision", "provider"],
            )
            awards.append(award)
        return awards

    def check_links(self, check: Checker, reference: str) -> list[PlannedLink]:
        """The links of a JSON record's "links" list. The other decision is one in the file,
        one already in the register, or else one outside the register, kept by the reference,
        title, date and address given; the links are made once every decision of the file is."""
        links: list[PlannedLink] = []
        for number in listed_numbers(check, "link"):
            keys = {
                name: f"link_{number}_{name}"
                for name in ("kind", "reference", "title", "date", "url")
            }
            written = check.text(keys["kind"], required=True, what="The kind of link")
            other = check.text(
                keys["reference"], required=True, what="The other decision's reference"
            )
            kind = LINK_KIND_WORDS.get(normalise_header(written))
            if written and kind is None:
                check.error(keys["kind"], f"{written!r} is not follows, supersedes or amends.")
            outside = DecisionLink(
                kind=kind or "",
                to_reference=other,
                to_title=check.text(keys["title"]),
                to_date=check.date(keys["date"]),
                to_url=check.text(keys["url"]),
            )
            if not other or kind is None:
                continue
            if other == reference:
                check.error(keys["reference"], "A decision cannot refer to itself.")
            elif any(link.kind == kind and link.reference == other for link in links):
                check.error(keys["reference"], "The same link is given twice.")
            else:
                check.model_errors(
                    outside,
                    fields={
                        "to_reference": keys["reference"],
                        "to_title": keys["title"],
                        "to_date": keys["date"],
                        "to_url": keys["url"],
                    },
                    exclude=["from_decision", "to_decision"],
                )
                links.append(PlannedLink(kind, other, outside))
        return links

    def is_outside_register(self, reference: str) -> bool:
        return reference not in self.file_references and reference not in self.linked_decisions

    def check_providers(self, check: Checker) -> list[DecisionProvider]:
        """The providers of a JSON record's "providers" list, each in its role: one in the
        register by its name (ignoring case and punctuation), or else a new one."""
        links: list[DecisionProvider] = []
        for number in listed_numbers(check, "provider"):
            keys = {name: f"provider_{number}_{name}" for name in ("name", "role", "role_other")}
            name = check.text(keys["name"], required=True, what="The provider's name")
            role = check.choice(
                keys["role"],
                PROVIDER_ROLE_WORDS,
                accepted="preferred_bidder, created, funded, contracted or other",
            )
            if not name or role is None:
                if not check.text(keys["role"]):
                    check.error(keys["role"], "The provider's role is needed here.")
                continue
            provider = self.provider_named(name)
            link = DecisionProvider(
                provider=provider, role=role, role_other=check.text(keys["role_other"])
            )
            check.model_errors(
                link,
                fields={"role": keys["role"], "role_other": keys["role_other"]},
                constraints={"other_role_named": keys["role_other"]},
                exclude=["decision", "provider"],
            )
            if any(each.provider is provider and each.role == role for each in links):
                check.error(keys["name"], "The same provider is given twice in this role.")
                continue
            links.append(link)
        return links

    def provider_named(self, name: str) -> Provider:
        """The provider of that name in the register or new in this file, else a new one."""
        key = squash(name)
        if key not in self.providers:
            self.providers[key] = Provider(name=name)
        return self.providers[key]

    def check_corrections(self, check: Checker) -> list[Correction]:
        """The corrections of a JSON record's "corrections" list, each with its date and
        reason: fixes made to the record after it was decided, which its public record lists.
        Who made one is not recorded (the history says who imported it)."""
        corrections = []
        for number in listed_numbers(check, "correction"):
            keys = {name: f"correction_{number}_{name}" for name in ("made_on", "reason")}
            reason = check.text(keys["reason"], required=True, what="The correction's reason")
            made_on = check.date(keys["made_on"])
            if made_on is None and not check.text(keys["made_on"]):
                check.error(keys["made_on"], "The date of the correction is needed here.")
            if not reason or made_on is None:
                continue
            correction = Correction(made_on=made_on, reason=reason)
            check.model_errors(
                correction,
                fields=keys,
                constraints={"correction_has_reason": keys["reason"]},
                exclude=["decision", "made_by"],
            )
            corrections.append(correction)
        return corrections
