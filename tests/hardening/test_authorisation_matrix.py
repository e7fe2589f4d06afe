"""Who may open which page: every URL the site answers, for every role.

The table CLASSIFIED names each URL (by its name, with its namespace) and gives the answer to a
GET for each role. The test walks the resolver, so a new URL fails it until it is classified
here. The data is the demo office (`load_demo`): a published decision (WPCC3-0058), one
waiting for the Treasurer (WPCC3-0059), one signed off and commented on and waiting for the
Commissioner (WPCC3-0060), a draft returned to its author (WPCC3-0061), and the demo's
contracts, providers, partners, programmes, phases, lots and arrangements.

Answers: 200 the page; "login" a redirect to the sign-in page; "admin-login" a redirect to the
admin's sign-in; "back" a redirect to the decision's workspace page with a message; 403
refused; 404 not there for this user; 405 a method not allowed; 302 some other redirect.
"""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from contracts import models as contracts
from decisions.models import (
    Appendix,
    Decision,
    DecisionSection,
    Delegation,
    Exemption,
    FormElement,
    PlannedDecision,
    SignedCopy,
    Subscription,
)

ROLES = ["anonymous", "officer", "treasurer", "monitoring", "chief", "pcc", "admin"]
STAFF = ROLES[1:]

PUBLISHED = "WPCC3-0058"
SUBMITTED = "WPCC3-0059"  # waiting for the Treasurer's sign-off
COMMENTED = "WPCC3-0060"  # signed off and commented on: waiting for the Commissioner
DRAFT = "WPCC3-0061"  # returned to draft by the Treasurer


def answers(**by_role) -> dict[str, object]:
    """Every role's answer, from keyword arguments; `others` covers the rest."""
    others = by_role.pop("others", None)
    table = {role: by_role.get(role, others) for role in ROLES}
    missing = [role for role, answer in table.items() if answer is None]
    assert not missing, f"no answer given for {missing}"
    return table


PUBLIC = answers(others=200)
STAFF_READ = answers(anonymous="login", others=200)
OFFICER_ONLY = answers(anonymous="login", officer=200, admin=200, others=403)
SIGNED_IN = answers(anonymous="login", others=200)
# Administrators, and officers given the permission to record decisions already taken (the
# demo's officer is not).
RECORDERS = answers(anonymous="login", admin=200, others=403)
# Administrators, and people given the permissions to add and change delegations.
DELEGATION_KEEPERS = answers(anonymous="login", admin=200, others=403)
# Administrators, and those given the permission to change decision forms.
FORM_SETTERS = answers(anonymous="login", admin=200, others=403)


@dataclass(frozen=True)
class Page:
    """A URL name's arguments (built from the demo data) and the answer for each role."""

    expected: dict[str, object]
    kwargs: object = None  # a function of the Data, giving the URL's keyword arguments


def ref(reference):
    return lambda data: {"reference": reference}


def pk(attribute):
    return lambda data: {"pk": getattr(data, attribute).pk}


