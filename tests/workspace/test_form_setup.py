"""Setting up an office's form in the workspace: who may, and what each change does to the
form's layout, its history and a stale page."""

import pytest

from commissioning.roles import Role
from decisions.models import DecisionTemplate, ElementKind, FormElement
from tests.conftest import give_permission
from tests.factories import DecisionTemplateFactory, UserFactory
from tests.workspace.conftest import version_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(administrator) -> DecisionTemplate:
    form = DecisionTemplateFactory(name="Decision notice", sections=["Background"])
    form.lay_out_default(by=administrator)
    return form


@pytest.fixture
def admin_client(client_for, administrator):
    return client_for(administrator)


def kinds(form) -> list[str]:
    return list(form.elements.order_by("position").values_list("kind", flat=True))


def setup_page(client, form):
    return client.get(f"/workspace/forms/{form.pk}/")


@pytest.mark.parametrize(
    "role",
    [Role.OFFICER, Role.TREASURER, Role.MONITORING_OFFICER, Role.CHIEF_OFFICER, Role.COMMISSIONER],
)
def test_staff_without_the_permission_are_refused_every_page_and_change(client_for, form, role):
    client = client_for(UserFactory(roles=[role]))
    title = form.elements.get(kind=ElementKind.TITLE)
    for url in (
        "/workspace/forms/",
        f"/workspace/forms/{form.pk}/",
        f"/workspace/forms/{form.pk}/elements/new/",
        f"/workspace/forms/{form.pk}/elements/{title.pk}/",
        f"/workspace/forms/{form.pk}/settings/",
        f"/workspace/forms/{form.pk}/history/",
    ):
        assert client.get(url).status_code == 403, url
    moved = client.post(
        f"/workspace/forms/{form.pk}/elements/{title.pk}/move/", {"direction": "down"}
    )
    removed = client.post(f"/workspace/forms/{form.pk}/elements/{title.pk}/remove/")
    assert (moved.status_code, removed.status_code) == (403, 403)
    assert kinds(form)[0] == ElementKind.TITLE


def test_someone_not_signed_in_is_sent_to_sign_in(client, form):
    response = client.get(f"/workspace/forms/{form.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_officer_given_the_permission_sets_up_forms_from_the_dashboard(client_for, form):
    officer = give_permission(
        UserFactory(roles=[Role.OFFICER]), "decisions.change_decisiontemplate"
    )
    client = client_for(officer)
    assert b"/workspace/forms/" in client.get("/workspace/").content
    assert client.get(f"/workspace/forms/{form.pk}/").status_code == 200
    plain = client_for(UserFactory(roles=[Role.OFFICER]))
    assert b"/workspace/forms/" not in plain.get("/workspace/").content


def test_an_own_field_is_added_in_its_place_with_its_user_in_the_history(
    admin_client, administrator, form
):
    page = setup_page(admin_client, form)
    response = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/new/",
        {
            "kind": ElementKind.FIELD,
            "label": "Priority in the police and crime plan",
            "name": "plan_priority",
            "field_type": "choice",
            "choice_lines": "Victims\n\nSafer roads\n",
            "is_public": "on",
            "place": "3",
            "version": version_of(page),
        },
    )

    assert response.status_code == 302
    field = form.elements.get(name="plan_priority")
    assert (field.position, field.choices, field.is_public) == (3, ["Victims", "Safer roads"], True)
    assert kinds(form)[:3] == [ElementKind.TITLE, ElementKind.REFERENCE, ElementKind.FIELD]
    assert field.history.first().history_user == administrator
    preview = setup_page(admin_client, form).content.decode()
    assert "Priority in the police and crime plan" in preview


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "reference", "field_type": "text"}, "name", "The record has this name already"),
        ({"name": "Plan Priority", "field_type": "text"}, "name", "Enter a valid"),
        ({"name": "plan_priority", "field_type": "choice"}, "choice_lines", "List the choices"),
        ({"name": "", "field_type": ""}, None, "needs a name and a type"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_added(
    admin_client, form, data, field, message
):
    before = kinds(form)
    page = setup_page(admin_client, form)
    response = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/new/",
        {"kind": ElementKind.FIELD, "label": "Plan", "version": version_of(page), **data},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", [])), errors
    assert kinds(form) == before


def test_moving_an_element_down_swaps_it_with_the_next(admin_client, administrator, form):
    title = form.elements.get(kind=ElementKind.TITLE)
    page = setup_page(admin_client, form)
    response = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{title.pk}/move/",
        {"direction": "down", "version": version_of(page)},
    )

    assert response.status_code == 302
    assert kinds(form)[:2] == [ElementKind.REFERENCE, ElementKind.TITLE]
    assert FormElement.history.filter(id=title.pk).first().history_user == administrator


