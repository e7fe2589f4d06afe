"""Every way of writing a record names who wrote it in the record's history.

Each path is walked as its user would: the admin, the workspace's forms, the sign-off steps
and their pages, the import pages and commands, and the demo loader. For each, every history
row the action wrote (in any model, not only the one the page is about) must name the acting
user. A command run without a user names nobody, as its output says.
"""

import datetime
import io
import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import get_resolver, reverse
from simple_history.models import HistoricalChanges

import tests.factories as factories
from contracts.models import Contract, Extension, PartnerBody, Provider
from decisions.models import (
    Appendix,
    Decision,
    DecisionSection,
    DecisionStatus,
    DecisionTemplate,
    Delegation,
    ElementKind,
    Exemption,
    FormElement,
    PlannedDecision,
    Signature,
    StatutoryComment,
)
from decisions.workflow import today
from tests.conftest import give_permission
from tests.importing.conftest import EXAMPLES
from tests.workflow import conftest as workflow
from tests.workspace import conftest as workspace
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

D = datetime.date
Status = DecisionStatus
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# Fixtures of the workspace's and the workflow's tests, used here as they are there.
role_groups = workspace.role_groups
records = workspace.records
form = workflow.form
make_draft = workflow.make_draft
advance = workflow.advance


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- what an action wrote -------------------------------------------------------------------------


def history_models() -> list[type]:
    return [
        model
        for app_label in ("contracts", "decisions")
        for model in apps.get_app_config(app_label).get_models()
        # The history of a many-to-many field hangs off its record's history row, which names
        # the user; it has no user of its own.
        if issubclass(model, HistoricalChanges)
        and any(field.name == "history_user" for field in model._meta.fields)
    ]


@contextmanager
def history_written():
    """Collects the history rows written inside the block, across every audited model."""
    marks = {
        model: model.objects.aggregate(last=Max("history_id"))["last"] or 0
        for model in history_models()
    }
    written: list = []
    yield written
    for model, mark in marks.items():
        written.extend(model.objects.filter(history_id__gt=mark).order_by("history_id"))


def assert_recorded_by(written: list, user, *expected_models: type) -> None:
    """Something was written, each history row names `user`, and the models expected are
    among those written."""
    assert written, "nothing was written"
    user_id = user.pk if user is not None else None
    wrong = [
        (row.instance_type.__name__, row.history_type, row.history_user_id)
        for row in written
        if row.history_user_id != user_id
    ]
    assert wrong == [], f"history rows not naming user {user_id}"
    assert set(expected_models) <= {row.instance_type for row in written}


# -- the admin ------------------------------------------------------------------------------------


def admin_models() -> list[type]:
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in ("contracts", "decisions")
    ]


def test_every_change_in_the_admin_names_the_administrator(
    administrator, client_for, admin_form_data
):
    client = client_for(administrator)
    walked = []
    for model in admin_models():
        instance = getattr(factories, f"{model.__name__}Factory")()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk]
        )
        page = client.get(url)
        if not page.context["has_change_permission"]:
            continue  # read-only in the admin (signatures, the workflow's trail)
        # A browser sends no file back unless one is chosen; the stored one is kept.
        data = {
            key: value
            for key, value in admin_form_data(page).items()
            if not isinstance(value, FieldFile)
        }
        with history_written() as written:
            response = client.post(url, data)
        assert response.status_code == 302, (model.__name__, response.context["errors"])
        assert_recorded_by(written, administrator, model)
        assert instance.history.first().history_user == administrator
        walked.append(model.__name__)

    assert {"Contract", "Decision", "Provider", "DecisionTemplate", "Extension"} <= set(walked)


def test_adding_in_the_admin_names_the_administrator(administrator, client_for):
    client = client_for(administrator)

    with history_written() as written:
        response = client.post(
            reverse("admin:contracts_provider_add"),
            {"name": "Compass", "is_sme": "on", "is_vcse": "on"},
        )

    assert response.status_code == 302, response.context["errors"]
    assert_recorded_by(written, administrator, Provider)
    assert Provider.objects.get(name="Compass").history.first().history_type == "+"


# -- the workspace's forms ----------------------------------------------------------------------


