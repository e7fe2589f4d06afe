"""Load the demo office: the facts of the two seed documents, as records.

The facts are data, in decisions/demo/ (the prose is the project's own summary of the seeds):

- contracts.csv: the 2018 contracts in the Transparency Code's columns, brought in by
  `manage.py import_contracts`, as an office would bring in its register;
- office.json: the forms, categories, partner bodies, programmes with their phases and lots,
  the lot of each contract, the extensions and the joint arrangements;
- decisions.json: the decisions, each with its sections and the steps of its sign-off.

The decisions are not imported: `import_decisions` brings in records decided outside the
register, while the demo's decisions are drafted in it and taken through its own sign-off,
step by step, at the times decisions.json gives (decisions.workflow.recording_past_steps).
This command does in Python only what no importer does: the users and their roles, the
forms and the procurement structure, the joint arrangements, and that replay.

Running it again changes nothing: each record is looked up by its natural key and only
created when missing. Every write is made as the demo administrator, or as the demo user who
drafted or signed, so the history says who.
"""

import csv
import datetime
import io
import json
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from commissioning.roles import Role
from contracts import models as register
from decisions.models import (
    Decision,
    DecisionCategory,
    DecisionLink,
    DecisionTemplate,
    FieldValue,
    Office,
    PlannedDecision,
    TemplateSection,
)
from decisions.workflow import recording_past_steps

DATA = Path(__file__).resolve().parents[2] / "demo"

DEMO_USERS = [
    # username, first name, last name, role, staff, superuser (the password of each is "demo")
    ("officer", "Sara", "Ansell", Role.OFFICER, False, False),
    ("treasurer", "Demo", "Treasurer", Role.TREASURER, False, False),
    ("monitoring", "Demo", "Monitoring Officer", Role.MONITORING_OFFICER, False, False),
    ("chief", "Demo", "Chief Officer", Role.CHIEF_OFFICER, False, False),
    ("pcc", "Philip", "Seccombe", Role.COMMISSIONER, False, False),
    # The commissioner of the demo's second office (its decision notice is on its own form).
    ("leicspcc", "Demo", "Commissioner for Leicestershire", Role.COMMISSIONER, False, False),
    ("admin", "Demo", "Administrator", None, True, True),
]

# The keys of a decision in decisions.json that are not fields of the Decision itself.
DECISION_PARTS = {
    "form",
    "category",
    "author",
    "sections",
    "contracts",
    "programmes",
    "sign_off",
    "filed_by_administrator",
    "links",
    "values",
}


