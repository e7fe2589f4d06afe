"""The footer's information pages: their text read into blocks, and the page that shows them.

An administrator writes a page's body as plain text with a little structure, never HTML:

    ## A heading            (### a smaller one)
    A paragraph, which may run over several lines and hold [a link](/contact/).

    - an item of a bulleted list
    - another

Everything typed is escaped when shown; the only markup the page gets is what this module
builds from that structure, and a link goes only to this site, to https:// or to mailto:. So a
`<script>` typed into a page is shown as text, and a `javascript:` link is not a link.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from commissioning.models import InformationPage

OFFICE = "{office}"

# [words](target): the target is an address on this site, an anchor on the page, a secure web
# address or an e-mail address; anything else is left as the text it was typed as.
LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:/|#|https://|mailto:)[^\s()<>\"']*)\)")
HEADING = re.compile(r"^(#{2,3}) +(.+)$")
LIST_ITEM = re.compile(r"^[-*] +(.+)$")


def inline(text: str) -> SafeString:
    """A line of text, escaped, with its [words](target) links made links."""
    pieces: list[tuple[str, str, str]] = []
    position = 0
    for match in LINK.finditer(text):
        pieces.append((text[position : match.start()], match[1], match[2]))
        position = match.end()
    linked = format_html_join(
        "",
        '{}<a class="govuk-link" href="{}">{}</a>',
        ((before, target, words) for before, words, target in pieces),
    )
    return format_html("{}{}", linked, text[position:])


@dataclass(frozen=True)
class Block:
    """A heading (level 2 or 3), a paragraph, or a bulleted list (its items)."""

    kind: str
    text: SafeString = SafeString("")
    level: int = 0
    anchor: str = ""
    items: list[SafeString] = field(default_factory=list)


def blocks(body: str, office_name: str) -> list[Block]:
    """The body's headings, paragraphs and lists, in order, with {office} filled in."""
    result: list[Block] = []
    paragraph: list[str] = []  # the lines of the paragraph being read
    items: list[SafeString] = []  # the items of the list being read

    def finish() -> None:
        """End the paragraph or list being read, if any."""
        if paragraph:
            result.append(Block("paragraph", text=inline(" ".join(paragraph))))
        if items:
            result.append(Block("list", items=list(items)))
        paragraph.clear()
        items.clear()

    for line in body.replace(OFFICE, office_name).splitlines():
        line = line.strip()
        if not line:
            finish()
        elif heading := HEADING.match(line):
            finish()
            text = heading[2].strip()
            anchor = slugify(LINK.sub(r"\1", text))
            result.append(Block("heading", inline(text), len(heading[1]), anchor))
        elif item := LIST_ITEM.match(line):
            if paragraph:
                finish()
            items.append(inline(item[1]))
        else:
            if items:
                finish()
            paragraph.append(line)
    finish()
    return result


@require_safe
def page(request: HttpRequest, topic: str) -> HttpResponse:
    information = get_object_or_404(InformationPage, topic=topic)
    return render(
        request,
        "public/information_page.html",
        {
            "information": information,
            "title": information.title.replace(OFFICE, settings.OFFICE_NAME),
            "blocks": blocks(information.body, settings.OFFICE_NAME),
        },
    )