def planned() -> PlannedDecision:
    """A planned decision made without a history row of its own (bulk_create writes none), so
    that only the form's save is in the history the test reads."""
    (plan,) = PlannedDecision.objects.bulk_create(
        [
            PlannedDecision(
                title="Community safety grants",
                description="Grants from the crime reduction budget.",
                expected_on=D(2027, 3, 1),
            )
        ]
    )
    return plan


def post_form(client, url, **values):
    """What the page's form submits as it stands, with `values` changed (tests/workspace)."""
    data = form_fields(client.get(url))
    data.update(values)
    return client.post(url, data)


def dates(prefix: str, day: D) -> dict:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def contract_create(client, records):
    return post_form(
        client,
        reverse("workspace:contract-create"),
        reference="WOPCC-DA-YOUTH-2018",
        title="Young people's drugs and alcohol service",
        provider=records.provider.pk,
        total_value="450000",
        extension_options_remaining="0",
        status="active",
        **dates("starts_on", D(2018, 4, 1)),
        **dates("ends_on", D(2023, 3, 31)),
        **{
            "commissioners-0-body": "",
            "commissioners-0-role": "lead",
            "commissioners-0-share": "70",
            "commissioners-1-body": records.partner.pk,
            "commissioners-1-role": "co",
            "commissioners-1-share": "30",
        },
    )


def decision_create(client, records):
    template = records.draft.template
    return client.post(
        reverse("workspace:decision-create-details", args=[template.pk]),
        {
            "reference": "WPCC3-0099",
            "title": "Extension of the substance misuse contracts",
            "decision_maker": "pcc",
            "confirm": "1",
        },
    )


def decision_edit(client, records):
    url = reverse("workspace:decision-edit", args=[records.draft.reference])
    return post_form(client, url, **{"sections-0-text": "The Commissioner extends both contracts."})


def appendix_upload(client, records):
    return client.post(
        reverse("workspace:decision-appendix-create", args=[records.draft.reference]),
        {
            "title": "Evaluation summary",
            "file": SimpleUploadedFile("report.pdf", PDF),
            "is_withheld": "on",
            "exemption": Exemption.S43_2,
            "public_interest_statement": "The prices would prejudice the coming procurement.",
        },
    )


def laid_out_form(user) -> DecisionTemplate:
    """An office's form with the register's first layout, its elements to change."""
    form = factories.DecisionTemplateFactory(name="Decision notice", sections=["Background"])
    form.lay_out_default(by=user)
    return form


def element_edit(client, records):
    summary = records.form.elements.get(kind=ElementKind.SUMMARY)
    url = reverse("workspace:form-element-edit", args=[records.form.pk, summary.pk])
    return post_form(client, url, label="Executive summary")


