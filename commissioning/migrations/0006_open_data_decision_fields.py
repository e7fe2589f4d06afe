"""The open data page says what the decision files hold of each record's form: a section added
to the end of the page (whatever the office's wording above it), unless the page already has
one."""

from django.db import migrations

HEADING = "## Each record's form and its own fields"
SECTION = """

## Each record's form and its own fields

Each office's decision form can have fields of its own, such as a priority in the police and crime plan. In the [JSON file of all published decisions](/decisions.json) each decision gives the form it was made on (form) and the office whose record it is (office), and the value of each of its form's own public fields under the field's name. A date is given as precisely as the record gives it: a year (2021), a month (2021-03) or a day (2021-03-15).

- A field the record does not give, because it was taken outside the register without it, is null: the record says "Not recorded".
- A field withheld under the Freedom of Information Act 2000 has no value: its name is listed in withheld_fields.
- A field that is not on the public record, or that the decision's form does not have, is not in the file at all.

In the office's own spreadsheet of its decisions, a field recorded as not recorded says "Not recorded" and a withheld one "Withheld"; an empty cell means that no value was given, or that the decision's form has no such field."""


def add_section(apps, schema_editor):
    InformationPage = apps.get_model("commissioning", "InformationPage")
    for page in InformationPage.objects.filter(topic="open-data"):
        if HEADING not in page.body:
            page.body = page.body.rstrip() + SECTION
            page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0005_privacy_notice_alerts")]

    operations = [migrations.RunPython(add_section, migrations.RunPython.noop)]
