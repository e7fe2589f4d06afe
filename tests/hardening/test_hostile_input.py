"""Hostile input: every form a user can post, and every register's query string, driven by
hypothesis with random and hostile values (tests/hardening/hostile.py).

For each form the test opens the page as the role that uses it, reads what its form would
submit as drawn (the version token included), makes it valid where needed, then replaces,
drops or adds fields with hostile values. Whatever is sent, the answer is never a server
error, planted markup never comes back unescaped (on the answer, nor on the page a successful
save leads to), a redirect never leaves the site, and a refused submission writes nothing: no
record and no history row. Each example runs in a savepoint that is rolled back, so every
example starts from the demo office as loaded.

`COVERED` names every URL that accepts a POST; `GET_ONLY` every other. A new URL fails
`test_every_url_is_covered_or_read_only` until it is put in one of them, and every URL in
`GET_ONLY` must refuse a POST with 405.

On PostgreSQL each form gets 100 examples (HOSTILE_EXAMPLES sets another number: a long run
before a release, say). SQLite runs fewer (default 20) to keep the default suite short;
PostgreSQL is the database that refuses NUL in text. At a hundred forms, 200 examples each
took a quarter of an hour of CI's 90 minutes on PostgreSQL alone.
"""

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commissioning.concurrency import make_token
from commissioning.history import latest_ids
from decisions.form_setup_views import form_tracks
from decisions.models import Decision, WorkflowEvent
from tests.conftest import give_permission
from tests.hardening import hostile
from tests.hardening.test_authorisation_matrix import (
    COMMENTED,
    DRAFT,
    PUBLISHED,
    SUBMITTED,
    Data,
    url_names,
)
from tests.workspace.conftest import form_fields

EXAMPLES = int(
    os.environ.get("HOSTILE_EXAMPLES", "100" if connection.vendor == "postgresql" else "20")
)
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROLES = ["anonymous", "officer", "treasurer", "monitoring", "chief", "pcc", "admin"]


# -- the demo office, loaded once for the module ------------------------------------------------