# Each workspace form: what it posts, and the model it must have written.
WORKSPACE_FORMS = {
    "provider-create": (
        lambda c, r: post_form(c, reverse("workspace:provider-create"), name="Compass"),
        Provider,
    ),
    "provider-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:provider-edit", args=[r.provider.pk]), is_sme="on"
        ),
        Provider,
    ),
    "partner-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:partner-create"),
            name="Rutland County Council",
            kind="unitary_council",
        ),
        PartnerBody,
    ),
    "partner-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:partner-edit", args=[r.partner.pk]), kind="unitary_council"
        ),
        PartnerBody,
    ),
    "programme-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:programme-create"),
            title="Estates review",
            **dates("needs_assessment_on", D(2022, 2, 28)),
        ),
        apps.get_model("contracts", "Programme"),
    ),
    "programme-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:programme-edit", args=[r.programme.pk]), title="Renamed"
        ),
        apps.get_model("contracts", "Programme"),
    ),
    "phase-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:phase-create", args=[r.programme.pk]),
            name="Phase 2",
            **dates("starts_on", D(2023, 1, 1)),
            **dates("ends_on", D(2023, 12, 31)),
            **dates("service_starts_on", D(2024, 4, 1)),
        ),
        apps.get_model("contracts", "ProcurementPhase"),
    ),
    "phase-edit": (
        lambda c, r: post_form(c, reverse("workspace:phase-edit", args=[r.phase.pk]), name="1a"),
        apps.get_model("contracts", "ProcurementPhase"),
    ),
    "lot-create": (
        lambda c, r: post_form(
            c, reverse("workspace:lot-create", args=[r.phase.pk]), number="5", title="Advocacy"
        ),
        apps.get_model("contracts", "Lot"),
    ),
    "lot-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:lot-edit", args=[r.lot.pk]), service_area="Victims"
        ),
        apps.get_model("contracts", "Lot"),
    ),
    "contract-create": (contract_create, Contract),
    "contract-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:contract-edit", args=[r.contract.pk]), title="Adult service"
        ),
        Contract,
    ),
    "contract-extend": (
        lambda c, r: post_form(
            c,
            reverse("workspace:contract-extend", args=[r.contract.pk]),
            kind="extension",
            reason="Six months more to align with the county council.",
            basis="exemption",
            **dates("new_end", D(2024, 9, 30)),
        ),
        Extension,
    ),
    "contract-notice-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:contract-notice-create", args=[r.contract.pk]),
            kind="find_a_tender",
            identifier="2022/S 000-031247",
        ),
        apps.get_model("contracts", "Notice"),
    ),
    "phase-notice-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:phase-notice-create", args=[r.phase.pk]),
            kind="contracts_finder",
            identifier="a1b2c3d4-0000-4000-8000-000000000001",
        ),
        apps.get_model("contracts", "Notice"),
    ),
    "notice-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:notice-edit", args=[r.notice.pk]), identifier="2022/S 000-1"
        ),
        apps.get_model("contracts", "Notice"),
    ),
    "arrangement-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:arrangement-create"),
            title="LLR substance misuse recommissioning",
            subject="Substance misuse treatment services",
            contracts=[r.contract.pk],
        ),
        apps.get_model("contracts", "JointArrangement"),
    ),
    "arrangement-edit": (
        lambda c, r: post_form(
            c, reverse("workspace:arrangement-edit", args=[r.arrangement.pk]), title="Renamed"
        ),
        apps.get_model("contracts", "JointArrangement"),
    ),
    "arrangement-partner-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:arrangement-partner-create", args=[r.arrangement.pk]),
            body=r.spare_body.pk,
            role="funder",
        ),
        apps.get_model("contracts", "ArrangementPartner"),
    ),
    "position-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:position-create", args=[r.arrangement_partner.pk]),
            position="separate",
            note="Decided at directorate level.",
            **dates("as_of", D(2022, 9, 1)),
        ),
        apps.get_model("contracts", "PartnerPosition"),
    ),
    "risk-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:risk-create", args=[r.arrangement.pk]),
            description="Separate providers in the city and the county.",
            likelihood="high",
            impact="high",
        ),
        apps.get_model("contracts", "ArrangementRisk"),
    ),
    "risk-edit": (
        lambda c, r: post_form(c, reverse("workspace:risk-edit", args=[r.risk.pk]), impact="low"),
        apps.get_model("contracts", "ArrangementRisk"),
    ),
    "ask-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:ask-create", args=[r.arrangement.pk]),
            of_body=r.partner.pk,
            request="Reconsider and extend the existing contracts.",
            status="open",
            **dates("asked_on", D(2021, 6, 1)),
        ),
        apps.get_model("contracts", "PartnerAsk"),
    ),
    "ask-edit": (
        lambda c, r: post_form(c, reverse("workspace:ask-edit", args=[r.ask.pk]), status="open"),
        apps.get_model("contracts", "PartnerAsk"),
    ),
    "plan-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:plan-create"),
            title="Community safety grants",
            description="Grants from the crime reduction budget.",
            decision_maker="pcc",
            **dates("expected_on", D(2027, 3, 1)),
        ),
        PlannedDecision,
    ),
    "plan-edit": (
        lambda c, r: post_form(
            c,
            reverse("workspace:plan-edit", args=[planned().pk]),
            title="Community safety grants for 2027/28",
        ),
        PlannedDecision,
    ),
    "decision-create-details": (decision_create, Decision),
    "decision-edit": (decision_edit, DecisionSection),
    "decision-appendix-create": (appendix_upload, Appendix),
    "delegation-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:delegation-create"),
            delegate_name="Elizabeth Hall",
            instrument="Scheme of consent and delegation, paragraph 4.2",
            scope="Grants up to the value limit.",
            **dates("starts_on", D(2019, 5, 13)),
        ),
        Delegation,
    ),
    "form-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:form-create"),
            name="Decision notice for the mayor",
            new_office_name="Office of the Mayor for Policing",
            new_office_address="1 High Street\nAnytown",
            reference_format="DN-{number:03}/{yy}",
            numbering="none",
            section_headings="Background\nRecommendation",
        ),
        DecisionTemplate,
    ),
    "form-element-create": (
        lambda c, r: post_form(
            c,
            reverse("workspace:form-element-create", args=[r.form.pk]),
            kind=ElementKind.FIELD,
            label="Priority in the police and crime plan",
            name="plan_priority",
            field_type="text",
        ),
        FormElement,
    ),
    "form-element-edit": (element_edit, FormElement),
}

