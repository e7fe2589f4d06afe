"""The forms of recording a decision already taken (on paper, signed in ink) and of correcting
a decided record. The steps themselves are `Decision.record_as_decided`,
`Decision.correct_transcription` and `Decision.change_substance`
(decisions.models.recording); the pages are decisions.recording_views."""

from pathlib import PurePath

from django import forms

from commissioning.forms import GovukFormMixin
from decisions.models import STEPS, Decision, SignatureMethod, WorkflowStep
from decisions.models.recording import RECORDED_STEPS, RecordedSignature
from decisions.workflow import today

MAX_SIGNED_COPY_BYTES = 20 * 1024 * 1024

# Each step a paper record may carry a signature for: who signs there, and what they sign as.
SIGNERS = {
    WorkflowStep.SIGN_OFF: ("The Treasurer", "Treasurer"),
    WorkflowStep.COMMENT: (
        "The Chief Executive and Monitoring Officer",
        "Chief Executive and Monitoring Officer",
    ),
    WorkflowStep.APPROVE_FORCE_BUSINESS: ("The Chief Officer", "Chief Officer"),
    WorkflowStep.APPROVE: ("The decision maker", "Police and Crime Commissioner"),
}

PUBLISH_NOT = "not"
PUBLISH_ON = "on"
PUBLISH_NOW = "now"


def not_in_the_future(value, what: str) -> None:
    if value and value > today():
        raise forms.ValidationError(f"The {what} cannot be in the future")


def decided_on_checked(decided_on, decision: Decision):
    """The date of a decision, as a form takes it: not in the future, and not before the
    decision was received."""
    not_in_the_future(decided_on, "date of the decision")
    received_on = decision.received_on
    if received_on and decided_on < received_on:
        raise forms.ValidationError(
            "The date of the decision cannot be before the date it was received, "
            f"{received_on:%-d %B %Y}"
        )
    return decided_on