def read(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def plain(data: dict, *leave_out: str) -> dict:
    """The fields of a record in the data files: its values, without its nested lists."""
    return {
        key: value
        for key, value in data.items()
        if key not in leave_out and not isinstance(value, list | dict)
    }


class Command(BaseCommand):
    help = "Load the demo office's users, forms, decisions, contracts and partners (idempotent)."

    def handle(self, *args, **options) -> None:
        office, decisions = read("office.json"), read("decisions.json")["decisions"]
        with transaction.atomic():
            self.created = 0
            self.people = self.users()
            self.admin = self.people["admin"]
            for data in office["offices"]:
                self.ensure(Office, plain(data, "name"), name=data["name"])
            for name in office["categories"]:
                self.ensure(DecisionCategory, name=name)
            for form in office["forms"]:
                self.form(form)
            for body in office["partner_bodies"]:
                self.ensure(register.PartnerBody, plain(body, "name"), name=body["name"])
            for programme in office["programmes"]:
                self.programme(programme)
            self.contracts(office["contract_lots"])
            for record in decisions:
                self.decision(record)
            for extension in office["extensions"]:
                self.extension(**extension)
            for arrangement in office["arrangements"]:
                self.arrangement(arrangement)
            for record in decisions:
                self.file(record)
            for planned in read("forward_plan.json")["planned_decisions"]:
                self.planned(planned)
        self.stdout.write(f"Demo data loaded: {self.created} records created.")

    # -- helpers ---------------------------------------------------------------------------

    def planned(self, data: dict) -> None:
        """A decision on the forward plan, expected `expected_in_days` from today."""
        if PlannedDecision.objects.filter(title=data["title"]).exists():
            return
        plan = PlannedDecision(
            **plain(data, "expected_in_days", "category"),
            expected_on=timezone.localdate() + datetime.timedelta(days=data["expected_in_days"]),
            category=DecisionCategory.objects.get(name=data["category"]),
            added_by=self.people["officer"],
        )
        plan._history_user = self.people["officer"]
        plan.full_clean()
        plan.save()
        self.created += 1

    def ensure(self, model: type[models.Model], defaults: dict | None = None, **lookup):
        """The row with these natural keys, created (validated, with history) if missing.

        Dates may be given as ISO text: validation turns them into dates."""
        instance = model.objects.filter(**lookup).first()
        if instance is not None:
            return instance
        instance = model(**lookup, **(defaults or {}))
        instance._history_user = self.admin
        instance.full_clean()
        instance.save()
        self.created += 1
        return instance

    def add(self, instance: models.Model, relation: str, rows: models.QuerySet, by) -> None:
        """Link `rows` to `instance` through a many-to-many `relation` that has none yet."""
        manager = getattr(instance, relation)
        if rows and not manager.exists():
            instance._history_user = by
            manager.add(*rows)

    def users(self) -> dict:
        User = get_user_model()
        for username, first, last, role, staff, superuser in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@opcc.example",
                is_staff=staff,
                is_superuser=superuser,
            )
            user.set_password("demo")
            user.save()
            if role is not None:
                user.groups.add(Group.objects.get(name=role.value))
            self.created += 1
        usernames = [username for username, *_rest in DEMO_USERS]
        return {user.username: user for user in User.objects.filter(username__in=usernames)}

    # -- forms and the procurement structure -----------------------------------------------

    def form(self, data: dict) -> None:
        fields = plain(data, "name", "office")
        fields["office"] = Office.objects.get(name=data["office"])
        template = self.ensure(DecisionTemplate, fields, name=data["name"])
        for position, section in enumerate(data["sections"], 1):
            self.ensure(TemplateSection, section, template=template, position=position)
        if template.elements.exists():
            return
        if "layout" not in data:
            template.lay_out_default(by=self.admin)
        for element in data.get("layout", []):
            template.add_element(by=self.admin, **element)
        self.created += 1

    def programme(self, data: dict) -> None:
        programme = self.ensure(register.Programme, plain(data, "title"), title=data["title"])
        for phase_data in data["phases"]:
            phase = self.ensure(
                register.ProcurementPhase,
                plain(phase_data, "name"),
                programme=programme,
                name=phase_data["name"],
            )
            for lot in phase_data["lots"]:
                self.ensure(register.Lot, plain(lot, "number"), phase=phase, number=lot["number"])

    # -- contracts, through the importer ---------------------------------------------------

    def contracts(self, lots: list[dict]) -> None:
        """Import the contracts of contracts.csv (keyed by its first column, the reference) not
        yet in the register, then give each its lot: the Transparency Code has no column for a
        lot, so the importer has none."""
        header, *rows = csv.reader(io.StringIO((DATA / "contracts.csv").read_text("utf-8")))
        known = set(register.Contract.objects.values_list("reference", flat=True))
        rows = [row for row in rows if row[0] not in known]
        if rows:
            written = (
                register.Provider,
                register.PartnerBody,
                register.Contract,
                register.Commissioner,
            )
            before = sum(model.objects.count() for model in written)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "contracts.csv"
                with path.open("w", newline="", encoding="utf-8") as file:
                    csv.writer(file).writerows([header, *rows])
                call_command(
                    "import_contracts",
                    str(path),
                    user=self.admin.username,
                    stdout=io.StringIO(),
                    stderr=self.stderr,
                )
            self.created += sum(model.objects.count() for model in written) - before
        for entry in lots:
            contract = register.Contract.objects.get(reference=entry["contract"])
            if contract.lot_id is None:
                contract.lot = register.Lot.objects.get(
                    phase__programme__title=entry["programme"],
                    phase__name=entry["phase"],
                    number=entry["lot"],
                )
                contract._history_user = self.admin
                contract.full_clean()
                contract.save()

    def extension(
        self, *, contract, new_end, reason, basis, decision, takes_effect_on=None
    ) -> None:
        contract = register.Contract.objects.get(reference=contract)
        if contract.extensions.exists():
            return
        contract.extend(
            new_end=datetime.date.fromisoformat(new_end),
            reason=reason,
            basis=basis,
            takes_effect_on=(
                datetime.date.fromisoformat(takes_effect_on) if takes_effect_on else None
            ),
            by=self.admin,
            authorising_decision=Decision.objects.get(reference=decision),
        )
        self.created += 1

    # -- decisions, drafted and signed off through the workflow ----------------------------

    def decision(self, record: dict) -> None:
        if Decision.objects.filter(reference=record["reference"]).exists():
            return
        author = self.people[record["author"]]
        decision = Decision.start(
            template=DecisionTemplate.objects.get(name=record["form"]),
            by=author,
            category=DecisionCategory.objects.get(name=record["category"]),
            **plain(record, *DECISION_PARTS),
        )
        self.created += 1
        given = {section["heading"]: section for section in record["sections"]}
        unknown = set(given) - {section.heading for section in decision.sections.all()}
        if unknown:
            raise CommandError(f"{record['reference']}: its form has no section {unknown}.")
        for section in decision.sections.all():
            data = given.get(section.heading, {})
            section.text = data.get("text", "")
            if data.get("withheld"):
                section.is_withheld = True
                section.exemption = data["exemption"]
                section.public_interest_statement = data["public_interest"]
            section._history_user = author
            section.full_clean()
            section.save()
        for name, value in record.get("values", {}).items():
            self.ensure(FieldValue, {"value": value}, decision=decision, name=name)
        contracts = register.Contract.objects.filter(reference__in=record.get("contracts", []))
        self.add(decision, "contracts", contracts, author)
        programmes = register.Programme.objects.filter(title__in=record.get("programmes", []))
        self.add(decision, "programmes", programmes, author)
        decision.refresh_confidentiality(by=author)
        for step in record["sign_off"]:
            self.take(decision, **step)

    def take(self, decision: Decision, *, at: str, step: str, by: str, **arguments) -> None:
        """One step of the sign-off (a WorkflowStep: submit, sign_off, comment, approve,
        publish, return_to_draft...), taken by its method on the Decision, as the demo user
        `by`, recorded at the time `at` without sending e-mail."""
        if "on" in arguments:
            arguments["on"] = datetime.date.fromisoformat(arguments["on"])
        with recording_past_steps(datetime.datetime.fromisoformat(at)):
            getattr(decision, step)(by=self.people[by], **arguments)

    def file(self, record: dict) -> None:
        """What the administrator filed the decision under afterwards, and its links."""
        decision = Decision.objects.get(reference=record["reference"])
        filed = record.get("filed_by_administrator", {})
        programmes = register.Programme.objects.filter(title__in=filed.get("programmes", []))
        self.add(decision, "programmes", programmes, self.admin)
        arrangements = register.JointArrangement.objects.filter(
            title__in=filed.get("arrangements", [])
        )
        self.add(decision, "arrangements", arrangements, self.admin)
        for link in record.get("links", []):
            other = Decision.objects.get(reference=link["reference"])
            self.ensure(DecisionLink, from_decision=decision, to_decision=other, kind=link["kind"])

    # -- joint arrangements ----------------------------------------------------------------

    def arrangement(self, data: dict) -> None:
        arrangement = self.ensure(
            register.JointArrangement, plain(data, "title"), title=data["title"]
        )
        bodies = {body.name: body for body in register.PartnerBody.objects.all()}
        for partner_data in data.get("partners", []):
            partner = self.ensure(
                register.ArrangementPartner,
                {"role": partner_data["role"]},
                arrangement=arrangement,
                body=bodies[partner_data["body"]],
            )
            for position in partner_data["positions"]:
                self.ensure(
                    register.PartnerPosition,
                    plain(position, "as_of", "position"),
                    partner=partner,
                    as_of=position["as_of"],
                    position=position["position"],
                )
        contracts = register.Contract.objects.filter(reference__in=data.get("contracts", []))
        self.add(arrangement, "contracts", contracts, self.admin)
        for risk in data.get("risks", []):
            self.ensure(
                register.ArrangementRisk,
                plain(risk, "description"),
                arrangement=arrangement,
                description=risk["description"],
            )
        for ask in data.get("asks", []):
            self.ensure(
                register.PartnerAsk,
                plain(ask, "of_body", "request"),
                arrangement=arrangement,
                of_body=bodies[ask["of_body"]],
                request=ask["request"],
            )
