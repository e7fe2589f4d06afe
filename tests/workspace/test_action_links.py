"""Actions offered where the role that takes them looks: each page a journey reaches by
clicking has its link on the page before, for that role only."""

import pytest

pytestmark = pytest.mark.django_db

ADMINISTRATION = '<a class="govuk-link" href="/admin/">Administration</a>'


def test_administrators_find_the_admin_from_the_dashboard(client_for, administrator):
    page = client_for(administrator).get("/workspace/").content.decode()

    assert ADMINISTRATION in page


@pytest.mark.parametrize(
    "persona", ["officer", "treasurer", "monitoring_officer", "chief_officer", "pcc"]
)
def test_other_staff_are_not_offered_the_admin(client_for, persona, request):
    page = client_for(request.getfixturevalue(persona)).get("/workspace/").content.decode()

    assert ADMINISTRATION not in page
