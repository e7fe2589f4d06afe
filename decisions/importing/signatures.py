"""A record's signatures: the decision maker's, or a list of them, one per step."""

import re

from commissioning.dates import Precision
from commissioning.importing import Checker
from decisions.importing.columns import (
    SIGNATURE_KEYS,
    SIGNATURE_KINDS,
    SIGNATURE_STEP_CODES,
    SIGNATURE_STEPS,
    listed_signature_keys,
)
from decisions.models import (
    Decision,
    DecisionMaker,
    DecisionStatus,
    Delegation,
    Signature,
    WorkflowStep,
)
from decisions.models.workflow import signed_on_the_day


class SignatureChecks:
    """The checks of a record's signatures (DecisionImport)."""

    def check_signature(
        self,
        check: Checker,
        decision: Decision,
        delegation: Delegation | None,
        keys: dict[str, str] = SIGNATURE_KEYS,
    ) -> tuple[Signature | None, str]:
        """The decision maker's signature as the record shows it, and whether it was wet ink.

        `keys` names the record's keys for the signature's fields: by default the single
        signature's columns, or one of a "signatures" list (`listed_signature_keys`). What
        it was signed as and when default to the decision maker and the date signed.
        """
        signed_by = check.text(keys["signed_by"])
        as_recorded = check.text(keys["note"])
        kind = check.choice(keys["kind"], SIGNATURE_KINDS, accepted="electronic or wet")
        signed_as = check.text(keys["signed_as"])
        signed_on = check.date(keys["signed_on"])
        step = check.choice(keys["step"], SIGNATURE_STEPS, accepted=SIGNATURE_STEP_CODES)
        if not (signed_by or as_recorded or kind or signed_as or signed_on or step):
            return None, ""
        if not kind:
            kind = "wet" if "wet" in as_recorded.casefold() else "electronic"
        name = signed_by or decision.decision_maker_name
        if not name and delegation is not None:
            name = delegation.delegate_name
        if not name:
            check.error(keys["signed_by"], "Say who signed the record.")
            return None, kind
        # A signature is dated to the day: the record's date stands for it only when it is one.
        on = signed_on or next(
            (
                date.value
                for date in (decision.signed, decision.decided)
                if date and date.precision == Precision.DAY
            ),
            None,
        )
        if on is None:
            check.error("signed_on", "Give the date the record was signed.")
            return None, kind
        if step is None:
            if decision.status == DecisionStatus.NOT_APPROVED:
                step = WorkflowStep.DECLINE
            else:
                step = WorkflowStep.APPROVE
        if signed_as:
            capacity = f"{signed_as} ({as_recorded})" if as_recorded else signed_as
        else:
            capacity = signature_capacity(decision, delegation, as_recorded)
        signature = Signature(
            step=step,
            method=Signature.Method.WET if kind == "wet" else Signature.Method.ELECTRONIC,
            name=name,
            capacity=capacity,
            signed_at=signed_on_the_day(on),
            # The fingerprint is taken once the record's content has been written.
            content_sha256="0" * 64,
        )
        check.model_errors(
            signature,
            fields={"name": keys["signed_by"], "capacity": keys["signed_as"]},
            exclude=["decision", "user", "delegation"],
        )
        return signature, kind

    def check_listed_signatures(
        self, check: Checker, decision: Decision, delegation: Delegation | None
    ) -> list[tuple[Signature, str]]:
        """The signatures of a JSON record's "signatures" list: one for each step at most."""
        numbers = sorted(
            {
                int(key.split("_")[1])
                for key in check.record.values
                if re.fullmatch(r"signature_\d+_[a-z_]+", key)
            }
        )
        signatures: list[tuple[Signature, str]] = []
        steps: dict[str, int] = {}
        for number in numbers:
            keys = listed_signature_keys(number)
            signature, kind = self.check_signature(check, decision, delegation, keys)
            if signature is None:
                continue
            if signature.step in steps:
                check.error(
                    keys["step"],
                    f"Signature {steps[signature.step]} of this record was given at this step.",
                )
                continue
            steps[signature.step] = number
            signatures.append((signature, kind))
        return signatures


def signature_capacity(decision: Decision, delegation: Delegation | None, as_recorded: str) -> str:
    """What the signatory signed as, with any note the record made of the signature.

    How it is held (electronic or on paper) is the signature's `method`.
    """
    if decision.decision_maker == DecisionMaker.DELEGATE and delegation is not None:
        role = delegation.signing_capacity
    else:
        role = "Police and Crime Commissioner"
    return f"{role} ({as_recorded})" if as_recorded else role
