"""axe-core finds no serious or critical problem on any kind of workspace page, including
forms showing their errors and a save refused because the record changed meanwhile."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client

from commissioning.roles import Role
from contracts.models import Extension
from decisions.models import Appendix, Decision, Exemption
from tests.factories import (
    ArrangementPartnerFactory,
    ArrangementRiskFactory,
    CommissionerFactory,
    ContractFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    LotFactory,
    NoticeFactory,
    PartnerAskFactory,
    PartnerBodyFactory,
    PartnerPositionFactory,
    ProcurementPhaseFactory,
    ProgrammeFactory,
    ProviderFactory,
    StartedDecisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

D = datetime.date


@pytest.fixture
def site(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    officer = UserFactory(
        username="officer", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
    )
    provider = ProviderFactory(name="Change Grow Live")
    body = PartnerBodyFactory(name="Warwickshire County Council")
    programme = ProgrammeFactory(title="Victim services recommissioning 2022-24")
    phase = ProcurementPhaseFactory(programme=programme, name="Phase 1")
    lot = LotFactory(phase=phase, number=4, title="Modern slavery and human trafficking")
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2018", provider=provider, lot=lot)
    CommissionerFactory(contract=contract, body=None, role="lead", share=60)
    CommissionerFactory(contract=contract, body=body, role="co", share=40)
    notice = NoticeFactory(contract=contract)
    NoticeFactory(contract=None, phase=phase, identifier="", published_on=None)
    form = DecisionTemplateFactory(
        name="Executive order and supporting report",
        sections=[
            {"heading": "Order", "part": "Executive order", "is_mandatory": True},
            {"heading": "Financial implications", "part": "Supporting report"},
        ],
    )
    published = DecisionFactory(
        template=form,
        reference="EXE0044/23",
        decided=True,
        status=Decision.Status.PUBLISHED,
        published_on=D(2022, 6, 29),
        sections=[
            "Order",
            {"heading": "Financial implications", "withheld": True, "text": "412,750 pounds"},
        ],
    )
    published.refresh_confidentiality(by=officer)
    published.contracts.add(contract)
    contract.extend(
        new_end=D(2024, 3, 31),
        reason="Interim extension",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=published,
    )
    draft = StartedDecisionFactory(template=form, author=officer, title="Phase 1 award of Lot 4")
    appendix = Appendix(
        decision=draft,
        title="Evaluation summary",
        is_withheld=True,
        exemption=Exemption.S43_2,
        public_interest_statement="Prices would prejudice the procurement.",
    )
    appendix.file.save("evaluation.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    appendix.save()
    arrangement = JointArrangementFactory(title="LLR substance misuse", contracts=[contract])
    partner = ArrangementPartnerFactory(arrangement=arrangement, body=body)
    PartnerPositionFactory(partner=partner, as_of=D(2021, 1, 4))
    PartnerPositionFactory(partner=partner, position="separate", as_of=D(2021, 6, 1))
    risk = ArrangementRiskFactory(arrangement=arrangement)
    ask = PartnerAskFactory(arrangement=arrangement, of_body=body)
    return {
        "officer": officer,
        "provider": provider,
        "body": body,
        "programme": programme,
        "phase": phase,
        "lot": lot,
        "contract": contract,
        "published": published,
        "draft": draft,
        "arrangement": arrangement,
        "partner": partner,
        "risk": risk,
        "ask": ask,
        "form": form,
        "notice": notice,
    }


@pytest.fixture
def signed_in(live_server, page, site):
    client = Client()
    client.force_login(site["officer"])
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def read_pages(s) -> list[str]:
    return [
        "/workspace/",
        "/workspace/decisions/",
        "/workspace/decisions/?status=published&q=EXE",
        f"/workspace/decisions/{s['published'].reference}/",
        f"/workspace/decisions/{s['published'].reference}/history/",
        f"/workspace/decisions/{s['draft'].reference}/",
        "/workspace/contracts/",
        f"/workspace/contracts/{s['contract'].pk}/",
        f"/workspace/contracts/{s['contract'].pk}/history/",
        "/workspace/providers/",
        f"/workspace/providers/{s['provider'].pk}/",
        f"/workspace/providers/{s['provider'].pk}/history/",
        "/workspace/partners/",
        f"/workspace/partners/{s['body'].pk}/",
        "/workspace/programmes/",
        f"/workspace/programmes/{s['programme'].pk}/",
        f"/workspace/programmes/{s['programme'].pk}/history/",
        "/workspace/arrangements/",
        f"/workspace/arrangements/{s['arrangement'].pk}/",
        f"/workspace/arrangements/{s['arrangement'].pk}/history/",
        "/workspace/timeline/",
        "/workspace/timeline/?group=lot",
    ]


def decision_part_pages(s) -> list[str]:
    """A draft's providers, grants and awards, and links outside the register."""
    reference = s["draft"].reference
    return [
        f"/workspace/decisions/{reference}/{name}/"
        for name in ("providers", "awards", "outside-links")
    ]


