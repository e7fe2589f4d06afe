"""The register rows' own tags and filters give exactly what Django's would."""

import datetime

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contracts.models import Contract
from decisions.models import Decision

render = engines["django"].from_string


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2024, 4, 1),
        datetime.date(1999, 12, 31),
        datetime.date(2026, 1, 9),
        # Half past midnight on 1 July in London is still 30 June in UTC.
        datetime.datetime(2025, 6, 30, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2025, 1, 15, 12, 0),
        None,
        "",
    ],
)
def test_long_date_is_djangos_date_filter(value):
    ours = render("{% load registers %}{{ value|long_date }}").render({"value": value})
    djangos = render('{{ value|date:"j F Y" }}').render({"value": value})
    assert ours == djangos
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        assert ours == "1 July 2025"


@pytest.mark.parametrize("model", [Decision, Contract])
def test_status_tags_name_every_status_as_its_choices_do(model):
    tag = "decision_status" if model is Decision else "contract_status"
    template = render("{% load registers %}{% " + tag + " record %}")
    for value, label in model._meta.get_field("status").flatchoices:
        drawn = template.render({"record": model(status=value)})
        assert drawn.startswith('<strong class="govuk-tag ')
        assert drawn.endswith(f">{label}</strong>")


@pytest.mark.parametrize("pk", [1, 7, 10, 987654, 2147483647])
def test_pk_url_is_the_url_reverse_gives(pk):
    drawn = render("{% load registers %}{% pk_url 'workspace:contract-detail' pk %}")
    assert drawn.render({"pk": pk}) == reverse("workspace:contract-detail", args=[pk])


@pytest.mark.parametrize(
    "reference",
    ["WPCC3-0058", "OPCC/2024/17", "Décision 5", "100% & more", "a?b#c=d", "x y+z", "~:@!$'()*,;"],
)
def test_ref_url_is_the_url_djangos_url_tag_gives(reference):
    ours = render("{% load registers %}{% ref_url 'workspace:decision-detail' reference %}")
    djangos = render("{% url 'workspace:decision-detail' reference %}")
    assert ours.render({"reference": reference}) == djangos.render({"reference": reference})


@pytest.mark.parametrize("reference", ["", "two\nlines"])
def test_ref_url_refuses_what_reverse_refuses(reference):
    with pytest.raises(NoReverseMatch):
        reverse("workspace:decision-detail", args=[reference])
    template = render("{% load registers %}{% ref_url 'workspace:decision-detail' reference %}")
    with pytest.raises(NoReverseMatch):
        template.render({"reference": reference})


def test_label_is_the_display_django_gives():
    template = render('{% load registers %}{% label record "confidentiality" %}')
    values = [value for value, _ in Decision._meta.get_field("confidentiality").flatchoices]
    for value in [*values, "not-a-choice"]:
        record = Decision(confidentiality=value)
        assert template.render({"record": record}) == record.get_confidentiality_display()
