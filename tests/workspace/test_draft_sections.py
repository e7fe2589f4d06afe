"""A draft's own sections, changed from its page (issue 22): headings renamed, a section added
and one removed with its text, and the sections reordered, all in one save; a heading given
twice is named on its row; a decided record is not changed here; the form is not changed."""

import pytest
from django.urls import reverse

from decisions.models import DecisionSection, DecisionStatus
from tests.factories import DecisionTemplateFactory, StartedDecisionFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    form = DecisionTemplateFactory(sections=["Background", "Options", "Costs"])
    draft = StartedDecisionFactory(template=form, author=officer, reference="WPCC3-0072")
    for section in draft.sections.all():
        section.text = f"What the officer wrote under {section.heading}."
        section._history_user = officer
        section.save()
    return draft


def opened(client, draft):
    detail = client.get(reverse("workspace:decision-detail", args=[draft.reference]))
    url = reverse("workspace:decision-sections", args=[draft.reference])
    assert f'href="{url}"' in detail.content.decode()
    return url, client.get(url)


def shape(draft) -> list[tuple[int, str]]:
    return list(draft.sections.order_by("position").values_list("position", "heading"))


def test_an_officer_renames_adds_removes_and_reorders_sections_in_one_save(
    client_for, officer, draft
):
    client = client_for(officer)
    url, page = opened(client, draft)
    data = form_fields(page)
    data.update(
        {
            "rows-0-heading": "Background and context",
            "rows-1-DELETE": "on",  # Options, with its text
            "rows-2-place": "1",  # Costs first
            "rows-3-heading": "Risks",  # a new section, last
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    assert shape(draft) == [(1, "Costs"), (2, "Background and context"), (3, "Risks")]
    kept = draft.sections.get(heading="Background and context")
    assert kept.text == "What the officer wrote under Background."
    removed = DecisionSection.history.filter(heading="Options", history_type="-").get()
    assert removed.history_user == officer
    assert list(draft.template.sections.values_list("heading", flat=True)) == [
        "Background",
        "Options",
        "Costs",
    ]


def test_a_heading_given_twice_is_named_on_its_row_and_nothing_is_saved(client_for, officer, draft):
    client = client_for(officer)
    url, page = opened(client, draft)
    data = {**form_fields(page), "rows-1-heading": "Background"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Another section has this heading: give each its own" in response.content.decode()
    assert shape(draft) == [(1, "Background"), (2, "Options"), (3, "Costs")]


def test_a_page_opened_before_another_change_saves_nothing(client_for, officer, draft):
    client = client_for(officer)
    url, stale = opened(client, draft)
    _url, fresh = opened(client, draft)
    client.post(url, {**form_fields(fresh), "rows-0-heading": "First change"})

    response = client.post(url, {**form_fields(stale), "rows-0-heading": "Second change"})

    assert response.status_code == 409
    assert shape(draft)[0] == (1, "First change")


def test_a_decided_record_is_not_changed_here(client_for, officer, draft):
    DecisionSection.objects.filter(decision=draft).update(text="Written.")
    type(draft).objects.filter(pk=draft.pk).update(status=DecisionStatus.APPROVED)
    url = reverse("workspace:decision-sections", args=[draft.reference])
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-heading": "Added late"}

    response = client_for(officer).post(url, data)

    assert response.status_code == 302
    assert not draft.sections.filter(heading="Added late").exists()


def test_a_section_neither_moved_nor_changed_is_not_written_again(client_for, officer, draft):
    client = client_for(officer)
    url, page = opened(client, draft)
    untouched = list(draft.sections.exclude(heading="Background").values_list("pk", flat=True))
    before = DecisionSection.history.filter(id__in=untouched).count()

    client.post(url, {**form_fields(page), "rows-0-heading": "Background and context"})

    assert shape(draft)[0] == (1, "Background and context")
    assert DecisionSection.history.filter(id__in=untouched).count() == before