def test_a_change_made_on_a_page_drawn_before_another_is_refused(admin_client, form):
    title = form.elements.get(kind=ElementKind.TITLE)
    stale = version_of(setup_page(admin_client, form))
    admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{title.pk}/move/",
        {"direction": "down", "version": stale},
    )

    again = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{title.pk}/move/",
        {"direction": "down", "version": stale},
    )
    renamed = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{title.pk}/",
        {"label": "Subject", "version": stale},
    )

    assert (again.status_code, renamed.status_code) == (409, 409)
    assert "Your changes have not been saved" in renamed.content.decode()
    assert kinds(form)[:2] == [ElementKind.REFERENCE, ElementKind.TITLE]
    assert form.elements.get(pk=title.pk).label == "Decision title"


def test_an_element_is_renamed_reworded_and_renumbered_in_one_save(admin_client, form):
    summary = form.elements.get(kind=ElementKind.SUMMARY)
    edit = admin_client.get(f"/workspace/forms/{form.pk}/elements/{summary.pk}/")
    response = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{summary.pk}/",
        {"label": "Executive summary", "place": "1", "version": version_of(edit)},
    )

    assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.label, summary.position) == ("Executive summary", 1)
    assert sorted(form.elements.values_list("position", flat=True)) == list(range(1, 19))


def test_removing_an_element_closes_the_gap(admin_client, form):
    category = form.elements.get(kind=ElementKind.CATEGORY)
    page = admin_client.get(f"/workspace/forms/{form.pk}/elements/{category.pk}/remove/")
    response = admin_client.post(
        f"/workspace/forms/{form.pk}/elements/{category.pk}/remove/",
        {"version": version_of(page)},
    )

    assert response.status_code == 302
    assert ElementKind.CATEGORY not in kinds(form)
    assert sorted(form.elements.values_list("position", flat=True)) == list(range(1, 18))


def test_a_form_not_laid_out_starts_from_the_first_layout(admin_client, administrator):
    form = DecisionTemplateFactory(sections=[])
    page = setup_page(admin_client, form)
    assert "Start from the register" in page.content.decode()

    admin_client.post(f"/workspace/forms/{form.pk}/lay-out/", {"version": version_of(page)})

    assert kinds(form)[0] == ElementKind.TITLE
    assert form.elements.first().history.first().history_user == administrator


def test_the_settings_change_the_numbering_and_a_clash_of_names_is_refused(admin_client, form):
    other = DecisionTemplateFactory(name="Executive order", sections=[])
    url = f"/workspace/forms/{form.pk}/settings/"
    token = version_of(admin_client.get(url))

    clash = admin_client.post(
        url, {"name": other.name, "numbering": "none", "is_active": "on", "version": token}
    )
    saved = admin_client.post(
        url, {"name": "Decision notice", "numbering": "none", "is_active": "on", "version": token}
    )

    assert clash.status_code == 200
    assert "name" in clash.context["form"].errors
    assert saved.status_code == 302
    form.refresh_from_db()
    assert form.numbering == DecisionTemplate.Numbering.NONE
    assert "Not numbered" in setup_page(admin_client, form).content.decode()