# What an administrator gives an officer before these pages may be used; administrators
# hold every permission already.
PERMISSIONS_NEEDED = {
    "delegation-create": ["decisions.add_delegation"],
    "form-create": ["decisions.change_decisiontemplate", "decisions.add_decisiontemplate"],
    "form-element-create": ["decisions.change_decisiontemplate"],
    "form-element-edit": ["decisions.change_decisiontemplate"],
}


@pytest.mark.parametrize("persona", ["officer", "administrator"])
@pytest.mark.parametrize("name", sorted(WORKSPACE_FORMS))
def test_each_workspace_form_names_who_saved_it(name, persona, request, records, client_for):
    user = request.getfixturevalue(persona)
    for permission in PERMISSIONS_NEEDED.get(name, []):
        user = give_permission(user, permission)
    post, model = WORKSPACE_FORMS[name]
    records.spare_body = factories.PartnerBodyFactory(name="Coventry City Council")
    records.form = laid_out_form(user)

    with history_written() as written:
        response = post(client_for(user), records)

    assert response.status_code == 302, response.context.get("error_summary")
    assert_recorded_by(written, user, model)


def workspace_writes() -> set[str]:
    """The workspace's pages that create or change a record, by their URL names."""
    _prefix, workspace_urls = get_resolver().namespace_dict["workspace"]
    return {
        name
        for name in workspace_urls.reverse_dict.keys()
        if isinstance(name, str) and re.search(r"-(create|edit|extend)(-details)?$", name)
    }


def test_every_workspace_form_is_walked():
    """A new form page fails this until it is added to WORKSPACE_FORMS above."""
    # Choosing the form of a new decision writes nothing: its details page opens the draft.
    assert workspace_writes() - {"decision-create"} == set(WORKSPACE_FORMS)


def test_editing_signed_content_names_the_editor_on_every_record_it_changes(
    make_draft, advance, client_for, officer
):
    decision = advance(make_draft(), Status.SIGNED_OFF)
    url = reverse("workspace:decision-edit", args=[decision.reference])
    data = form_fields(client_for(officer).get(url))
    data["sections-0-text"] = "Rewritten after the Treasurer signed."

    with history_written() as written:
        response = client_for(officer).post(url, data)

    assert response.status_code == 302, response.context.get("error_summary")
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT  # back to draft, the signature voided
    assert_recorded_by(written, officer, DecisionSection, Decision, Signature)


# -- the sign-off workflow's pages ------------------------------------------------------------


def take(client, decision, step: str, **data):
    fields = workflow.confirmed(decision, **data)
    # What the step's page shows and binds (the approval binds the decision maker and date).
    fields["content_sha256"] = decision.confirmation_fingerprint(step.replace("-", "_"))
    return client.post(reverse(f"workspace:workflow-{step}", args=[decision.reference]), fields)


def decided_today() -> dict:
    """The approval page's date of decision, as it offers it: today."""
    on = today()
    return {
        "decided_on_day": str(on.day),
        "decided_on_month": str(on.month),
        "decided_on_year": str(on.year),
    }


def test_each_workflow_page_names_who_took_the_step(
    make_draft,
    advance,
    client_for,
    officer,
    treasurer,
    monitoring_officer,
    chief_officer,
    pcc,
):
    decision = make_draft(is_force_business=True)
    later = advance(make_draft(), Status.APPROVED)
    steps = [
        (officer, "submit", {}, [Decision]),
        (treasurer, "return-to-draft", {"comments": "Say where the money comes from."}, []),
        (officer, "submit", {}, []),
        (treasurer, "sign-off", {"comments": "Affordable."}, [StatutoryComment, Signature]),
        (monitoring_officer, "comment", {"comments": "Advice taken."}, [StatutoryComment]),
        (chief_officer, "approve-force-business", {}, [Signature]),
        (pcc, "approve", decided_today(), [Signature]),
        (officer, "publish", {}, []),
        (officer, "withdraw", {"comments": "Published in error."}, []),
        (officer, "publish", {}, []),
        (officer, "supersede", {"later_reference": later.reference}, []),
    ]
    for user, step, data, models in steps:
        client = client_for(user)
        with history_written() as written:
            if step == "publish":
                url = reverse("workspace:decision-publish", args=[decision.reference])
                response = client.post(url)
            else:
                response = take(client, decision, step, **data)
        assert response.status_code == 302, step
        assert_recorded_by(written, user, Decision, *models)
        decision.refresh_from_db()
        assert decision.history.first().history_user == user, step
    assert decision.status == Status.SUPERSEDED


