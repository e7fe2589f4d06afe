"""Personas (one user per role) and helpers shared by the tests."""

import os
import re

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test import Client, override_settings
from hypothesis import settings as hypothesis_settings

from commissioning.roles import Role
from tests.factories import UserFactory

# In CI, hypothesis searches the same examples on every run, so that a change which passed
# here passes there; a developer's runs keep exploring new ones. Loaded here, before the test
# modules build their own settings on top of it.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    hypothesis_settings.load_profile("ci")


IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "exports"],
    }
}


@pytest.fixture(autouse=True)
def background_work_at_once():
    """Background jobs run as they are queued, so a test sees their effect (an e-mail in the
    outbox) at once. tests/workflow/test_background.py runs the real queue: the database and
    the worker. (Not through the `settings` fixture: a test's own `settings` changes, such as
    an unreachable cache, must be undone before `empty_cache` clears the cache.)"""
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield


@pytest.fixture(autouse=True)
def media_of_its_own(tmp_path):
    """Uploads and stored PDFs go to a folder of the test's own, never the project's."""
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture(autouse=True)
def public_pdfs_not_rendered_on_publication(request, monkeypatch):
    """Publishing queues a render of the public PDF. Most tests publish without reading the
    PDF, so here that job is not queued, unless a test asks for `pdf_rendered_on_publication`
    (tests/publication/test_stored_pdf.py). A PDF asked for is rendered as before."""
    if "pdf_rendered_on_publication" in request.fixturenames:
        return
    from decisions import pdf

    monkeypatch.setattr(pdf, "render_public_pdf_later", lambda reference: None)


@pytest.fixture
def pdf_rendered_on_publication():
    """Publishing renders and stores the public PDF, as in production."""


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: what one test's pages kept is not another's."""
    from django.core.cache import cache

    from commissioning.speed import kept

    cache.clear()
    kept.memo.clear()
    kept.recent.clear()
    yield
    cache.clear()
    kept.memo.clear()
    kept.recent.clear()


@pytest.fixture(autouse=True)
def public_versions_read_afresh():
    """Most tests change a record and read its public page at once, so the version of a public
    page is read afresh on every request here; tests/publication/test_freshness.py covers
    the second a public reader may otherwise be given an older version."""
    from django.test import override_settings

    with override_settings(PUBLIC_FRESHNESS_SECONDS=0):
        yield


@pytest.fixture(autouse=True)
def extension_bases(request):
    """A transactional test (a live server's, say) may follow another's flush, which empties
    the rows migrations made: the extension bases of contracts migration 0007 are made again
    for it. Other tests see the migrations' rows as they are."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,))):
        transactional = True
    if transactional:
        from tests.factories import seed_extension_bases

        request.getfixturevalue("transactional_db")
        seed_extension_bases()


def give_permission(user, permission: str):
    """Give one user a Django permission ("app_label.codename"), as an administrator does on
    the user's page in the admin; the user as the database now has it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    app_label, codename = permission.split(".")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return get_user_model().objects.get(pk=user.pk)  # afresh: permissions are cached


@pytest.fixture
def officer(db):
    return UserFactory(
        username="officer", first_name="Precious", last_name="Williamson", roles=[Role.OFFICER]
    )


@pytest.fixture
def treasurer(db):
    return UserFactory(username="treasurer", last_name="Treasurer", roles=[Role.TREASURER])


@pytest.fixture
def monitoring_officer(db):
    return UserFactory(username="monitoring-officer", roles=[Role.MONITORING_OFFICER])


@pytest.fixture
def chief_officer(db):
    return UserFactory(username="chief-officer", roles=[Role.CHIEF_OFFICER])


@pytest.fixture
def pcc(db):
    return UserFactory(
        username="pcc", first_name="Philip", last_name="Seccombe", roles=[Role.COMMISSIONER]
    )


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", administrator=True)


@pytest.fixture
def member_of_public():
    """A browser with nobody logged in."""
    return Client()


@pytest.fixture
def client_for(db):
    """client_for(user) is a test client logged in as that user."""

    def logged_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return logged_in


@pytest.fixture
def admin_form_data():
    """admin_form_data(response) is what an admin change form posts back unchanged.

    `response` is the GET of the change page; inline formsets (with their management forms)
    are included, so a test changes one value and posts the lot.
    """

    def post_back(response) -> dict:
        forms = [response.context["adminform"].form]
        for inline in response.context["inline_admin_formsets"]:
            forms.append(inline.formset.management_form)
            forms.extend(inline.formset.forms)
        data = {}
        for form in forms:
            for bound in form:
                value = bound.value()
                if value is None or value is False:
                    continue  # an empty field, or an unticked box, is not posted
                data[bound.html_name] = "on" if value is True else value
        return data

    return post_back


@pytest.fixture
def assert_refused():
    """assert_refused(instance, constraint, field=..., message=...) checks a rule both ways.

    Model validation (`full_clean`) must explain the problem with `message` on `field` (or as
    a non-field error), and writing the row anyway must be refused by the database itself
    for that constraint, leaving the table and its history as they were. `constraint` names
    the rule the database must cite, or a tuple of rules when one bad value breaks several
    and either may be the one reported.
    """

    def check(
        instance: models.Model,
        constraint: str | tuple[str, ...],
        *,
        field: str = NON_FIELD_ERRORS,
        message: str,
    ) -> None:
        with pytest.raises(ValidationError) as invalid:
            instance.full_clean()
        assert message in invalid.value.message_dict.get(field, []), invalid.value.message_dict

        model = type(instance)
        before = stored_rows(model)
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            instance.save()
        error = str(refused.value)
        names = constraint if isinstance(constraint, tuple) else (constraint,)
        assert any(
            all(re.search(evidence, error) for evidence in refusal_evidence(model, name))
            for name in names
        ), (names, error)
        assert stored_rows(model) == before

    return check


def stored_rows(model: type[models.Model]) -> tuple[list[dict], int | None]:
    history = getattr(model, "history", None)
    return list(model.objects.order_by("pk").values()), history.count() if history else None


def refusal_evidence(model: type[models.Model], constraint: str) -> list[str]:
    """Patterns the database's error must match, showing the row failed for that reason.

    `constraint` is a constraint's name, or a field's name for a field declared unique.
    Both databases name a failed CHECK constraint or trigger. For a unique violation
    PostgreSQL names the constraint and its key columns; SQLite lists only the columns.
    """
    named = {each.name: each for each in model._meta.constraints}
    unique_fields = {field.name for field in model._meta.fields if field.unique}
    if isinstance(named.get(constraint), models.UniqueConstraint):
        fields = named[constraint].fields
    elif constraint in unique_fields:
        fields = [constraint]
    else:
        return [rf"\b{constraint}\b"]
    columns = [model._meta.get_field(name).column for name in fields]
    if connection.vendor == "sqlite":
        listed = ", ".join(f"{model._meta.db_table}.{column}" for column in columns)
        return [rf"^UNIQUE constraint failed: {re.escape(listed)}$"]
    if constraint in named:
        return [rf'unique constraint "{constraint}"']
    return ["unique constraint", rf"Key \({columns[0]}\)="]
