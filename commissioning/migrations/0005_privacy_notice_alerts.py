"""The privacy notice says what the public's e-mail alerts keep: a section added to the end of
the page (whatever the office's wording above it), unless the page already has one."""

from django.db import migrations

HEADING = "## E-mail alerts"
SECTION = """

## E-mail alerts

If you ask for e-mail alerts, we keep your e-mail address, what you asked to hear about (for example a category or search words), how often, and when you confirmed and were last sent an alert. Nothing else is kept: no name, and no record of which alerts you opened.

We use the address only to send the alerts you asked for. It is not shown on any page, in any export or to anyone outside the office. If you do not confirm your address within 7 days, it is deleted. Every alert has a link to stop them; using it deletes your address at once.

The lawful basis is your consent, which you give by confirming and withdraw by unsubscribing."""


def add_section(apps, schema_editor):
    InformationPage = apps.get_model("commissioning", "InformationPage")
    for page in InformationPage.objects.filter(topic="privacy"):
        if HEADING not in page.body:
            page.body = page.body.rstrip() + SECTION
            page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0004_information_page_defaults")]

    operations = [migrations.RunPython(add_section, migrations.RunPython.noop)]
