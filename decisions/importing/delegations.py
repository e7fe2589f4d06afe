"""The delegation a record in a decision file was taken under: found in the register by its
instrument and delegate (the one in force on the day of decision, where there are several),
or recorded as new with the delegations it was made under (a "delegation_made_under" list,
the nearest first)."""

from commissioning.dates import Precision
from commissioning.importing import Checker, PlannedRow, squash
from decisions.importing.columns import MADE_UNDER_FIELDS
from decisions.importing.parts import listed_numbers
from decisions.models import Delegation

IMPORTED_DELEGATION_SCOPE = (
    "Not recorded. This delegation was added when historic decisions citing it were imported; "
    "its instrument sets out what the delegate may decide."
)


class DelegationChecks:
    """For `DecisionImport`: its `delegations` (the register's) and `new_delegations` (keyed
    by instrument and delegate, each with the records that cite it)."""

    delegations: list[Delegation]
    new_delegations: dict

    def check_delegation(self, check: Checker, dates: dict, plan: PlannedRow) -> Delegation | None:
        instrument = check.text("delegation_instrument")
        name = check.text("delegate_name")
        if not instrument:
            check.error(
                "delegation_instrument",
                "A decision taken under delegation must cite the delegation: give its "
                "instrument (the scheme or letter, with its paragraph).",
            )
            return None
        matches = [d for d in self.delegations if squash(d.instrument) == squash(instrument)]
        if name:
            matches = [d for d in matches if squash(d.delegate_name) == squash(name)]
        if len(matches) > 1 and dates["decided_on"]:
            decided = dates["decided_on"].value
            in_force = [
                d
                for d in matches
                if d.starts_on <= decided and (d.ends_on is None or d.ends_on >= decided)
            ]
            matches = in_force or matches
        if matches:
            delegation = max(matches, key=lambda d: d.starts_on)
            plan.actions.append(f"Decided by {delegation}")
            return delegation
        if not name:
            check.error(
                "delegate_name",
                f"No delegation in the register cites {instrument!r}: give the delegate's "
                "name so that one can be recorded.",
            )
            return None
        key = (squash(instrument), squash(name))
        if key not in self.new_delegations:
            delegation = Delegation(
                delegate_name=name,
                delegate_role=check.text("delegate_role"),
                instrument=instrument,
                instrument_reference=check.text("delegation_instrument_reference"),
                instrument_url=check.text("delegation_instrument_url"),
                scope=IMPORTED_DELEGATION_SCOPE,
                starts_on=dates["delegation_starts_on"],
                ends_on=dates["delegation_ends_on"],
            )
            delegation.planned_made_under = self.check_made_under(check, plan)
            self.new_delegations[key] = (delegation, [])
            plan.actions.append(f"New delegation: {name} under {instrument}")
        else:
            plan.actions.append(f"Decided by {name} under {instrument}")
        self.new_delegations[key][1].append(check.record)
        delegation = self.new_delegations[key][0]
        # A decision's date stands for the delegation's start only when it is a whole day.
        first = dates["delegation_starts_on"] or next(
            (
                dates[key].value
                for key in ("decided_on", "signed_on")
                if dates[key] and dates[key].precision == Precision.DAY
            ),
            None,
        )
        if first and (delegation.starts_on is None or first < delegation.starts_on):
            delegation.starts_on = first
        return delegation

    def check_made_under(self, check: Checker, plan: PlannedRow) -> list[Delegation]:
        """The delegations a new delegation was made under (a "delegation_made_under" list,
        the nearest first): each one in the register, matched by its instrument and
        delegate, or else recorded."""
        chain: list[Delegation] = []
        for number in listed_numbers(check, "madeunder"):
            keys = {name: f"madeunder_{number}_{name}" for name in MADE_UNDER_FIELDS.values()}
            instrument = check.text(keys["instrument"], required=True, what="The instrument")
            name = check.text(keys["delegate_name"], required=True, what="The delegate's name")
            starts_on, ends_on = check.date(keys["starts_on"]), check.date(keys["ends_on"])
            if not instrument or not name:
                continue
            found = self.delegation_matching(instrument, name)
            if found is None:
                found = Delegation(
                    delegate_name=name,
                    delegate_role=check.text(keys["delegate_role"]),
                    instrument=instrument,
                    instrument_reference=check.text(keys["instrument_reference"]),
                    instrument_url=check.text(keys["instrument_url"]),
                    scope=IMPORTED_DELEGATION_SCOPE,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
                if starts_on is None:
                    check.error(
                        keys["starts_on"],
                        "The delegation is new to the register and needs the date it took effect.",
                    )
                    continue
                check.model_errors(
                    found,
                    fields={
                        "delegate_role": keys["delegate_role"],
                        "instrument_reference": keys["instrument_reference"],
                        "instrument_url": keys["instrument_url"],
                    },
                    constraints={"ends_after_start": keys["ends_on"]},
                    exclude=["delegate", "made_under", "starts_on"],
                )
                self.new_delegations[(squash(instrument), squash(name))] = (found, [check.record])
                plan.actions.append(f"New delegation: {name} under {instrument}")
            chain.append(found)
        return chain

    def delegation_matching(self, instrument: str, name: str) -> Delegation | None:
        for delegation in self.delegations:
            if squash(delegation.instrument) == squash(instrument) and squash(
                delegation.delegate_name
            ) == squash(name):
                return delegation
        planned = self.new_delegations.get((squash(instrument), squash(name)))
        return planned[0] if planned else None
