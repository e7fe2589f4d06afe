"""A date to the day, the month or the year: reading, writing, order and the form field."""

import datetime

import pytest
from django import forms
from django.template import Context, Template

from commissioning.dates import PreciseDate, PreciseDateField, Precision, parse_precise
from commissioning.forms import GovukFormMixin, error_summary

D = datetime.date


@pytest.mark.parametrize(
    ("text", "iso", "shown"),
    [
        ("2021", "2021", "2021"),
        ("2021-03", "2021-03", "March 2021"),
        ("March 2021", "2021-03", "March 2021"),
        ("Mar 2021", "2021-03", "March 2021"),
        ("03/2021", "2021-03", "March 2021"),
        ("2021-03-15", "2021-03-15", "15 March 2021"),
        ("15/03/2021", "2021-03-15", "15 March 2021"),
        ("15th March 2021", "2021-03-15", "15 March 2021"),
    ],
)
def test_a_date_is_read_at_the_precision_it_is_written(text, iso, shown):
    date = parse_precise(text)
    assert date.iso == iso
    assert date.display == shown
    assert parse_precise(date.iso) == date


@pytest.mark.parametrize("text", ["2021-13", "Smarch 2021", "31/02/2021", "soon", "", "21"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_precise(text)


def test_a_month_is_kept_as_its_first_day_and_spans_the_month():
    march = PreciseDate(D(2021, 3, 17), Precision.MONTH)
    assert march.value == D(2021, 3, 1)
    assert march.last_day == D(2021, 3, 31)
    assert PreciseDate.of(2020).last_day == D(2020, 12, 31)
    assert PreciseDate.of(2024, 2).last_day == D(2024, 2, 29)


def test_dates_sort_by_their_first_day_then_the_finer_first():
    dates = [PreciseDate.of(2021), PreciseDate.of(2021, 3), PreciseDate.of(2021, 1, 1)]
    assert sorted(dates) == [
        PreciseDate.of(2021, 1, 1),
        PreciseDate.of(2021),
        PreciseDate.of(2021, 3),
    ]
    assert PreciseDate.of(2021, 3) < D(2021, 3, 2)
    assert PreciseDate.of(2021, 3) != PreciseDate.of(2021, 3, 1)


def test_a_month_falls_within_a_range_that_meets_it():
    march = PreciseDate.of(2021, 3)
    assert march.within(D(2021, 3, 1), D(2021, 3, 31))
    assert march.within(D(2021, 3, 20), None)
    assert march.within(None, D(2021, 3, 1))
    assert not march.within(D(2021, 4, 1), D(2021, 12, 31))
    assert not PreciseDate.of(2021, 3, 15).within(D(2021, 3, 16), None)


def test_the_template_filter_writes_a_date_at_its_precision_or_not_recorded():
    template = Template("{{ a|precise }}|{{ b|precise }}|{{ c|precise }}|{{ d|precise:'Not yet' }}")
    context = Context({"a": PreciseDate.of(2021, 3), "b": D(2021, 3, 15), "c": None, "d": None})
    assert template.render(context) == "March 2021|15 March 2021|Not recorded|Not yet"


class DatedForm(GovukFormMixin, forms.Form):
    decided_on = PreciseDateField(label="Date of decision", required=False)


def _post(day, month, year):
    return DatedForm({"decided_on_day": day, "decided_on_month": month, "decided_on_year": year})


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("15", "3", "2021"), PreciseDate.of(2021, 3, 15)),
        (("", "3", "2021"), PreciseDate.of(2021, 3)),
        (("", "", "2021"), PreciseDate.of(2021)),
        (("", "", ""), None),
    ],
)
def test_the_form_field_takes_a_day_a_month_or_a_year(parts, expected):
    form = _post(*parts)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["decided_on"] == expected


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            ("31", "2", "2021"),
            "Date of decision must be a real date, like 15 3 2021, 3 2021 or 2021",
        ),
        (("15", "3", ""), "Date of decision must include a year"),
        (("15", "", "2021"), "Date of decision must include a month"),
        (
            ("1", "13", "2021"),
            "Date of decision must be a real date, like 15 3 2021, 3 2021 or 2021",
        ),
        (("", "", "21"), "Date of decision must be a real date, like 15 3 2021, 3 2021 or 2021"),
    ],
)
def test_the_form_field_says_what_is_wrong_next_to_the_field_and_in_the_summary(parts, message):
    form = _post(*parts)
    assert not form.is_valid()
    assert form.errors["decided_on"] == [message]
    assert error_summary(form) == [{"href": "#id_decided_on_day", "text": message}]
    html = Template("{% include 'workspace/includes/field.html' with field=form.decided_on %}")
    drawn = html.render(Context({"form": form}))
    assert message in drawn
    assert "govuk-form-group--error" in drawn
    # What was typed is shown again, to be corrected.
    assert f'name="decided_on_year" type="text" inputmode="numeric" value="{parts[2]}"' in drawn


def test_the_form_field_shows_a_month_with_the_day_box_empty():
    form = DatedForm(initial={"decided_on": PreciseDate.of(2021, 3)})
    drawn = str(form["decided_on"])
    assert 'name="decided_on_day" type="text" inputmode="numeric" value=""' in drawn
    assert 'name="decided_on_month" type="text" inputmode="numeric" value="3"' in drawn
    assert 'name="decided_on_year" type="text" inputmode="numeric" value="2021"' in drawn


@pytest.mark.django_db
def test_a_range_filter_in_sql_finds_a_month_that_meets_the_range():
    from commissioning.dates import overlaps_q
    from contracts.models import Contract
    from tests.factories import ContractFactory

    march = ContractFactory(reference="MARCH", starts_on=None)
    march.ends = PreciseDate.of(2025, 3)
    march.save()
    ContractFactory(reference="DAY", starts_on=None, ends_on=D(2025, 3, 1))
    ContractFactory(reference="UNKNOWN", starts_on=None, ends_on=None)

    def found(start, end) -> list[str]:
        query = Contract.objects.filter(overlaps_q("ends_on", start, end))
        return sorted(query.values_list("reference", flat=True))

    assert found(D(2025, 3, 15), D(2025, 3, 20)) == ["MARCH"]
    assert found(D(2025, 3, 1), D(2025, 3, 1)) == ["DAY", "MARCH"]
    assert found(D(2025, 4, 1), None) == []