def test_declining_names_the_commissioner(make_draft, advance, client_for, pcc):
    decision = advance(make_draft(), Status.COMMENTED)

    with history_written() as written:
        take(client_for(pcc), decision, "decline", comments="The costs need more work.")

    decision.refresh_from_db()
    assert decision.status == Status.NOT_APPROVED
    assert_recorded_by(written, pcc, Decision, Signature)


def test_releasing_a_withheld_section_names_who_released_it(
    make_draft, advance, client_for, officer
):
    decision = make_draft()
    section = decision.sections.get(heading__startswith="Costs")
    section.is_withheld = True
    section.exemption = Exemption.S43_2
    section.public_interest_statement = "Prices would weaken the coming tender."
    section.save()
    decision.refresh_confidentiality()
    advance(decision, Status.PUBLISHED)
    url = reverse("workspace:decision-release-section", args=[decision.reference, section.pk])

    with history_written() as written:
        response = client_for(officer).post(url)

    assert response.status_code == 302
    assert_recorded_by(written, officer, DecisionSection, Decision)


# -- importing ------------------------------------------------------------------------------------


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize(
    ("url", "example", "model"),
    [
        ("/workspace/import/decisions/", "decisions.json", Decision),
        ("/workspace/import/contracts/", "contracts.csv", Contract),
    ],
)
def test_importing_from_the_page_names_the_officer(client_for, officer, url, example, model):
    # Decisions already taken are recorded by an officer given that permission.
    officer = give_permission(officer, "decisions.record_decided")
    client = client_for(officer)
    checked = client.post(
        url,
        {
            "action": "check",
            "file": SimpleUploadedFile(example, (EXAMPLES / example).read_bytes()),
        },
    )

    with history_written() as written:
        client.post(url, {"action": "import", "token": token_in(checked)})

    assert_recorded_by(written, officer, model)


@pytest.mark.parametrize(
    ("command", "example", "model"),
    [
        ("import_decisions", "decisions.csv", Decision),
        ("import_decisions", "decisions.json", Decision),
        ("import_contracts", "contracts.csv", Contract),
    ],
)
def test_import_commands_name_the_user_given(officer, command, example, model):
    with history_written() as written:
        call_command(command, str(EXAMPLES / example), "--user", "officer", stdout=io.StringIO())

    assert_recorded_by(written, officer, model)


@pytest.mark.parametrize(
    ("command", "example", "model"),
    [
        ("import_decisions", "decisions.csv", Decision),
        ("import_contracts", "contracts.csv", Contract),
    ],
)
def test_import_commands_without_a_user_say_so_and_name_nobody(command, example, model):
    out = io.StringIO()

    with history_written() as written:
        call_command(command, str(EXAMPLES / example), stdout=out)

    assert "No --user given: the history will not say who imported." in out.getvalue()
    assert_recorded_by(written, None, model)


# -- the demo loader ------------------------------------------------------------------------------


def test_the_demo_loader_names_a_demo_user_on_everything_it_writes():
    with history_written() as written:
        call_command("load_demo", stdout=io.StringIO())

    users = {user.pk: user.username for user in get_user_model().objects.all()}
    by_whom = {}
    for row in written:
        by_whom.setdefault(row.instance_type.__name__, set()).add(users.get(row.history_user_id))
    assert [model for model, names in by_whom.items() if None in names] == []
    # The register's own records are written as the demo administrator; sign-offs and the
    # workflow's changes as the demo user who took each step.
    assert by_whom["Contract"] == {"admin"}
    assert by_whom["DecisionTemplate"] == {"admin"}
    assert {"treasurer", "monitoring", "pcc"} <= by_whom["Signature"]
    assert DecisionTemplate.objects.exists()
