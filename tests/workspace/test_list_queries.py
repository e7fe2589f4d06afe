"""Every list page runs a fixed number of queries, however many rows it lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Extension
from decisions.models import CommentRole
from tests.factories import (
    AppendixFactory,
    ArrangementPartnerFactory,
    AwardFactory,
    CommissionerFactory,
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    DecisionSectionFactory,
    JointArrangementFactory,
    LotFactory,
    PartnerAskFactory,
    PartnerBodyFactory,
    PartnerPositionFactory,
    ProgrammeFactory,
    SignatureFactory,
    StartedDecisionFactory,
    StatutoryCommentFactory,
    WorkflowEventFactory,
)

pytestmark = pytest.mark.django_db


def decisions(n, user):
    for _ in range(n):
        decision = DecisionFactory(category=DecisionCategoryFactory(), decided=True)
        decision.contracts.add(ContractFactory())


def contracts(n, user):
    for _ in range(n):
        contract = ContractFactory(lot=LotFactory())
        CommissionerFactory(contract=contract)
        contract.extend(
            new_end=contract.ends_on + datetime.timedelta(days=365),
            reason="Interim",
            basis=Extension.Basis.EXEMPTION,
            by=user,
            authorising_decision=DecisionFactory(decided=True),
        )
        DecisionFactory(decided=True).contracts.add(contract)


def providers(n, user):
    for _ in range(n):
        ContractFactory()


def partners(n, user):
    for _ in range(n):
        body = PartnerBodyFactory()
        CommissionerFactory(body=body)
        ArrangementPartnerFactory(body=body)


def programmes(n, user):
    for _ in range(n):
        LotFactory(phase__programme=ProgrammeFactory())


def arrangements(n, user):
    for _ in range(n):
        partner = ArrangementPartnerFactory(arrangement=JointArrangementFactory())
        PartnerPositionFactory(partner=partner)
        PartnerAskFactory(arrangement=partner.arrangement)


def dashboard(n, user):
    today = datetime.date.today()
    for _ in range(n):
        StartedDecisionFactory(author=user)
        ContractFactory(ends_on=today + datetime.timedelta(days=30))
        partner = ArrangementPartnerFactory()
        PartnerPositionFactory(partner=partner, as_of=today - datetime.timedelta(days=200))
        PartnerPositionFactory(
            partner=partner, position="separate", as_of=today - datetime.timedelta(days=5)
        )
        DecisionFactory(status="published", published_on=today)
        ContractFactory(total_value=None, annual_value=None)


# (URL, rows maker, the queries it runs). Two of every count are the session and the user
# (read with their roles and permissions). A filter form kept in the cache costs one query,
# for the version of the records its drop-downs list (the decision register's years included).
LIST_PAGES = {
    "decision-list": ("/workspace/decisions/", decisions, 5),
    # 4: the names of the forms' own fields, each a column.
    "decision-export": ("/workspace/decisions/export.csv", decisions, 4),
    "contract-list": ("/workspace/contracts/", contracts, 5),
    # 7: the spend charts beneath the list, one grouped query each (provider, department,
    # year), whatever the number of contracts.
    "provider-list": ("/workspace/providers/", providers, 7),
    "partner-list": ("/workspace/partners/", partners, 4),
    "programme-list": ("/workspace/programmes/", programmes, 4),
    "arrangement-list": ("/workspace/arrangements/", arrangements, 5),
    "timeline": ("/workspace/timeline/", contracts, 7),
    # 10: the forward plan's decisions past their date are one query more; 11: the
    # contracts with no recorded value, one query more.
    "dashboard": ("/workspace/", dashboard, 11),
}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_page_query_count_is_pinned_and_does_not_grow_with_rows(client_for, officer, page):
    url, make_rows, pinned = LIST_PAGES[page]
    client = client_for(officer)
    make_rows(2, officer)
    queries_for(client, url)  # the session and caches settle on the first request
    few = queries_for(client, url)

    make_rows(6, officer)
    queries_for(client, url)  # drop-downs of records are read afresh once after a change
    many = queries_for(client, url)

    assert few == pinned
    assert many == pinned


def test_history_page_query_count_does_not_grow_with_versions(client_for, officer):
    decision = StartedDecisionFactory(author=officer)
    client = client_for(officer)
    url = reverse("workspace:decision-history", args=[decision.reference])

    def edit(number: int) -> None:
        section = decision.sections.first()
        section.text = f"Version {number}"
        section._history_user = officer
        section.save()
        decision.title = f"Title {number}"
        decision._history_user = officer
        decision.save()
        decision.contracts.add(ContractFactory())

    edit(0)
    queries_for(client, url)
    few = queries_for(client, url)
    for number in range(1, 6):
        edit(number)
    many = queries_for(client, url)

    assert many == few
    # One of them reads whether any section is withheld (the audit log); one per track of
    # the history, awards, providers and the three of the figures among them.
    assert many == 23


def test_decision_page_query_count_does_not_grow_with_what_the_decision_holds(client_for, officer):
    """Sections, appendices, comments, awards, signatures, steps taken, contracts,
    extensions, programmes, arrangements and links to other decisions: one row of each, then
    three of each, and the page runs the same queries."""
    decision = DecisionFactory(decided=True, category=DecisionCategoryFactory())
    client = client_for(officer)
    url = reverse("workspace:decision-detail", args=[decision.reference])

    roles = list(CommentRole)

    def add(n: int) -> None:
        for _ in range(n):
            DecisionSectionFactory(decision=decision)
            AppendixFactory(decision=decision)
            StatutoryCommentFactory(decision=decision, role=roles.pop(0))
            AwardFactory(decision=decision)
            # One live signature per step: the later ones are void, as after an edit.
            voided = {"voided_at": timezone.now(), "void_reason": "Edited"}
            SignatureFactory(decision=decision, **(voided if decision.signatures.exists() else {}))
            WorkflowEventFactory(decision=decision)
            contract = ContractFactory()
            decision.contracts.add(contract)
            contract.extend(
                new_end=contract.ends_on + datetime.timedelta(days=365),
                reason="Interim",
                basis=Extension.Basis.EXEMPTION,
                by=officer,
                authorising_decision=decision,
            )
            decision.programmes.add(ProgrammeFactory())
            decision.arrangements.add(JointArrangementFactory())
            DecisionLinkFactory(from_decision=decision)
            DecisionLinkFactory(to_decision=decision)

    add(1)
    queries_for(client, url)
    few = queries_for(client, url)
    add(2)
    many = queries_for(client, url)

    assert many == few
    # The session; the user with their roles, permissions and whether they hold a delegation;
    # the decision with its form, its form's office and the layout it was published with
    # (none yet); its sections, appendices, comments, awards, signatures and steps taken; its
    # form's layout (decisions.models.layout); what it concerns (one query). It has no values
    # of its own (no field of its form's, nothing marked "not recorded"), and reads none:
    # tests/workspace/test_decision_page_queries.py. The sign-off panel reads nothing more.
    assert many == 11
