"""The version of a public page (its ETag and Last-Modified), found without building it."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commissioning.speed import precompiled
from contracts.models import Contract, PartnerBody, Provider
from decisions import models as register


@dataclass(frozen=True)
class RecordVersion:
    """What a public page needs to answer a conditional request without building the record:
    an ETag that changes whenever anything the public record is made from changes, and the
    time of that change (Last-Modified)."""

    etag: str
    last_modified: datetime.datetime | None


def _newest(queryset: models.QuerySet, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


# The version queries run on every request for a public page: compiled once per process,
# with a placeholder for their one value, and prepared once per connection on PostgreSQL.
_PLACEHOLDER = "\x00value\x00"


def _run_compiled(name: str, build, value: str = _PLACEHOLDER) -> tuple | None:
    """The first row of the query `build(placeholder)` makes, run for `value`."""
    row = precompiled.fetchone(f"public_{name}", build, _PLACEHOLDER, value)
    return tuple(_as_datetime(each) for each in row) if row else None


def _as_datetime(value) -> datetime.datetime | None:
    """A timestamp from a raw row: PostgreSQL gives a datetime, SQLite a string in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
    return value


def _version(key_parts: list, values: tuple) -> RecordVersion:
    key = "|".join([*key_parts, *(value.isoformat() if value else "-" for value in values)])
    return RecordVersion(
        etag=hashlib.sha256(key.encode("utf-8")).hexdigest(),
        last_modified=max((value for value in values if value), default=None),
    )


def _record_version_query(reference: str) -> models.QuerySet:
    pk = OuterRef("pk")

    def history(model, **lookup) -> Subquery:
        return _newest(model.history.filter(**lookup), "history_date")

    stamps = {
        "record": F("updated_at"),
        "form": F("template__updated_at"),
        "office": history(register.Office, id=OuterRef("template__office_id")),
        "layout": history(register.RecordLayout, decision_id=pk),
        "elements": history(register.FormElement, form_id=OuterRef("template_id")),
        "values": history(register.FieldValue, decision_id=pk),
        "record_history": history(register.Decision, id=pk),
        "category": history(register.DecisionCategory, id=OuterRef("category_id")),
        "delegation": history(register.Delegation, id=OuterRef("delegation_id")),
        "sections": history(register.DecisionSection, decision_id=pk),
        "appendices": history(register.Appendix, decision_id=pk),
        "comments": history(register.StatutoryComment, decision_id=pk),
        "awards": history(register.Award, decision_id=pk),
        "money": history(register.DecisionMoney, decision_id=pk),
        "yearly_figures": history(register.YearlyFigure, decision_id=pk),
        "funding_sources": history(register.FundingSource, decision_id=pk),
        "funders": _newest(PartnerBody.objects.filter(funded_decisions__decision=pk), "updated_at"),
        "signatures": history(register.Signature, decision_id=pk),
        "links": history(register.DecisionLink, from_decision_id=pk),
        "linked": _newest(
            register.Decision.objects.filter(links_in__from_decision=pk), "updated_at"
        ),
        "contracts": _newest(Contract.objects.filter(decisions=pk), "updated_at"),
        "providers": history(register.DecisionProvider, decision_id=pk),
        "provider_names": _newest(
            Provider.objects.filter(decision_links__decision=pk), "updated_at"
        ),
        # A link to a decision outside the register is read as the register's record of
        # that reference once there is one (`record._links_shown`).
        "outside_linked": _newest(
            register.Decision.objects.filter(
                # The record's own links: two levels out (OuterRef("pk") here would be the
                # decision of the filter, scanning every decision for links of its own).
                reference__in=register.DecisionLink.objects.filter(
                    from_decision=OuterRef(pk), to_decision__isnull=True
                ).values("to_reference")
            ),
            "updated_at",
        ),
        # The delegations a delegate's was made under: any delegation's change, as rare as
        # it is, counts.
        "delegations": _newest(register.Delegation.history.all(), "history_date"),
    }
    return (
        register.Decision.objects.published()
        .filter(reference=reference)
        .order_by()
        .annotate(**{f"stamp_{name}": value for name, value in stamps.items()})
        .values_list(*(f"stamp_{name}" for name in stamps))[:1]
    )


def record_version(reference: str) -> RecordVersion | None:
    """The version of a published decision's public record, in one query; None if the
    reference is not a published decision.

    `public_record` reads the decision, its form, category and delegation, its sections,
    appendices, comments, awards, signatures and links, the decisions it links to and its
    contracts. Every one of those keeps its history (django-simple-history writes a row on
    each save and delete, a decision's contract list included) or an `updated_at`, so the
    newest of those dates, each found through an index, changes whenever the record can have
    changed. Building the record itself takes eight queries and the Python to assemble it:
    this lets an unchanged page be answered with 304, or from the page cache, without that.
    """
    row = _run_compiled("record", _record_version_query, reference)
    return _version([reference], row) if row else None


def _register_version_query(_unused: str) -> models.QuerySet:
    return (
        register.DecisionTemplate.objects.order_by()
        .annotate(
            decision=_newest(
                register.Decision.objects.filter(published_on__isnull=False), "updated_at"
            ),
            form=_newest(register.DecisionTemplate.objects.all(), "updated_at"),
            category=_newest(register.DecisionCategory.history.all(), "history_date"),
            delegation=_newest(register.Delegation.history.all(), "history_date"),
        )
        .values_list("decision", "form", "category", "delegation")[:1]
    )


def register_version() -> RecordVersion:
    """The version of the public register's pages: it changes when a decision is published,
    changed or withdrawn (see `register_last_changed`), or when a form, category or
    delegation the listing names is changed. One query."""
    row = _run_compiled("register", _register_version_query) or (None, None, None, None)
    version = _version([], row)
    # The register's Last-Modified is the newest decision change, as the feed's is.
    return RecordVersion(etag=version.etag, last_modified=row[0])


# Every public page and PDF asks one of these first: each new connection prepares and plans
# them before its first request (commissioning.speed.precompiled.prepare_on_connect).
precompiled.prepare_query_on_connect("public_record", _record_version_query, _PLACEHOLDER, "")
precompiled.prepare_query_on_connect("public_register", _register_version_query, _PLACEHOLDER, "")


def register_last_changed() -> datetime.datetime | None:
    """When the public register last changed.

    Counts every decision that has been published, including any since withdrawn, so that a
    withdrawal also moves the date forward.
    """
    return register.Decision.objects.filter(published_on__isnull=False).aggregate(
        latest=Max("updated_at")
    )["latest"]
