"""Hostile values for the hostile-input tests, and the checks made on every answer.

A value is one of: a planted piece of markup (which must never come back unescaped), a NUL
byte (PostgreSQL refuses NUL in text, so the form must refuse it first), 100,000 characters,
an impossible date part, right-to-left, emoji and combining characters, a lone surrogate (the
test sends it as the bytes a careless client would, and the server decodes it as U+FFFD), a
negative, huge or oddly written number, or any text hypothesis likes, alone or in a mix.
"""

from urllib.parse import quote_plus, urlsplit

from django.db import connection
from hypothesis import strategies as st

# Each planted string has a tell-tale piece that escaping always breaks (its "<").
MARKUP = {
    '<script>alert("h0stile")</script>': '<script>alert("h0stile")',
    '<b x="h0stile">bold</b>': '<b x="h0stile"',
    '"><img src=x onerror=alert(1)>': "<img src=x onerror",
    "'><svg/onload=alert(1)>": "<svg/onload",
    "</textarea><i h0stile>": "</textarea><i h0stile",
}
TELLS = tuple(MARKUP.values())

LONG = 100_000

UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "🙂👩🏽‍⚖️🏳️‍🌈",
    "e\u0301\u0301\u0301\u0301",  # stacked combining accents
    "Z̵̡̢̛̗̘͎͓̹̀͑̈́a̸l̷g̶o̷",
    "\u200b\u200d\ufeff",  # zero-width characters and a stray byte-order mark
    "\ud800",  # a lone high surrogate
    "a\udfffb",  # a lone low surrogate
    "\uffff\ufffe",
    "Ǆǅǆ ß ﬁ İı",
    "１２３",  # full-width digits
    "٣١",  # Arabic-Indic digits
]
NUMBERS = [
    "-1",
    "-0.01",
    "0",
    "1,250,000.00",
    "£1,250,000",
    "1 000",
    "1_000",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "9" * 40,
    "-" + "9" * 40,
    "12.345678901234",
    "3.",
    ".5",
    "2147483648",
    "-2147483649",
    "32768",
    "99999999999999999999.99",
]
DATE_PARTS = ["31", "30", "29", "2", "0", "00", "13", "-1", "99999", "0000", "10000", "1.5"]
PLAIN = ["", " ", "   \t  ", "\r\n", "on", "true", "yes", "None", "null", "[]", "{}", "%", "%00"]
NUL = ["\x00", "abc\x00def", "\x00" * 10]


def long_text() -> st.SearchStrategy[str]:
    return st.sampled_from(["x", '<b x="h0stile">bold</b> ', "é🙂 ", "\x00"]).map(
        lambda piece: (piece * (LONG // len(piece) + 1))[:LONG]
    )


FIXED = [*MARKUP, *UNICODE, *NUMBERS, *DATE_PARTS, *PLAIN, *NUL]

atoms = st.one_of(
    st.sampled_from(FIXED),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda day: day.isoformat()),
)


def hostile_values() -> st.SearchStrategy[str]:
    """One hostile value: a fixed nasty, random text, a few of them run together, or (about
    one time in ten, as each is slow to send, check and draw) 100,000 characters."""
    mixed = st.lists(atoms, min_size=2, max_size=4).map("".join)
    return st.one_of(atoms, mixed, atoms, mixed, atoms, mixed, atoms, mixed, atoms, long_text())


def date_parts() -> st.SearchStrategy[dict]:
    """The three boxes of a GOV.UK date input, with impossible dates among them."""
    part = st.one_of(st.sampled_from(DATE_PARTS + UNICODE[-2:]), hostile_values())
    impossible = st.sampled_from(
        [
            ("31", "2", "2023"),
            ("29", "2", "2023"),
            ("0", "1", "2023"),
            ("1", "13", "2023"),
            ("1", "1", "0"),
            ("1", "1", "0000"),
            ("1", "1", "99999"),
            ("31", "12", "9999"),
            ("1", "1", "0001"),
            ("32", "1", "2023"),
            ("-1", "-1", "-2023"),
        ]
    )
    return st.one_of(impossible, st.tuples(part, part, part))


# -- sending ---------------------------------------------------------------------------------


def wire(text: str) -> bytes:
    """The bytes a client sends for text: UTF-8, with a lone surrogate sent as it stands."""
    return str(text).encode("utf-8", "surrogatepass")


def urlencode(data: dict) -> str:
    """A form body or query string, for any text (lone surrogates included)."""
    pairs = []
    for name, values in data.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            pairs.append(f"{quote_plus(wire(name))}={quote_plus(wire(value))}")
    return "&".join(pairs)


def printable(text: str) -> str:
    """Text a multipart body can carry: a lone surrogate becomes U+FFFD, as the server would
    read it anyway."""
    return str(text).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# -- checking --------------------------------------------------------------------------------


def assert_answered(response, what: str) -> None:
    """Never a server error, never planted markup unescaped, never a redirect off the site."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        parts = urlsplit(location)
        off_site = parts.scheme or parts.netloc or location.startswith(("//", "/\\", "\\"))
        assert not off_site, f"{what}: redirected off the site: {location}"
    content_type = response.get("Content-Type", "")
    if "html" in content_type and not getattr(response, "streaming", False):
        body = response.content.decode("utf-8", "replace")
        unescaped = [tell for tell in TELLS if tell in body]
        assert not unescaped, f"{what}: markup shown unescaped: {unescaped}"


def record_counts(models) -> tuple[int, ...]:
    """The number of rows of each model (history models included), in one query."""
    tables = sorted({model._meta.db_table for model in models})
    quote = connection.ops.quote_name
    # Table names come from the models, quoted; nothing here comes from a request.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone())
