"""The editor: why a returned decision came back, at the top; and the unsaved changes kept on
the server for their author only, offered back, never a history version until saved."""

import pytest
from django.urls import reverse

from decisions.models import DecisionStatus, EditorDraft
from tests.factories import UserFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


def edit_url(decision) -> str:
    return reverse("workspace:decision-edit", args=[decision.reference])


def autosave_url(decision) -> str:
    return reverse("workspace:decision-autosave", args=[decision.reference])


def editor_data(client, decision, **changes) -> dict:
    """What the editor would post: its fields as drawn, with `changes`."""
    return form_fields(client.get(edit_url(decision))) | changes


# -- the returned comment ----------------------------------------------------------------------


def test_a_returned_decision_shows_who_returned_it_and_why_at_the_top(
    client_for, officer, treasurer, make_draft, advance
):
    decision = advance(make_draft(), DecisionStatus.SUBMITTED)
    decision.return_to_draft(by=treasurer, comments="Add the annual cost.")

    html = client_for(officer).get(edit_url(decision)).content.decode()

    banner = html.index('id="returned-title"')
    assert banner < html.index("<h1")
    assert "Sara Treasurer returned this decision to draft on" in html[banner:]
    assert "Add the annual cost." in html[banner : html.index("<h1")]


def test_a_draft_never_returned_has_no_such_banner(client_for, officer, make_draft):
    html = client_for(officer).get(edit_url(make_draft())).content.decode()
    assert 'id="returned-title"' not in html


# -- unsaved changes kept on the server -------------------------------------------------------


def test_autosave_keeps_the_authors_text_without_making_a_version(client_for, officer, make_draft):
    decision = make_draft()
    client = client_for(officer)
    section = decision.sections.order_by("position").first()
    versions = (decision.history.count(), section.history.count())
    data = editor_data(client, decision, **{"sections-0-text": "Typed but not saved."})

    response = client.post(autosave_url(decision), data)

    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    kept = EditorDraft.objects.get(decision=decision, author=officer)
    assert kept.fields["sections-0-text"] == ["Typed but not saved."]
    assert "csrfmiddlewaretoken" not in kept.fields
    section.refresh_from_db()
    assert section.text != "Typed but not saved."
    assert (decision.history.count(), section.history.count()) == versions


def test_only_officers_may_keep_unsaved_changes(client_for, treasurer, officer, make_draft, client):
    decision = make_draft()
    assert client_for(treasurer).post(autosave_url(decision), {"title": "x"}).status_code == 403
    assert client.post(autosave_url(decision), {"title": "x"}).status_code == 302  # sign in
    assert not EditorDraft.objects.exists()


def test_the_editor_offers_them_back_to_their_author_only(client_for, officer, make_draft):
    decision = make_draft()
    client = client_for(officer)
    client.post(
        autosave_url(decision),
        editor_data(client, decision, **{"sections-0-text": "Typed but not saved."}),
    )

    page = client.get(edit_url(decision))
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "You have unsaved changes from" in html
    assert "Typed but not saved." not in html  # offered, not shown, until restored

    another = client_for(UserFactory(roles=officer_roles()))
    other_html = another.get(edit_url(decision)).content.decode()
    assert "You have unsaved changes" not in other_html
    assert (
        "Typed but not saved."
        not in another.get(edit_url(decision) + "?restore=1").content.decode()
    )


def officer_roles():
    from commissioning.roles import Role

    return [Role.OFFICER]


def test_restoring_shows_the_kept_text_and_saving_it_makes_it_the_record(
    client_for, officer, make_draft
):
    decision = make_draft()
    client = client_for(officer)
    client.post(
        autosave_url(decision),
        editor_data(client, decision, **{"sections-0-text": "Typed but not saved."}),
    )

    restored = client.get(edit_url(decision) + "?restore=1")
    assert "no-store" in restored["Cache-Control"]
    html = restored.content.decode()
    assert "Typed but not saved." in html
    assert "are shown below. They are not saved until" in html

    response = client.post(edit_url(decision), form_fields(restored))
    assert response.status_code == 302
    section = decision.sections.order_by("position").first()
    assert section.text == "Typed but not saved."
    assert not EditorDraft.objects.exists()  # deleted on save


def test_discarding_forgets_them(client_for, officer, make_draft):
    decision = make_draft()
    client = client_for(officer)
    client.post(autosave_url(decision), editor_data(client, decision))

    response = client.post(
        reverse("workspace:decision-autosave-discard", args=[decision.reference])
    )

    assert response.status_code == 302
    assert not EditorDraft.objects.exists()
    assert "You have unsaved changes" not in client.get(edit_url(decision)).content.decode()


def test_restored_text_typed_before_someone_elses_save_is_refused_as_stale(
    client_for, officer, make_draft
):
    decision = make_draft()
    client = client_for(officer)
    client.post(
        autosave_url(decision),
        editor_data(client, decision, **{"sections-0-text": "Typed but not saved."}),
    )
    colleague = client_for(UserFactory(roles=officer_roles()))
    colleague.post(edit_url(decision), editor_data(colleague, decision, title="A new title"))

    restored = client.get(edit_url(decision) + "?restore=1")
    assert "Typed but not saved." in restored.content.decode()
    response = client.post(edit_url(decision), form_fields(restored))

    assert response.status_code == 409
    section = decision.sections.order_by("position").first()
    assert section.text != "Typed but not saved."
    decision.refresh_from_db()
    assert decision.title == "A new title"


def test_a_decision_no_longer_editable_keeps_nothing(client_for, officer, make_draft, advance):
    decision = advance(make_draft(), DecisionStatus.APPROVED)
    response = client_for(officer).post(autosave_url(decision), {"title": "x"})
    assert response.status_code == 409
    assert not EditorDraft.objects.exists()


def test_text_no_database_keeps_is_refused_and_nothing_is_kept(client_for, officer, make_draft):
    decision = make_draft()
    response = client_for(officer).post(autosave_url(decision), {"title": "A\x00B"})
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]
    assert not EditorDraft.objects.exists()