def signed_copy_kind(upload) -> str | None:
    """What a scan is, from its first bytes: a PDF, a JPEG or a PNG picture; None otherwise."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


class RecordDecidedForm(GovukFormMixin, forms.Form):
    """What the office's signed record says besides the content the editor holds."""

    source = forms.CharField(
        label="What are you recording it from?",
        help_text=(
            "For example, the signed decision record in the office's 2019 decision file. "
            "It is kept in the record's history and the audit log."
        ),
        max_length=300,
        error_messages={"required": "Say what you are recording the decision from"},
    )
    decided_on = forms.DateField(
        label="Date of decision",
        help_text="As the signed record gives it. For example, 4 3 2019",
        error_messages={"required": "Enter the date of the decision"},
    )
    decision_maker_name = forms.CharField(
        label="Decision maker, as named on the record",
        help_text="Leave it empty if the record does not name them.",
        required=False,
        max_length=200,
    )
    signed_copy = forms.FileField(
        label="Signed copy (optional)",
        help_text=(
            "A scan of the signed record: a PDF, JPEG or PNG file, up to 20 MB. It is held by "
            "the office for staff and never published, not even its name."
        ),
        required=False,
    )
    publication = forms.ChoiceField(
        label="Publication",
        widget=forms.RadioSelect,
        choices=[
            (PUBLISH_NOT, "Do not publish it now (the date published is not recorded)"),
            (PUBLISH_ON, "It was published: give the date"),
            (PUBLISH_NOW, "Publish it now"),
        ],
        initial=PUBLISH_NOT,
        error_messages={"required": "Say whether the decision is published"},
    )
    published_on = forms.DateField(
        label="Date published",
        help_text="Only if it was published. For example, 11 3 2019",
        required=False,
    )

    def __init__(self, *args, decision: Decision, may_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if not self.is_bound:
            self.initial["decision_maker_name"] = decision.decision_maker_name
            self.initial["decided_on"] = decision.decided_on
        if not may_publish:
            publication = self.fields["publication"]
            publication.choices = [c for c in publication.choices if c[0] == PUBLISH_NOT]
            del self.fields["published_on"]

    def clean_decided_on(self):
        return decided_on_checked(self.cleaned_data["decided_on"], self.decision)

    def clean_published_on(self):
        published_on = self.cleaned_data.get("published_on")
        not_in_the_future(published_on, "date published")
        return published_on

    def clean_signed_copy(self):
        upload = self.cleaned_data.get("signed_copy")
        if not upload:
            return None
        if upload.size > MAX_SIGNED_COPY_BYTES:
            raise forms.ValidationError("The signed copy must be smaller than 20 MB")
        kind = signed_copy_kind(upload)
        if kind is None:
            raise forms.ValidationError("The signed copy must be a PDF, JPEG or PNG file")
        # Named for what it is, and short enough for any reference's folder.
        upload.name = f"{PurePath(upload.name).stem[:80] or 'signed-copy'}.{kind}"
        return upload

    def clean(self):
        cleaned = super().clean()
        publication = cleaned.get("publication")
        published_on = cleaned.get("published_on")
        if publication == PUBLISH_ON and not published_on and "published_on" not in self.errors:
            self.add_error("published_on", "Enter the date the decision was published")
        if publication != PUBLISH_ON and published_on:
            self.add_error(
                "published_on", "Give a date published only if it was published on that date"
            )
        decided_on = cleaned.get("decided_on")
        if decided_on and published_on and published_on < decided_on:
            self.add_error("published_on", "It cannot be published before it was decided")
        return cleaned


class RecordedSignatureForm(GovukFormMixin, forms.Form):
    """One signature on the paper record, at one step: left empty when the record has none."""

    step = forms.ChoiceField(
        choices=[(step, STEPS[step].label) for step in RECORDED_STEPS], widget=forms.HiddenInput
    )
    name = forms.CharField(label="Name", required=False, max_length=200)
    capacity = forms.CharField(label="Signed as", required=False, max_length=400)
    signed_on = forms.DateField(label="Date signed", required=False)
    method = forms.ChoiceField(
        label="How it was signed",
        widget=forms.RadioSelect,
        choices=[
            (SignatureMethod.WET, "In ink (a wet signature held by the office)"),
            (SignatureMethod.ELECTRONIC, "Electronically"),
        ],
        initial=SignatureMethod.WET,
        required=False,
    )

    @property
    def signer(self) -> str:
        step = self["step"].value()
        return SIGNERS[step][0] if step in SIGNERS else "A signer"

    def clean_signed_on(self):
        signed_on = self.cleaned_data.get("signed_on")
        not_in_the_future(signed_on, "date signed")
        return signed_on

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name") or "").strip() and not cleaned.get("signed_on"):
            return cleaned  # no signature here on the record
        if not (cleaned.get("name") or "").strip():
            self.add_error("name", f"{self.signer}: enter the name of who signed")
        if not (cleaned.get("capacity") or "").strip():
            self.add_error("capacity", f"{self.signer}: enter what they signed as")
        if not cleaned.get("signed_on") and "signed_on" not in self.errors:
            self.add_error("signed_on", f"{self.signer}: enter the date signed")
        if not cleaned.get("method"):
            self.add_error("method", f"{self.signer}: say how it was signed")
        return cleaned

    def recorded(self) -> RecordedSignature | None:
        data = self.cleaned_data
        if not (data.get("name") or "").strip():
            return None
        return RecordedSignature(
            step=data["step"],
            name=data["name"],
            capacity=data["capacity"],
            signed_on=data["signed_on"],
            method=data["method"],
        )


class BaseRecordedSignatureFormSet(forms.BaseFormSet):
    def __init__(self, *args, decision: Decision, **kwargs):
        self.decision = decision
        steps = [
            step
            for step in RECORDED_STEPS
            if step == WorkflowStep.APPROVE or STEPS[step].needed(decision)
        ]
        kwargs.setdefault(
            "initial", [{"step": step, "capacity": SIGNERS[step][1]} for step in steps]
        )
        super().__init__(*args, **kwargs)
        self.extra = 0

    def recorded(self) -> list[RecordedSignature]:
        return [each for form in self.forms if (each := form.recorded()) is not None]


RecordedSignatureFormSet = forms.formset_factory(
    RecordedSignatureForm,
    formset=BaseRecordedSignatureFormSet,
    extra=0,
    max_num=len(RECORDED_STEPS),
    absolute_max=len(RECORDED_STEPS),
    validate_max=True,
)


def check_signature_dates(form: RecordDecidedForm, signatures: BaseRecordedSignatureFormSet):
    """A signature cannot come before the decision it signs; the sign-offs before it may."""
    decided_on = form.cleaned_data.get("decided_on")
    if not decided_on:
        return
    for each in signatures.forms:
        signed = each.cleaned_data.get("signed_on")
        step = each.cleaned_data.get("step")
        if step == WorkflowStep.APPROVE and signed and signed < decided_on:
            each.add_error(
                "signed_on", "The decision maker cannot have signed before the date of decision"
            )


CORRECTION = "correction"
SUBSTANCE = "substance"


PUBLISHED_SUBSTANCE = (
    "A change of substance. The signatures that covered what changed are cancelled and the "
    "record leaves the public register until it is signed and published again, with the "
    "change listed as a correction."
)


class CorrectionForm(GovukFormMixin, forms.Form):
    """What kind of change a change to a decided record is, and why it is made."""

    kind = forms.ChoiceField(
        label="What kind of change is this?",
        widget=forms.RadioSelect,
        choices=[
            (
                CORRECTION,
                "A correction: the record differs from its signed original (for example, a "
                "typing error). The signatures stand, and the correction is listed publicly.",
            ),
            (
                SUBSTANCE,
                "A change of substance. The signatures that covered what changed are "
                "cancelled, and the record goes back through their steps.",
            ),
        ],
        error_messages={"required": "Say what kind of change this is"},
    )
    reason = forms.CharField(
        label="What changed, and why?",
        help_text="A correction's reason is published with it on the public record.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Say what changed and why"},
    )

    decided_on = forms.DateField(
        label="Date of decision",
        help_text="Empty if the record does not give it. For example, 4 3 2019",
        required=False,
    )
    field_order = ["decided_on", "kind", "reason"]

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.initial.setdefault("decided_on", decision.decided_on)
        if decision.status == Decision.Status.PUBLISHED:
            # A published record stays on the public register, the change listed there.
            kind = self.fields["kind"]
            kind.choices = [
                (value, PUBLISHED_SUBSTANCE if value == SUBSTANCE else label)
                for value, label in kind.choices
            ]
            self.fields[
                "reason"
            ].help_text = (
                "It is published with the date on the public record, whichever kind it is."
            )
        if not decision.recorded_from_signed_record:
            # Only a record taken on paper is corrected against its signed original.
            kind = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] == SUBSTANCE]
            kind.initial = SUBSTANCE

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on is None:
            return None
        not_in_the_future(decided_on, "date of the decision")
        received_on, signed_on = self.decision.received_on, self.decision.signed_on
        if received_on and decided_on < received_on:
            raise forms.ValidationError(
                "The date of the decision cannot be before the date it was received, "
                f"{received_on:%-d %B %Y}"
            )
        if signed_on and decided_on > signed_on:
            raise forms.ValidationError(
                f"The date of the decision cannot be after the date it was signed, "
                f"{signed_on:%-d %B %Y}"
            )
        return decided_on

    @property
    def date_changed(self) -> bool:
        return self.cleaned_data.get("decided_on") != self.decision.decided_on