def form_pages(s) -> list[str]:
    return [
        "/workspace/decisions/new/",
        f"/workspace/decisions/new/{s['form'].pk}/",
        f"/workspace/decisions/{s['draft'].reference}/edit/",
        f"/workspace/decisions/{s['draft'].reference}/appendices/new/",
        *decision_part_pages(s),
        "/workspace/contracts/new/",
        f"/workspace/contracts/{s['contract'].pk}/edit/",
        f"/workspace/contracts/{s['contract'].pk}/extend/",
        "/workspace/providers/new/",
        f"/workspace/providers/{s['provider'].pk}/edit/",
        "/workspace/partners/new/",
        "/workspace/programmes/new/",
        f"/workspace/programmes/{s['programme'].pk}/phases/new/",
        f"/workspace/phases/{s['phase'].pk}/lots/new/",
        f"/workspace/lots/{s['lot'].pk}/edit/",
        f"/workspace/phases/{s['phase'].pk}/edit/",
        f"/workspace/phases/{s['phase'].pk}/notices/new/",
        f"/workspace/contracts/{s['contract'].pk}/notices/new/",
        f"/workspace/notices/{s['notice'].pk}/edit/",
        "/workspace/arrangements/new/",
        f"/workspace/arrangements/{s['arrangement'].pk}/partners/new/",
        f"/workspace/arrangement-partners/{s['partner'].pk}/positions/new/",
        f"/workspace/arrangements/{s['arrangement'].pk}/risks/new/",
        f"/workspace/asks/{s['ask'].pk}/edit/",
    ]


def test_every_reading_page_is_accessible(live_server, signed_in, axe, site):
    for path in read_pages(site):
        response = signed_in.goto(live_server.url + path)
        assert response.status == 200, path
        axe(signed_in)


def test_every_form_is_accessible_empty_and_with_its_errors(live_server, signed_in, axe, site):
    for path in form_pages(site):
        response = signed_in.goto(live_server.url + path)
        assert response.status == 200, path
        axe(signed_in)
        form = signed_in.locator("#main-content form[method=post]").first
        for field in form.locator("input[type=text]:visible, textarea:visible").all():
            field.fill("")
        form.locator("button[type=submit]").first.click()
        signed_in.wait_for_load_state()
        axe(signed_in)


def test_sign_in_page_is_accessible_with_and_without_errors(live_server, page, axe, site):
    page.goto(live_server.url + "/accounts/login/")
    axe(page)
    page.get_by_role("button", name="Sign in").click()
    axe(page)


def test_a_refused_stale_save_is_accessible(live_server, signed_in, axe, site):
    provider = site["provider"]
    signed_in.goto(live_server.url + f"/workspace/providers/{provider.pk}/edit/")
    provider.name = "Change Grow Live (CGL)"
    provider._history_user = site["officer"]
    provider.save()

    signed_in.get_by_role("button", name="Save changes").click()

    assert signed_in.get_by_text("Your changes have not been saved").is_visible()
    axe(signed_in)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_decision_part_pages_fit_the_screen_with_and_without_errors(
    live_server, signed_in, axe, site, width
):
    signed_in.set_viewport_size({"width": width, "height": 900})
    wider = "document.documentElement.scrollWidth > window.innerWidth"
    for path in decision_part_pages(site):
        response = signed_in.goto(live_server.url + path)
        assert response.status == 200, path
        axe(signed_in)
        assert not signed_in.evaluate(wider), path
        # Sent with a row half filled: the errors are shown next to the fields.
        signed_in.locator("#main-content select").first.select_option(index=1)
        signed_in.locator("#main-content form[method=post] button[type=submit]").first.click()
        signed_in.wait_for_load_state()
        axe(signed_in)
        assert not signed_in.evaluate(wider), path
