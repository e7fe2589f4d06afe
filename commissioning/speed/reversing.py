"""`reverse()` for the links drawn once per row of a list.

`reverse` is slow to call once per row: it reads the script prefix and URLconf from
thread-locals and walks the resolver's patterns. A list draws a link or two per row, each to
the same page with another argument. Here the URL around the argument is worked out once for
each page name, script prefix and URLconf, and the argument is put in it, quoted as `reverse`
quotes it. The caller reads the prefix and URLconf (`get_script_prefix()`, `get_urlconf()`)
once for all its rows.
"""

import functools
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

# What `reverse` leaves unquoted in a URL (django.urls.resolvers), and the one character a
# `path` converter's pattern (".+") does not match.
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"
PK_MARKER = 918273645
PATH_MARKER = "reference918273645"


@functools.lru_cache(maxsize=256)
def around(name: str, marker: object, _script_prefix: str, _urlconf: Any) -> tuple[str, str]:
    before, _, after = reverse(name, args=[marker]).partition(str(marker))
    return before, after


def pk_path(name: str, pk: Any, script_prefix: str, urlconf: Any) -> str:
    """`reverse(name, args=[pk])` for a page whose one argument is an integer key."""
    before, after = around(name, PK_MARKER, script_prefix, urlconf)
    return f"{before}{int(pk)}{after}"


def reference_path(name: str, reference: object, script_prefix: str, urlconf: Any) -> str:
    """`reverse(name, args=[reference])` for a page whose one argument is a `path` (a
    decision's reference). What that pattern would refuse (nothing, or a line break) goes to
    `reverse`, which says so."""
    reference = str(reference)
    if not reference or "\n" in reference:
        return reverse(name, args=[reference])
    before, after = around(name, PATH_MARKER, script_prefix, urlconf)
    return f"{before}{quote(reference, safe=URL_SAFE)}{after}"