class Demo(Data):
    """The authorisation matrix's demo office (tests/hardening/test_authorisation_matrix.py),
    with a signed-in browser per role. Passwords use a fast hasher so that the sign-in and
    password forms can be tried hundreds of times."""

    def __init__(self):
        super().__init__()
        self.users = {user.username: user for user in get_user_model().objects.all()}
        for user in self.users.values():
            user.set_password("demo")
            user.save(update_fields=["password"])
        # The decisions import is for officers given the permission to record decisions
        # already taken; this officer has it, so that the import's forms are tried too.
        self.users["officer"] = give_permission(self.users["officer"], "decisions.record_decided")

    def client(self, role: str) -> Client:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client

    def decision(self, reference: str) -> Decision:
        return Decision.objects.get(reference=reference)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loading the demo takes seconds; it is loaded once, in a transaction rolled back at the
    end of the module. Each test runs in a savepoint inside it (pytest-django's `db`)."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHER),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield Demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# What a refused submission must leave as it was: every record and history table of the two
# apps. Refused workflow attempts are recorded on purpose (WorkflowEvent, the audit log).
def record_models():
    models = []
    for label in ("decisions", "contracts"):
        models.extend(apps.get_app_config(label).get_models())
    return [model for model in models if model is not WorkflowEvent]


# -- the forms -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """How to reach a form, who posts it, and what makes the drawn form a valid submission."""

    url: Callable[[Demo], str]
    role: str = "officer"
    valid: dict = field(default_factory=dict)
    # Extra buttons or steps the page offers; one is drawn per example.
    buttons: tuple[dict, ...] = ({},)
    prepare: Callable[[Demo], None] | None = None
    upload: str = ""  # the name of a file field, posted as multipart
    importer: bool = False
    has_page: bool = True  # False: a POST-only address (signing out), with no form to read


def to(name: str, **kwargs) -> Callable[[Demo], str]:
    def build(demo: Demo) -> str:
        values = {key: value(demo) if callable(value) else value for key, value in kwargs.items()}
        return reverse(name, kwargs=values or None)

    return build


def pk_of(attribute: str) -> Callable[[Demo], int]:
    return lambda demo: getattr(demo, attribute).pk


def sign_off(demo: Demo) -> None:
    """WPCC3-0059 signed off by the Treasurer: it waits for the Monitoring Officer."""
    demo.decision(SUBMITTED).sign_off(by=demo.users["treasurer"], comments="Within budget.")


def force_business_commented(demo: Demo) -> None:
    """WPCC3-0060, signed off and commented on, made force business: it waits for the Chief
    Officer's approval."""
    Decision.objects.filter(reference=COMMENTED).update(is_force_business=True)


def approved(demo: Demo) -> None:
    demo.decision(COMMENTED).approve(by=demo.users["pcc"], comments="Agreed.")


def form_version(template) -> str:
    """The version token of a form's setup page, as its buttons post it."""
    return make_token(latest_ids(form_tracks(template)))


ON_DRAFT = {"reference": DRAFT}
DECISION_DETAILS = {
    "title": "Extension of the substance misuse contracts",
    "decision_maker": "pcc",
    "summary": "Agreement to extend the contracts for a year.",
}

FORMS: dict[str, Form] = {
    # -- signing in ------------------------------------------------------------------------
    "login": Form(
        to("login"),
        role="anonymous",
        valid={"username": "officer", "password": "demo", "next": "/workspace/"},
    ),
    "logout": Form(to("logout"), valid={"next": "/"}, has_page=False),
    "password_change": Form(
        to("password_change"),
        valid={
            "old_password": "demo",
            "new_password1": "a long and unusual passphrase 42",
            "new_password2": "a long and unusual passphrase 42",
        },
    ),
    "password_reset": Form(
        to("password_reset"), role="anonymous", valid={"email": "officer@opcc.example"}
    ),
    "password_reset_confirm": Form(
        to("password_reset_confirm", uidb64="MQ", token="set-password"),
        role="anonymous",
        valid={"new_password1": "a long passphrase 42", "new_password2": "a long passphrase 42"},
    ),
    # -- decisions ---------------------------------------------------------------------------
    "workspace:decision-create": Form(
        to("workspace:decision-create"), valid={"template": lambda demo: demo.template.pk}
    ),
    "workspace:decision-create-details": Form(
        to("workspace:decision-create-details", template=lambda demo: demo.template.pk),
        valid=DECISION_DETAILS,
        buttons=({"check": "1"}, {"confirm": "1"}, {"change": "1"}),
    ),
    "workspace:decision-edit": Form(to("workspace:decision-edit", **ON_DRAFT)),
    # The editor's unsaved changes, kept on the server: POST only, answered 204 when kept.
    "workspace:decision-autosave": Form(
        to("workspace:decision-autosave", **ON_DRAFT),
        valid={"title": "Extension of the contracts", "sections-0-text": "Typed, not saved."},
        has_page=False,
    ),
    "workspace:decision-autosave-discard": Form(
        to("workspace:decision-autosave-discard", **ON_DRAFT), has_page=False
    ),
    "workspace:decision-appendix-create": Form(
        to("workspace:decision-appendix-create", **ON_DRAFT),
        valid={"title": "Appendix B: the service specification"},
        upload="file",
    ),
    "workspace:decision-providers": Form(
        to("workspace:decision-providers", **ON_DRAFT),
        valid={"rows-0-provider": lambda demo: demo.provider.pk, "rows-0-role": "funded"},
    ),
    "workspace:decision-sections": Form(
        to("workspace:decision-sections", **ON_DRAFT),
        valid={"rows-0-heading": "Background and options"},
    ),
    "workspace:decision-awards": Form(
        to("workspace:decision-awards", **ON_DRAFT),
        valid={"rows-0-applications": "12", "rows-0-amount": "84000.00"},
    ),
    "workspace:decision-money": Form(
        to("workspace:decision-money", **ON_DRAFT),
        valid={"value": "£125,000.50", "years-0-year": "2025/26", "years-0-amount": "1000"},
    ),
    "workspace:decision-outside-links": Form(
        to("workspace:decision-outside-links", **ON_DRAFT),
        valid={"rows-0-kind": "follows", "rows-0-to_reference": "33/16"},
    ),
    # -- sign-off steps ----------------------------------------------------------------------
    "workspace:workflow-submit": Form(to("workspace:workflow-submit", reference=DRAFT)),
    "workspace:workflow-sign-off": Form(
        to("workspace:workflow-sign-off", reference=SUBMITTED),
        role="treasurer",
        valid={"comments": "Met from the commissioning budget."},
    ),
    "workspace:workflow-return-to-draft": Form(
        to("workspace:workflow-return-to-draft", reference=SUBMITTED),
        role="treasurer",
        valid={"comments": "The costs need a breakdown."},
    ),
    "workspace:workflow-comment": Form(
        to("workspace:workflow-comment", reference=SUBMITTED),
        role="monitoring",
        valid={"comments": "Legal advice has been taken."},
        prepare=sign_off,
    ),
    "workspace:workflow-approve-force-business": Form(
        to("workspace:workflow-approve-force-business", reference=COMMENTED),
        role="chief",
        prepare=force_business_commented,
    ),
    "workspace:workflow-approve": Form(
        to("workspace:workflow-approve", reference=COMMENTED), role="pcc"
    ),
    "workspace:workflow-decline": Form(
        to("workspace:workflow-decline", reference=COMMENTED),
        role="pcc",
        valid={"comments": "Not value for money."},
    ),
    # A role that may not take the step: refused, and the refusal recorded with its comments.
    "workspace:workflow-sign-off as officer": Form(
        to("workspace:workflow-sign-off", reference=SUBMITTED),
        role="officer",
        valid={"confirm": "yes", "comments": "Signed off by the wrong person."},
        has_page=False,
    ),
    "workspace:workflow-withdraw": Form(
        to("workspace:workflow-withdraw", reference=PUBLISHED),
        valid={"comments": "Published in error."},
    ),
    "workspace:workflow-supersede": Form(
        to("workspace:workflow-supersede", reference=PUBLISHED),
        valid={"later_reference": COMMENTED},
        prepare=approved,
    ),
    # -- decisions already taken, and corrections (the demo's officer has the permission) -----
    "workspace:decision-record-decided": Form(
        to("workspace:decision-record-decided", reference=DRAFT),
        upload="signed_copy",
        valid={
            "source": "The signed paper record",
            "decided_on_day": "4",
            "decided_on_month": "3",
            "decided_on_year": "2019",
        },
    ),
    "workspace:decision-correct": Form(
        to("workspace:decision-correct", reference=PUBLISHED),
        valid={"correction-kind": "substance", "correction-reason": "The council withdrew."},
    ),
    # -- publication -------------------------------------------------------------------------
    "workspace:decision-publish": Form(
        to("workspace:decision-publish", reference=COMMENTED), prepare=approved
    ),
    "workspace:decision-release-section": Form(
        to(
            "workspace:decision-release-section",
            reference=PUBLISHED,
            pk=pk_of("withheld_section"),
        )
    ),
    "workspace:decision-release-appendix": Form(
        to(
            "workspace:decision-release-appendix",
            reference=PUBLISHED,
            pk=pk_of("withheld_appendix"),
        )
    ),
    # -- contracts ---------------------------------------------------------------------------
    "workspace:contract-create": Form(
        to("workspace:contract-create"),
        valid={
            "reference": "OPCC-C-HOSTILE",
            "title": "Independent domestic violence advisers",
            "provider": lambda demo: demo.provider.pk,
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2024",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2026",
            "extension_options_remaining": "1",
            "status": "active",
            "commissioners-0-body": lambda demo: demo.partner.pk,
            "commissioners-0-role": "co",
            "commissioners-0-share": "40",
        },
    ),
    "workspace:contract-edit": Form(to("workspace:contract-edit", pk=pk_of("contract"))),
    "workspace:contract-extend": Form(
        to("workspace:contract-extend", pk=pk_of("contract")),
        valid={
            "kind": "extension",
            "new_end_day": "31",
            "new_end_month": "3",
            "new_end_year": "2031",
            "reason": "Time to align with the county council's contracts.",
            "basis": "exemption",
        },
    ),
    "workspace:contract-notice-create": Form(
        to("workspace:contract-notice-create", pk=pk_of("contract")),
        valid={"kind": "find_a_tender", "identifier": "2023/S 000-000001"},
    ),
    "workspace:phase-notice-create": Form(
        to("workspace:phase-notice-create", pk=pk_of("phase")),
        valid={"kind": "other", "url": "https://opcc.example/notices/1"},
    ),
    "workspace:notice-edit": Form(to("workspace:notice-edit", pk=pk_of("notice"))),
    "workspace:notice-delete": Form(to("workspace:notice-delete", pk=pk_of("notice"))),
    "workspace:delegation-create": Form(
        to("workspace:delegation-create"),
        role="admin",
        valid={
            "delegate_name": "Elizabeth Hall",
            "instrument": "Letter of delegation",
            "scope": "Grants.",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2020",
        },
    ),
    "workspace:delegation-end": Form(
        to("workspace:delegation-end", pk=pk_of("delegation")), role="admin"
    ),
    "workspace:provider-create": Form(
        to("workspace:provider-create"), valid={"name": "Hostile Input Testing CIC"}
    ),
    "workspace:provider-edit": Form(to("workspace:provider-edit", pk=pk_of("provider"))),
    "workspace:partner-create": Form(
        to("workspace:partner-create"),
        valid={"name": "Hostile District Council", "kind": "district_council"},
    ),
    "workspace:partner-edit": Form(to("workspace:partner-edit", pk=pk_of("partner"))),
    "workspace:plan-create": Form(
        to("workspace:plan-create"),
        valid={
            "title": "Hostile plan",
            "description": "About it.",
            "expected_on_day": "1",
            "expected_on_month": "3",
            "expected_on_year": "2027",
            "decision_maker": "pcc",
        },
    ),
    "workspace:plan-edit": Form(to("workspace:plan-edit", pk=pk_of("plan"))),
    "workspace:plan-start": Form(to("workspace:plan-start", pk=pk_of("plan"))),
    "workspace:plan-withdraw": Form(to("workspace:plan-withdraw", pk=pk_of("plan"))),
    # -- setting up the office's forms (administrators) ------------------------------------
    "workspace:form-create": Form(
        to("workspace:form-create"),
        role="admin",
        valid={
            "name": "Decision notice",
            "reference_format": "DN-{number:03}",
            "numbering": "none",
            "is_active": "on",
        },
        buttons=(
            {},
            {"new_office_name": "Office of the Mayor", "new_office_address": "1 High Street"},
            {"section_headings": "Background\nRecommendation"},
        ),
    ),
    "workspace:form-settings": Form(
        to("workspace:form-settings", pk=pk_of("template")), role="admin"
    ),
    "workspace:form-office": Form(to("workspace:form-office", pk=pk_of("template")), role="admin"),
    "workspace:form-sections": Form(
        to("workspace:form-sections", pk=pk_of("template")),
        role="admin",
        valid={"rows-0-heading": "Background and options"},
    ),
    "workspace:form-element-create": Form(
        to("workspace:form-element-create", pk=pk_of("template")),
        role="admin",
        valid={"kind": "field", "label": "Plan priority", "name": "plan_priority"},
        buttons=({"field_type": "text"}, {"field_type": "choice", "choice_lines": "A\nB"}),
    ),
    "workspace:form-element-edit": Form(
        lambda demo: reverse("workspace:form-element-edit", kwargs=demo.element_kwargs),
        role="admin",
    ),
    "workspace:form-element-remove": Form(
        lambda demo: reverse("workspace:form-element-remove", kwargs=demo.element_kwargs),
        role="admin",
    ),
    "workspace:form-element-move": Form(
        lambda demo: reverse("workspace:form-element-move", kwargs=demo.element_kwargs),
        role="admin",
        valid={"direction": "down", "version": lambda demo: form_version(demo.template)},
        buttons=({}, {"direction": "up"}),
        has_page=False,
    ),
    "workspace:form-lay-out": Form(
        to("workspace:form-lay-out", pk=pk_of("template")),
        role="admin",
        valid={"version": lambda demo: form_version(demo.template)},
        has_page=False,
    ),
    "decisions:alerts": Form(
        to("decisions:alerts"),
        role="anonymous",
        valid={"email": "reader@example.org", "topic": "decisions", "frequency": "immediate"},
    ),
    "decisions:alerts-confirm": Form(
        to("decisions:alerts-confirm", token=lambda demo: demo.subscription.token),
        role="anonymous",
    ),
    "decisions:alerts-unsubscribe": Form(
        to("decisions:alerts-unsubscribe", token=lambda demo: demo.subscription.token),
        role="anonymous",
    ),
    "workspace:programme-create": Form(
        to("workspace:programme-create"), valid={"title": "Hostile programme"}
    ),
    "workspace:programme-edit": Form(to("workspace:programme-edit", pk=pk_of("programme"))),
    "workspace:phase-create": Form(
        to("workspace:phase-create", pk=pk_of("programme")), valid={"name": "Hostile phase"}
    ),
    "workspace:phase-edit": Form(to("workspace:phase-edit", pk=pk_of("phase"))),
    "workspace:lot-create": Form(
        to("workspace:lot-create", pk=pk_of("phase")), valid={"number": "77", "title": "Lot 77"}
    ),
    "workspace:lot-edit": Form(to("workspace:lot-edit", pk=pk_of("lot"))),
    "workspace:arrangement-create": Form(
        to("workspace:arrangement-create"),
        valid={"title": "Hostile arrangement", "subject": "Victim services"},
    ),
    "workspace:arrangement-edit": Form(to("workspace:arrangement-edit", pk=pk_of("arrangement"))),
    "workspace:arrangement-partner-create": Form(
        to("workspace:arrangement-partner-create", pk=pk_of("arrangement")),
        valid={"role": "lead"},
    ),
    "workspace:position-create": Form(
        to("workspace:position-create", pk=pk_of("arrangement_partner")),
        valid={"position": "committed"},
    ),
    "workspace:risk-create": Form(
        to("workspace:risk-create", pk=pk_of("arrangement")),
        valid={"description": "A hostile risk", "likelihood": "low", "impact": "high"},
    ),
    "workspace:risk-edit": Form(to("workspace:risk-edit", pk=pk_of("risk"))),
    "workspace:ask-create": Form(
        to("workspace:ask-create", pk=pk_of("arrangement")),
        valid={
            "of_body": lambda demo: demo.partner.pk,
            "request": "Join the arrangement.",
            "status": "open",
            "asked_on_day": "1",
            "asked_on_month": "6",
            "asked_on_year": "2024",
        },
    ),
    "workspace:ask-edit": Form(to("workspace:ask-edit", pk=pk_of("ask"))),
    # -- importing ---------------------------------------------------------------------------
    "workspace:import-decisions": Form(to("workspace:import-decisions"), importer=True),
    "workspace:import-contracts": Form(to("workspace:import-contracts"), importer=True),
}

# Query strings: each page's filters, plus the page number and a name nobody expects.
WORKSPACE_DECISION_FILTERS = [
    "q", "status", "confidentiality", "category", "decision_maker", "year", "programme",
    "provider", "partner", "value_min", "value_max", "sort", "page",
]  # fmt: skip
CONTRACT_FILTERS = [
    "q", "provider", "lot", "partner", "status", "ends_before_day", "ends_before_month",
    "ends_before_year", "risk", "value_from", "value_to", "value", "sort", "page",
]  # fmt: skip
PUBLIC_CONTRACT_FILTERS = [
    "q", "provider", "status", "commissioner", "ends_from_day", "ends_from_month",
    "ends_from_year", "ends_to_day", "ends_to_month", "ends_to_year", "value_from", "value_to",
    "sort", "page",
]  # fmt: skip
QUERIES: dict[str, tuple[str, list[str]]] = {
    "decisions:home": ("anonymous", ["q", "year", "category", "confidentiality", "page"]),
    "decisions:register": (
        "anonymous",
        [
            "q",
            "year",
            "category",
            "confidentiality",
            "decision_maker",
            "provider",
            "decided_from_day",
            "decided_from_month",
            "decided_from_year",
            "decided_to_day",
            "decided_to_month",
            "decided_to_year",
            "value_min",
            "value_max",
            "sort",
            "page",
        ],
    ),
    "decisions:json": (
        "anonymous",
        ["q", "category", "provider", "decided_from_year", "value_min", "sort"],
    ),
    "decisions:feed": ("anonymous", ["q", "category", "provider", "decided_to_day", "sort"]),
    "contracts:register": ("anonymous", PUBLIC_CONTRACT_FILTERS),
    "contracts:csv": ("anonymous", PUBLIC_CONTRACT_FILTERS),
    "contracts:json": ("anonymous", PUBLIC_CONTRACT_FILTERS),
    "workspace:decision-list": ("officer", WORKSPACE_DECISION_FILTERS),
    "workspace:decision-export": ("officer", WORKSPACE_DECISION_FILTERS),
    "workspace:contract-list": ("officer", CONTRACT_FILTERS),
    "workspace:timeline": ("officer", [*CONTRACT_FILTERS, "group"]),
    "workspace:provider-list": ("officer", ["q", "page"]),
    "workspace:partner-list": ("officer", ["q", "kind", "page"]),
    "workspace:programme-list": ("officer", ["q", "page"]),
    "workspace:arrangement-list": ("officer", ["q", "partner", "page"]),
}

COVERED = {name.split(" as ")[0] for name in FORMS}
# Pages that only read: a POST to any of them is refused with 405 (checked below).
GET_ONLY = {
    "workspace:delegation-list",
    "decisions:forward-plan",
    "decisions:forward-plan-feed",
    "workspace:plan-list",
    "workspace:form-list",
    "workspace:form-setup",
    "workspace:form-history",
    "workspace:form-preview",
    "workspace:form-preview-pdf",
    "workspace:plan-detail",
    "workspace:plan-history",
    "pages:accessibility",
    "pages:contact",
    "pages:cookies",
    "pages:open-data",
    "pages:privacy",
    "decisions:home",
    "decisions:register",
    "decisions:json",
    "decisions:detail",
    "decisions:pdf",
    "decisions:record-json",
    "decisions:appendix",
    "decisions:feed",
    "decisions:sitemap",
    "healthz",
    "contracts:register",
    "contracts:csv",
    "contracts:json",
    "contracts:detail",
    "contracts:ocds",
    "password_change_done",
    "password_reset_done",
    "password_reset_complete",
    "workspace:dashboard",
    "workspace:timeline",
    "workspace:decision-list",
    "workspace:decision-export",
    "workspace:decision-detail",
    "workspace:decision-history",
    "workspace:decision-pdf",
    "workspace:decision-appendix",
    "workspace:decision-record-start",
    "workspace:decision-signed-copy",
    "workspace:decision-publish-preview-pdf",
    "workspace:workflow-detail",
    "workspace:contract-list",
    "workspace:contract-detail",
    "workspace:contract-history",
    "workspace:provider-list",
    "workspace:provider-detail",
    "workspace:provider-history",
    "workspace:partner-list",
    "workspace:partner-detail",
    "workspace:partner-history",
    "workspace:programme-list",
    "workspace:programme-detail",
    "workspace:programme-history",
    "workspace:arrangement-list",
    "workspace:arrangement-detail",
    "workspace:arrangement-history",
}


# -- the coverage checks -------------------------------------------------------------------------


def test_every_url_is_covered_or_read_only():
    names = set(url_names())
    unclassified = sorted(names - COVERED - GET_ONLY)
    assert not unclassified, "\n".join(
        f"add {name} to FORMS (it takes a POST) or GET_ONLY" for name in unclassified
    )
    assert not (COVERED & GET_ONLY)
    assert not (COVERED | GET_ONLY) - names, "names that have gone"
    assert set(QUERIES) <= names


@pytest.mark.django_db
def test_every_read_only_url_refuses_a_post(demo):
    from tests.hardening.test_authorisation_matrix import CLASSIFIED

    browsers = {role: demo.client(role) for role in ("anonymous", "officer", "admin")}
    accepted = []
    for name in sorted(GET_ONLY):
        page = CLASSIFIED[name]
        url = reverse(name, kwargs=page.kwargs(demo) if page.kwargs else None)
        for role, browser in browsers.items():
            response = browser.post(url, {"q": "x"})
            # Someone not signed in may be sent to sign in first.
            if response.status_code == 405 or (
                role == "anonymous"
                and response.status_code == 302
                and response["Location"].startswith("/accounts/login/")
            ):
                continue
            accepted.append(f"{name} as {role}: {response.status_code}")
    assert not accepted, "these take a POST: add them to FORMS\n" + "\n".join(accepted)


# -- driving the forms --------------------------------------------------------------------------


class Rollback(Exception):
    """Raised to roll an example's savepoint back."""


@dataclass
class Posting:
    form: Form
    url: str
    client: Client = field(repr=False)
    baseline: dict = field(repr=False)
    counts: tuple[int, ...] = field(repr=False)
    models: list = field(repr=False)


def resolve(values: dict, demo: Demo) -> dict:
    return {name: value(demo) if callable(value) else value for name, value in values.items()}


@pytest.fixture
def posting(request, demo, db) -> Posting:
    form = FORMS[request.param]
    if form.prepare:
        form.prepare(demo)
    url = form.url(demo)
    client = demo.client(form.role)
    baseline = {}
    if form.has_page:
        page = client.get(url)
        assert page.status_code == 200, (request.param, page.status_code)
        if "<form" in page.content.decode():
            baseline = form_fields(page)
    baseline.pop("csrfmiddlewaretoken", None)
    baseline.update(resolve(form.valid, demo))
    models = record_models()
    return Posting(form, url, client, baseline, hostile.record_counts(models), models)


def hostile_payload(draw, baseline: dict) -> dict:
    """The form as drawn, with some fields replaced by hostile values, dropped, or added."""
    payload = dict(baseline)
    names = sorted(payload)
    if names:
        chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
        for name in chosen:
            if draw(st.integers(0, 9)) == 0:
                del payload[name]
            else:
                payload[name] = draw(hostile.hostile_values())
    dates = sorted({name.rsplit("_", 1)[0] for name in names if name.endswith("_day")})
    if dates and draw(st.booleans()):
        prefix = draw(st.sampled_from(dates))
        day, month, year = draw(hostile.date_parts())
        payload.update({f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year})
    if not names or draw(st.integers(0, 4)) == 0:
        payload[draw(hostile.hostile_values().filter(bool))] = draw(hostile.hostile_values())
    return payload


def in_savepoint(client: Client, example: Callable[[], None]) -> None:
    """Run one example and roll back what it wrote, the browser's cookies included."""
    cookies = {key: morsel.value for key, morsel in client.cookies.items()}
    try:
        with transaction.atomic():
            example()
            raise Rollback
    except Rollback:
        pass
    finally:
        client.cookies = SimpleCookie(cookies)


def follow(client: Client, response, what: str) -> None:
    """The page a successful save leads to shows what was saved: escaped."""
    if response.status_code in (301, 302, 303):
        landing = client.get(response["Location"])
        hostile.assert_answered(landing, f"{what}, then {response['Location']}")


def check_refusal(posting: Posting, response, what: str) -> None:
    # 204: kept, and nothing to show (the editor's unsaved changes).
    if response.status_code not in (204, 301, 302, 303):
        assert hostile.record_counts(posting.models) == posting.counts, (
            f"{what}: refused with {response.status_code} but something was written"
        )


def multipart(payload: dict) -> dict:
    return {
        hostile.printable(name): [hostile.printable(each) for each in value]
        if isinstance(value, list)
        else hostile.printable(value)
        for name, value in payload.items()
    }


DOCUMENTS = [
    b"%PDF-1.4\n%%EOF\n",
    b"%PDF-",
    b"PK\x03\x04not really a zip",
    b"<html><script>alert('h0stile')</script></html>",
    b"\x00" * 64,
    b"",
]
file_names = st.one_of(
    st.sampled_from(
        ["report.pdf", "a\x00b.pdf", "../../etc/passwd", "x" * 300 + ".pdf", ".pdf", "<b>.pdf"]
    ),
    hostile.hostile_values().map(lambda name: hostile.printable(name)[:500] or "f"),
)
file_contents = st.one_of(st.sampled_from(DOCUMENTS), st.binary(max_size=2000))


def form_params() -> list:
    params = []
    for name in sorted(FORMS):
        params.append(pytest.param(name, id=name))
    return params


@pytest.mark.parametrize("posting", form_params(), indirect=True)
@HYPOTHESIS
@given(data=st.data())
def test_hostile_post(posting, data):
    form = posting.form
    if form.importer:
        return hostile_import(posting, data)
    payload = hostile_payload(data.draw, posting.baseline)
    payload.update(data.draw(st.sampled_from(form.buttons)))
    what = f"POST {posting.url} {sorted(payload)}"

    def example():
        if form.upload:
            upload = SimpleUploadedFile(
                data.draw(file_names), data.draw(file_contents), "application/pdf"
            )
            response = posting.client.post(posting.url, {**multipart(payload), form.upload: upload})
        else:
            response = posting.client.post(
                posting.url,
                hostile.urlencode(payload),
                content_type="application/x-www-form-urlencoded",
            )
        event(f"answered {response.status_code}")
        hostile.assert_answered(response, what)
        check_refusal(posting, response, what)
        follow(posting.client, response, what)

    in_savepoint(posting.client, example)


# -- importing -----------------------------------------------------------------------------------

DECISION_COLUMNS = [
    "reference", "title", "form", "status", "decided_on", "signed_on", "published_on",
    "summary", "decision_maker", "force_business", "contracts", "section_1_heading",
    "section_1_text", "section_1_withheld", "section_1_exemption", "treasurer_comment",
]  # fmt: skip
CONTRACT_COLUMNS = [
    "Reference", "Title", "Department", "Description", "Supplier Name",
    "Supplier Registration Number", "Value", "Annual Value", "Irrecoverable VAT",
    "Start Date", "End Date", "Review Date", "Procurement Route", "SME", "VCSE",
    "Commissioners",
]  # fmt: skip


def import_file(draw, decisions: bool) -> tuple[str, bytes]:
    """A CSV or JSON file of hostile rows, or hostile bytes."""
    import csv
    import json

    columns = DECISION_COLUMNS if decisions else CONTRACT_COLUMNS
    good = (
        {"reference": "HOSTILE-1", "title": "A title", "status": "published"}
        if decisions
        else {"Reference": "HOSTILE-1", "Title": "A service", "Supplier Name": "A provider"}
    )
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = dict(good)
        for column in draw(st.lists(st.sampled_from(columns), max_size=6, unique=True)):
            row[column] = draw(hostile.hostile_values())
        rows.append(row)
    kind = draw(st.sampled_from(["csv", "json", "bytes", "cp1252"]))
    if kind == "json":
        body = {"decisions": rows} if decisions else rows
        text = json.dumps(body, ensure_ascii=draw(st.booleans()))
        return "records.json", hostile.wire(text)
    if kind == "bytes":
        name = draw(st.sampled_from(["records.csv", "records.json"]))
        return name, draw(st.binary(max_size=3000))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    if kind == "cp1252":
        return "records.csv", out.getvalue().encode("cp1252", "replace")
    return "records.csv", hostile.wire(out.getvalue())


def hostile_import(posting: Posting, data) -> None:
    decisions = posting.url == reverse("workspace:import-decisions")
    name, content = import_file(data.draw, decisions)
    what = f"import {name} {content[:200]!r}"

    def example():
        upload = SimpleUploadedFile(name, content, "text/csv")
        response = posting.client.post(posting.url, {"action": "check", "file": upload})
        hostile.assert_answered(response, what)
        check_refusal(posting, response, what)
        token = response.context["token"] if response.context else ""
        event("passed the check" if token else "refused by the check")
        if token:
            # The file passed the check: import it, as the officer would.
            imported = posting.client.post(posting.url, {"action": "import", "token": token})
            event(f"import answered {imported.status_code}")
            hostile.assert_answered(imported, f"{what}, imported")
            follow(posting.client, imported, what)

    in_savepoint(posting.client, example)


# -- query strings -------------------------------------------------------------------------------


@pytest.fixture
def querying(request, demo, db):
    name = request.param
    role, parameters = QUERIES[name]
    return reverse(name), demo.client(role), parameters


def query_params() -> list:
    return [
        pytest.param(
            name,
            id=name,
        )
        for name in sorted(QUERIES)
    ]


@pytest.mark.parametrize("querying", query_params(), indirect=True)
@HYPOTHESIS
@given(data=st.data())
def test_hostile_query_string(querying, data):
    url, client, parameters = querying
    chosen = data.draw(st.lists(st.sampled_from(parameters), min_size=1, max_size=5, unique=True))
    query = {name: data.draw(hostile.hostile_values()) for name in chosen}
    if data.draw(st.booleans()):
        query[data.draw(st.sampled_from(parameters))] = data.draw(
            st.lists(hostile.hostile_values(), min_size=2, max_size=3)
        )
    response = client.get(f"{url}?{hostile.urlencode(query)}")
    event(f"answered {response.status_code}")
    hostile.assert_answered(response, f"GET {url} {query!r}"[:2000])


# -- the cases hypothesis found, kept as plain examples ---------------------------------------


@pytest.mark.django_db
def test_a_control_character_in_the_feed_s_provider_filter_is_left_out_of_its_title(demo):
    # The feed names its filters in its title; XML 1.0 cannot hold an escape character.
    response = demo.client("anonymous").get(
        "/decisions/feed/", {"provider": "Refuge\x1b"}, HTTP_ACCEPT="application/atom+xml"
    )

    assert response.status_code == 200
    assert "about “Refuge”" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_the_public_category_filter_is_refused_not_a_server_error(demo):
    # The category is looked up by its slug: a NUL reached PostgreSQL, which refused the query.
    response = demo.client("anonymous").get("/decisions/?category=%00")

    assert response.status_code == 200
    assert response.context["errors"]


@pytest.mark.django_db
def test_a_nul_in_a_linked_decision_reference_is_a_field_error(demo):
    # The other decision is looked up by its reference, as typed.
    client = demo.client("officer")
    url = reverse("workspace:decision-edit", kwargs={"reference": DRAFT})
    data = form_fields(client.get(url))
    data.update({"decision_links-0-kind": "follows", "decision_links-0-to_decision": "WPCC3\x00"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["decision_links"].forms[0].errors["to_decision"] == [
        "Remove the null character from this answer"
    ]


@pytest.mark.django_db
def test_an_import_holding_a_nul_is_refused_with_a_problem(demo):
    client = demo.client("officer")
    url = reverse("workspace:import-decisions")
    upload = SimpleUploadedFile(
        "records.json", b'{"decisions": [{"reference": "X\\u0000", "title": "A title"}]}'
    )

    response = client.post(url, {"action": "check", "file": upload})

    assert response.status_code == 200
    assert [str(problem) for problem in response.context["problems"]] == [
        "Row 1: This record holds a null character (\\u0000): remove it."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("importer", ["workspace:import-decisions", "workspace:import-contracts"])
def test_an_import_holding_half_a_surrogate_pair_is_refused_with_a_problem(demo, importer):
    # JSON can spell "\\ud800", which is no character: PostgreSQL refused it at the save.
    client = demo.client("officer")
    upload = SimpleUploadedFile(
        "records.json", b'[{"reference": "\\ud800", "title": "A title", "status": "published"}]'
    )

    response = client.post(reverse(importer), {"action": "check", "file": upload})

    assert response.status_code == 200
    assert [str(problem) for problem in response.context["problems"]] == [
        "Row 1: This record holds half of a surrogate pair (\\ud800 to \\udfff) that is not "
        "a character: remove it, or give the whole character."
    ]


@pytest.mark.django_db
def test_a_refused_step_with_a_nul_in_its_comments_is_not_a_server_error(demo):
    client = demo.client("officer")  # not the Treasurer: refused, and the attempt recorded
    url = reverse("workspace:workflow-sign-off", kwargs={"reference": SUBMITTED})

    response = client.post(url, {"confirm": "yes", "comments": "Signed\x00 off"})

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_huge_page_number_on_the_timeline_is_not_a_server_error(demo):
    response = demo.client("officer").get("/workspace/timeline/?page=184467440737095518")

    assert response.status_code == 200