CLASSIFIED: dict[str, Page] = {
    # -- The public site --------------------------------------------------------------------
    "decisions:home": Page(PUBLIC),
    "decisions:register": Page(PUBLIC),
    "decisions:feed": Page(PUBLIC),
    "decisions:sitemap": Page(PUBLIC),
    "decisions:json": Page(PUBLIC),
    "decisions:detail": Page(PUBLIC, ref(PUBLISHED)),
    "decisions:pdf": Page(PUBLIC, ref(PUBLISHED)),
    "decisions:record-json": Page(PUBLIC, ref(PUBLISHED)),
    # A withheld appendix is never public, not even to staff on the public site.
    "decisions:appendix": Page(
        answers(others=404),
        lambda data: {"reference": PUBLISHED, "pk": data.withheld_appendix.pk},
    ),
    "decisions:forward-plan": Page(PUBLIC),
    "decisions:alerts": Page(PUBLIC),
    "decisions:alerts-confirm": Page(PUBLIC, lambda data: {"token": data.subscription.token}),
    "decisions:alerts-unsubscribe": Page(PUBLIC, lambda data: {"token": data.subscription.token}),
    "decisions:forward-plan-feed": Page(PUBLIC),
    "contracts:register": Page(PUBLIC),
    "contracts:csv": Page(PUBLIC),
    "contracts:json": Page(PUBLIC),
    "contracts:ocds": Page(PUBLIC),
    "contracts:detail": Page(PUBLIC, lambda data: {"reference": data.listed_contract.reference}),
    "healthz": Page(PUBLIC),
    "pages:accessibility": Page(PUBLIC),
    "pages:privacy": Page(PUBLIC),
    "pages:cookies": Page(PUBLIC),
    "pages:contact": Page(PUBLIC),
    "pages:open-data": Page(PUBLIC),
    # -- Signing in and out -------------------------------------------------------------------
    "login": Page(PUBLIC),
    # Signing out is a POST only; a GET is refused for everyone.
    "logout": Page(answers(others=405)),
    "password_change": Page(SIGNED_IN),
    "password_change_done": Page(SIGNED_IN),
    "password_reset": Page(PUBLIC),
    "password_reset_done": Page(PUBLIC),
    "password_reset_complete": Page(PUBLIC),
    # A made-up token: the page says the link is not valid.
    "password_reset_confirm": Page(PUBLIC, lambda data: {"uidb64": "MQ", "token": "set-pass"}),
    # -- The workspace: reading ---------------------------------------------------------------
    "workspace:dashboard": Page(STAFF_READ),
    "workspace:timeline": Page(STAFF_READ),
    "workspace:decision-list": Page(STAFF_READ),
    "workspace:decision-export": Page(STAFF_READ),
    "workspace:decision-detail": Page(STAFF_READ, ref(SUBMITTED)),
    "workspace:decision-history": Page(STAFF_READ, ref(SUBMITTED)),
    "workspace:decision-pdf": Page(STAFF_READ, ref(SUBMITTED)),
    "workspace:decision-appendix": Page(
        STAFF_READ, lambda data: {"reference": PUBLISHED, "pk": data.withheld_appendix.pk}
    ),
    "workspace:workflow-detail": Page(STAFF_READ, ref(SUBMITTED)),
    "workspace:contract-list": Page(STAFF_READ),
    "workspace:contract-detail": Page(STAFF_READ, pk("contract")),
    "workspace:contract-history": Page(STAFF_READ, pk("contract")),
    "workspace:provider-list": Page(STAFF_READ),
    "workspace:provider-detail": Page(STAFF_READ, pk("provider")),
    "workspace:provider-history": Page(STAFF_READ, pk("provider")),
    "workspace:partner-list": Page(STAFF_READ),
    "workspace:partner-detail": Page(STAFF_READ, pk("partner")),
    "workspace:partner-history": Page(STAFF_READ, pk("partner")),
    "workspace:programme-list": Page(STAFF_READ),
    "workspace:programme-detail": Page(STAFF_READ, pk("programme")),
    "workspace:programme-history": Page(STAFF_READ, pk("programme")),
    "workspace:arrangement-list": Page(STAFF_READ),
    "workspace:arrangement-detail": Page(STAFF_READ, pk("arrangement")),
    "workspace:arrangement-history": Page(STAFF_READ, pk("arrangement")),
    "workspace:plan-list": Page(STAFF_READ),
    "workspace:plan-detail": Page(STAFF_READ, pk("plan")),
    "workspace:plan-history": Page(STAFF_READ, pk("plan")),
    # -- The workspace: creating and changing (officers and administrators) --------------------
    "workspace:decision-create": Page(OFFICER_ONLY),
    "workspace:decision-create-details": Page(
        OFFICER_ONLY, lambda data: {"template": data.template.pk}
    ),
    "workspace:decision-edit": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-appendix-create": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-providers": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-awards": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-sections": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-money": Page(OFFICER_ONLY, ref(DRAFT)),
    "workspace:decision-outside-links": Page(OFFICER_ONLY, ref(DRAFT)),
    # The editor's unsaved changes, kept on the server: POST only, by officers.
    "workspace:decision-autosave": Page(
        answers(anonymous="login", officer=405, admin=405, others=403), ref(DRAFT)
    ),
    "workspace:decision-autosave-discard": Page(
        answers(anonymous="login", officer=405, admin=405, others=403), ref(DRAFT)
    ),
    "workspace:contract-create": Page(OFFICER_ONLY),
    "workspace:contract-edit": Page(OFFICER_ONLY, pk("contract")),
    "workspace:contract-extend": Page(OFFICER_ONLY, pk("contract")),
    "workspace:contract-notice-create": Page(OFFICER_ONLY, pk("contract")),
    "workspace:phase-notice-create": Page(OFFICER_ONLY, pk("phase")),
    "workspace:notice-edit": Page(OFFICER_ONLY, pk("notice")),
    "workspace:notice-delete": Page(OFFICER_ONLY, pk("notice")),
    "workspace:delegation-list": Page(STAFF_READ),
    "workspace:delegation-create": Page(DELEGATION_KEEPERS),
    "workspace:delegation-end": Page(DELEGATION_KEEPERS, pk("delegation")),
    "workspace:provider-create": Page(OFFICER_ONLY),
    "workspace:provider-edit": Page(OFFICER_ONLY, pk("provider")),
    "workspace:partner-create": Page(OFFICER_ONLY),
    "workspace:partner-edit": Page(OFFICER_ONLY, pk("partner")),
    "workspace:programme-create": Page(OFFICER_ONLY),
    "workspace:programme-edit": Page(OFFICER_ONLY, pk("programme")),
    "workspace:phase-create": Page(OFFICER_ONLY, pk("programme")),
    "workspace:phase-edit": Page(OFFICER_ONLY, pk("phase")),
    "workspace:lot-create": Page(OFFICER_ONLY, pk("phase")),
    "workspace:lot-edit": Page(OFFICER_ONLY, pk("lot")),
    "workspace:arrangement-create": Page(OFFICER_ONLY),
    "workspace:arrangement-edit": Page(OFFICER_ONLY, pk("arrangement")),
    "workspace:arrangement-partner-create": Page(OFFICER_ONLY, pk("arrangement")),
    "workspace:position-create": Page(OFFICER_ONLY, pk("arrangement_partner")),
    "workspace:risk-create": Page(OFFICER_ONLY, pk("arrangement")),
    "workspace:risk-edit": Page(OFFICER_ONLY, pk("risk")),
    "workspace:ask-create": Page(OFFICER_ONLY, pk("arrangement")),
    "workspace:ask-edit": Page(OFFICER_ONLY, pk("ask")),
    "workspace:plan-create": Page(OFFICER_ONLY),
    "workspace:plan-edit": Page(OFFICER_ONLY, pk("plan")),
    "workspace:plan-start": Page(OFFICER_ONLY, pk("plan")),
    "workspace:plan-withdraw": Page(OFFICER_ONLY, pk("plan")),
    # Importing records decisions already taken: administrators, and officers given the
    # permission (the demo's officer is not).
    "workspace:import-decisions": Page(answers(anonymous="login", admin=200, others=403)),
    "workspace:import-contracts": Page(OFFICER_ONLY),
    # Recording decisions already taken and correcting decided records: the same permission.
    "workspace:decision-record-start": Page(RECORDERS),
    "workspace:decision-record-decided": Page(RECORDERS, ref(DRAFT)),
    "workspace:decision-correct": Page(RECORDERS, ref(PUBLISHED)),
    # The signed copy may carry handwritten signatures: for those who record, never public.
    "workspace:decision-signed-copy": Page(
        RECORDERS, lambda data: {"reference": PUBLISHED, "pk": data.signed_copy.pk}
    ),
    # Setting up the office's forms: whoever holds the permission to change decision forms
    # (administrators, and those they give it to; no role holds it). Moving an element and
    # laying a form out are buttons (POST) on the form's page.
    "workspace:form-list": Page(FORM_SETTERS),
    # Creating one needs the permission to add a form as well as to change one.
    "workspace:form-create": Page(FORM_SETTERS),
    "workspace:form-setup": Page(FORM_SETTERS, pk("template")),
    "workspace:form-settings": Page(FORM_SETTERS, pk("template")),
    "workspace:form-history": Page(FORM_SETTERS, pk("template")),
    "workspace:form-office": Page(FORM_SETTERS, pk("template")),
    "workspace:form-sections": Page(FORM_SETTERS, pk("template")),
    "workspace:form-preview": Page(FORM_SETTERS, pk("template")),
    "workspace:form-preview-pdf": Page(FORM_SETTERS, pk("template")),
    "workspace:form-lay-out": Page(answers(anonymous="login", others=405), pk("template")),
    "workspace:form-element-create": Page(FORM_SETTERS, pk("template")),
    "workspace:form-element-edit": Page(FORM_SETTERS, lambda data: data.element_kwargs),
    "workspace:form-element-remove": Page(FORM_SETTERS, lambda data: data.element_kwargs),
    "workspace:form-element-move": Page(
        answers(anonymous="login", others=405), lambda data: data.element_kwargs
    ),
    # -- Publication -------------------------------------------------------------------------
    "workspace:decision-publish": Page(STAFF_READ, ref(PUBLISHED)),
    "workspace:decision-publish-preview-pdf": Page(STAFF_READ, ref(PUBLISHED)),
    "workspace:decision-release-section": Page(
        STAFF_READ, lambda data: {"reference": PUBLISHED, "pk": data.withheld_section.pk}
    ),
    "workspace:decision-release-appendix": Page(
        STAFF_READ, lambda data: {"reference": PUBLISHED, "pk": data.withheld_appendix.pk}
    ),
    # -- Sign-off steps ----------------------------------------------------------------------
    # Each step's page is for the roles that take it: others are refused (403). A role that
    # may take the step but not on this decision now (not its turn, already done, not force
    # business, or an administrator who is not the named signer) is sent "back" to the
    # decision's page with a message saying why.
    "workspace:workflow-submit": Page(
        answers(anonymous="login", officer=200, admin=200, others=403), ref(DRAFT)
    ),
    "workspace:workflow-sign-off": Page(
        answers(anonymous="login", treasurer=200, admin="back", others=403), ref(SUBMITTED)
    ),
    # The author and every signer may send it back, when it is their turn.
    "workspace:workflow-return-to-draft": Page(
        answers(anonymous="login", chief="back", admin="back", others=200), ref(SUBMITTED)
    ),
    # The Monitoring Officer has already commented on WPCC3-0060.
    "workspace:workflow-comment": Page(
        answers(anonymous="login", monitoring="back", admin="back", others=403), ref(COMMENTED)
    ),
    "workspace:workflow-approve": Page(
        answers(anonymous="login", pcc=200, admin="back", others=403), ref(COMMENTED)
    ),
    "workspace:workflow-decline": Page(
        answers(anonymous="login", pcc=200, admin="back", others=403), ref(COMMENTED)
    ),
    # WPCC3-0060 is not force business, so the Chief Officer has nothing to approve.
    "workspace:workflow-approve-force-business": Page(
        answers(anonymous="login", chief="back", admin="back", others=403), ref(COMMENTED)
    ),
    "workspace:workflow-withdraw": Page(OFFICER_ONLY, ref(PUBLISHED)),
    "workspace:workflow-supersede": Page(OFFICER_ONLY, ref(PUBLISHED)),
}


