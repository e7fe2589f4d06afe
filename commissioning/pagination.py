"""Pages of a long register whose cost does not grow with the table.

Django's Paginator counts every matching row on every page and fetches a page with OFFSET.
Both grow with the table: at 100,000 decisions the count alone is most of the page's time,
and page 2,000 makes the database build and throw away 50,000 joined rows.

`RegisterPaginator` does two things instead:

- it counts at most `cap` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``). Up to the cap
  the count is exact; past it the page says "more than 10,000", which is true, and offers the
  next page whenever one exists, without a last page number;
- it fetches a page as a deferred join: the ids of the page are found with OFFSET in a
  subquery that reads only the ordering columns (an index, where there is one), and only
  those 25 rows are joined and read in full. It is one query on every page, so the page's
  query count stays the same however deep it is.

The public register, whose pages are cached whole, pages with Django's own paginator and
counts in one of two cheaper ways: `CappedPaginator` counts a search's matches only up to a
limit, and `KeptCountPaginator` keeps the count of a list under a key that names its version.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from commissioning.speed import kept

COUNT_CAP = 10_000
# A kept count is keyed on its list's version and never goes stale; the timeout only bounds how
# long an unused count takes up room.
KEPT_COUNT_SECONDS = 60 * 60


def page_context(page) -> dict:
    """What the workspace's pagination (workspace/includes/pagination.html) needs of a page:
    the page, and its neighbours' numbers with the first and last (elided between)."""
    return {
        "page_obj": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ),
    }


class RegisterPage(Page):
    """A page that knows whether another follows even when the total is not counted."""

    def __init__(self, object_list, number, paginator, *, more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self) -> bool:
        if self._more is not None:
            return self._more
        return super().has_next()


# No list runs to a million pages; a bigger number would only overflow the database's OFFSET.
MAX_PAGE = 1_000_000


class RegisterPaginator(Paginator):
    """`rows`, if given, adds to the list's query what only the rows shown need (their
    figures, say): the count, and the choice of a page's rows, are made without it."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        cap: int | None = None,
        rows: Callable[[Any], QuerySet] | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, allow_empty_first_page=True, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.rows = rows

    @cached_property
    def count(self) -> int:
        """Exact up to the cap; `cap + 1` means "more than the cap". With a cap of 0 nothing
        is counted: the pages only know whether another follows."""
        if not self.cap:
            return 1
        # Only the keys are counted: no order, no joined columns.
        keys = self.object_list.order_by().select_related(None).values("pk")
        return keys[: self.cap + 1].count()

    @property
    def is_exact(self) -> bool:
        return self.count <= self.cap

    def get_page(self, number) -> RegisterPage:
        try:
            number = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError, OverflowError):
            number = 1
        if self.is_exact:
            try:
                return self.page(number)
            except (PageNotAnInteger, EmptyPage):
                return self.page(self.num_pages)
        offset = (number - 1) * self.per_page
        rows = self.fetch(offset, self.per_page + 1)
        if not rows and number > 1:
            # Beyond the end of a list too long to count: count it now, and show its last page.
            self.__dict__["count"] = self.object_list.count()
            self.cap = self.count
            self.__dict__.pop("num_pages", None)
            return self.page(self.num_pages)
        more = len(rows) > self.per_page
        self.last_seen = number + 1 if more else number
        return RegisterPage(rows[: self.per_page], number, self, more=more)

    def page(self, number) -> RegisterPage:
        number = self.validate_number(number)
        if self.count == 0:
            return RegisterPage([], number, self)  # counted as empty: nothing to fetch
        offset = (number - 1) * self.per_page
        return RegisterPage(self.fetch(offset, self.per_page), number, self)

    def validate_number(self, number) -> int:
        if self.is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def fetch(self, offset: int, limit: int) -> list:
        """The deferred join. The sliced subquery keeps its order (Django clears the order of
        an `__in` subquery only when it has no limit), and the outer query sorts the page's
        rows the same way."""
        queryset = self.object_list
        shown = self.rows(queryset) if self.rows else queryset
        return list(shown.filter(pk__in=queryset.values("pk")[offset : offset + limit]))

    def get_elided_page_range(self, number=1, *, on_each_side=2, on_ends=1):
        if self.is_exact:
            yield from super().get_elided_page_range(
                number, on_each_side=on_each_side, on_ends=on_ends
            )
            return
        # The last page is not known: the first, the pages up to this one and the next one
        # known to exist (get_page looked one row ahead), then an ellipsis for the rest.
        number = int(number)
        last = max(number, getattr(self, "last_seen", number))
        if number > on_each_side + on_ends + 2:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, last + 1)
        else:
            yield from range(1, last + 1)
        if last > number:
            yield self.ELLIPSIS


class CappedPaginator(Paginator):
    """A paginator that counts at most `limit` rows: past that it reports `limit` and
    `is_capped`, and offers the pages up to it."""

    def __init__(self, object_list, per_page, limit: int):
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def full_count(self) -> int:
        # Without the list's order: with it, the database sorted every match before stopping
        # at the limit, so a common word cost more the bigger the register.
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.full_count, self.limit)

    @property
    def is_capped(self) -> bool:
        return self.full_count > self.limit


class KeptCountPaginator(Paginator):
    """A paginator whose count is kept under `key` (None: counted every time). At 100,000
    decisions counting the published ones took a fifth of a register page that was not in
    the page cache, and every other page of the same list counted them again."""

    def __init__(self, object_list, per_page, key: str | None):
        super().__init__(object_list, per_page)
        self.key = key

    @cached_property
    def count(self) -> int:
        counted = kept.get(self.key) if self.key else None
        if counted is None:
            counted = super().count
            if self.key:
                kept.put(self.key, counted, KEPT_COUNT_SECONDS)
        return counted


def public_list_paginator(
    queryset,
    per_page: int,
    filterset,
    *,
    name: str,
    version: str,
    typed: Iterable[str] = ("q",),
    search_limit: int = 1000,
) -> Paginator:
    """The paginator of a public list (the decision register, the contract register).

    A list with words typed into it (a search: the `typed` fields) is counted up to
    `search_limit` (`CappedPaginator`): there are as many of them as things people type, and
    counting every match of a common word costs as much as the search. Any other list is
    counted once for each `version` of the data and each set of filter values, and the count
    kept (`KeptCountPaginator`) under `name`; filters that do not validate are counted each
    time. The sort order does not change a count, so it is not part of the key."""
    values: list = []
    key: str | None = None
    if filterset.is_bound:
        form = filterset.form
        if any(form.is_valid() and form.cleaned_data.get(field) for field in typed):
            return CappedPaginator(queryset, per_page, search_limit)
        if form.is_valid():
            values = sorted(
                (field, str(value))
                for field, value in form.cleaned_data.items()
                if value and field != "sort"
            )
    if not filterset.is_bound or filterset.form.is_valid():
        shape = f"{values}|{version}"
        key = f"{name}:{hashlib.sha256(shape.encode('utf-8')).hexdigest()}"
    return KeptCountPaginator(queryset, per_page, key)
