"""The shared kit the importers and pages stand on: the import command's interface, and the
one way money is written."""

from decimal import Decimal

import pytest
from django.core.management import load_command_class
from django.template import engines

from commissioning.importing import Import
from commissioning.importing.command import ImportCommand
from commissioning.money import pounds


@pytest.mark.parametrize(
    ("app", "name", "noun"),
    [("decisions", "import_decisions", "decision"), ("contracts", "import_contracts", "contract")],
)
def test_each_import_command_is_the_shared_command_with_its_importer(app, name, noun):
    command = load_command_class(app, name)
    parser = command.create_parser("manage.py", name)
    options = vars(parser.parse_args(["file.csv", "--dry-run", "--user", "officer"]))

    assert isinstance(command, ImportCommand)
    assert issubclass(command.importer, Import)
    assert command.importer.noun == noun
    assert (options["file"], options["dry_run"], options["user"]) == ("file.csv", True, "officer")


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("12500"), "£12,500.00"),
        (Decimal("0.5"), "£0.50"),
        (Decimal("-1234567.891"), "£-1,234,567.89"),
        (3, "£3.00"),
        ("999999999999.99", "£999,999,999,999.99"),
    ],
)
def test_money_is_written_one_way_in_code_and_in_templates(amount, written):
    template = engines["django"].from_string("{% load registers %}{{ amount|money }}")

    assert pounds(amount) == written
    assert template.render({"amount": amount}) == written


def test_no_amount_is_not_recorded():
    template = engines["django"].from_string("{% load registers %}{{ amount|money }}")

    assert template.render({"amount": None}) == "Not recorded"