def url_names(patterns=None, prefix: str = ""):
    """Every named URL the site answers, with its namespace; the admin is checked apart."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern.url_patterns, namespace)
        elif pattern.name:
            yield prefix + pattern.name


class Data:
    """The demo office, plus a withheld appendix on the published decision."""

    def __init__(self):
        call_command("load_demo", stdout=io.StringIO())
        published = Decision.objects.get(reference=PUBLISHED)
        appendix = Appendix(
            decision=published,
            title="Appendix A: bid prices",
            is_withheld=True,
            exemption=Exemption.S43_2,
            public_interest_statement="The prices would prejudice the next procurement.",
        )
        appendix.file.save("prices.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        appendix.save()
        self.withheld_appendix = appendix
        copy = SignedCopy(decision=published, sha256="0" * 64)
        copy.file.save("signed.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        copy.save()
        self.signed_copy = copy
        self.withheld_section = DecisionSection.objects.filter(
            decision=published, is_withheld=True
        ).first()
        self.template = published.template
        element = FormElement.objects.filter(form=self.template).first()
        self.element_kwargs = {"pk": self.template.pk, "element": element.pk}
        self.contract = contracts.Contract.objects.first()
        self.listed_contract = contracts.Contract.objects.exclude(
            status=contracts.Contract.Status.PLANNED
        ).first()
        self.provider = contracts.Provider.objects.first()
        self.partner = contracts.PartnerBody.objects.first()
        self.programme = contracts.Programme.objects.first()
        self.phase = contracts.ProcurementPhase.objects.first()
        self.lot = contracts.Lot.objects.first()
        self.arrangement = contracts.JointArrangement.objects.first()
        self.arrangement_partner = contracts.ArrangementPartner.objects.first()
        self.risk = contracts.ArrangementRisk.objects.first()
        self.ask = contracts.PartnerAsk.objects.first()
        self.subscription = Subscription.objects.create(email="m@example.org", topic="decisions")
        self.plan = PlannedDecision.objects.filter(status=PlannedDecision.Status.PLANNED).first()
        self.notice = contracts.Notice.objects.create(
            contract=self.contract,
            kind=contracts.Notice.Kind.FIND_A_TENDER,
            identifier="2022/S 000-031247",
        )
        self.delegation = Delegation.objects.create(
            delegate_name="Chief Finance Officer",
            instrument="Scheme of consent and delegation, paragraph 4.2",
            scope="Grants up to the value limit.",
            starts_on=datetime.date(2021, 5, 13),
        )


def clients() -> dict[str, Client]:
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}
    result = {"anonymous": Client()}
    for role in STAFF:
        client = Client()
        client.force_login(users[role])
        result[role] = client
    return result


def answer(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return "admin-login"
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/workspace/decisions/"):
            return "back"
    return response.status_code


def test_every_url_is_classified():
    unclassified = sorted(set(url_names()) - set(CLASSIFIED))
    assert not unclassified, "\n".join(f"classify {name}" for name in unclassified)


def test_the_table_names_no_url_that_has_gone():
    gone = sorted(set(CLASSIFIED) - set(url_names()))
    assert not gone, f"remove from CLASSIFIED: {gone}"


@pytest.mark.django_db
def test_every_role_gets_the_allowed_answer_on_every_page(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = Data()
    browsers = clients()
    wrong = []
    for name in sorted(set(url_names()) & set(CLASSIFIED)):
        page = CLASSIFIED[name]
        url = reverse(name, kwargs=page.kwargs(data) if page.kwargs else None)
        for role in ROLES:
            got = answer(browsers[role].get(url))
            if got != page.expected[role]:
                wrong.append(f"{name} {url} as {role}: expected {page.expected[role]}, got {got}")
    assert not wrong, "\n".join(wrong)


ADMIN_MODEL_LIST = "/admin/contracts/contract/"


@pytest.mark.django_db
def test_the_admin_is_only_for_administrators():
    call_command("load_demo", stdout=io.StringIO())
    browsers = clients()
    got = {role: answer(browsers[role].get(ADMIN_MODEL_LIST)) for role in ROLES}

    assert got == answers(anonymous="admin-login", admin=200, others="admin-login")


@pytest.mark.django_db
def test_only_administrators_are_admin_staff():
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects.all()

    assert {user.username for user in users if user.is_staff} == {"admin"}
    assert all(user.is_superuser for user in users if user.is_staff)
