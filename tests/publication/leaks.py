"""Looking for withheld text in what the public can fetch.

A withheld part of a test decision holds a marker: a string found nowhere else. The checker
reads a public surface every way a reader (or a script) could: the raw bytes, the text with
HTML entities and URL escapes undone, and for a PDF the extracted text of every page, the
document information, and every string and decoded stream in the file. It then looks for
the marker and for any 12-character piece of it, ignoring case and white space (so a marker
split across lines or cells still counts).
"""

import html
import io
import json
import re
import urllib.parse
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

FRAGMENT = 12
WHITE_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return WHITE_SPACE.sub("", text).lower()


def fragments(marker: str) -> set[str]:
    """The marker's every 12-character piece (the whole of it when it is shorter)."""
    flat = normalise(marker)
    if len(flat) <= FRAGMENT:
        return {flat}
    return {flat[i : i + FRAGMENT] for i in range(len(flat) - FRAGMENT + 1)}


@dataclass(frozen=True)
class Leak:
    surface: str
    marker: str
    fragment: str
    reading: str

    def __str__(self) -> str:
        return f"{self.surface}: {self.fragment!r} of {self.marker!r} in its {self.reading}"


def readings_of_text(content: bytes | str) -> dict[str, str]:
    raw = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    unescaped = html.unescape(raw)
    readings = {
        "raw text": raw,
        "text with HTML entities decoded": unescaped,
        "text with URL escapes decoded": urllib.parse.unquote_plus(unescaped),
    }
    try:
        data = json.loads(raw)
    except ValueError:
        return readings
    # JSON escapes (\n, \u00a3) undone: every string in the document, keys and values.
    readings["strings in the JSON"] = "\n".join(_json_strings(data))
    return readings


def _json_strings(data) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _json_strings(value)
    elif data is not None:
        yield str(data)


def readings_of_pdf(content: bytes) -> dict[str, str]:
    """Everything a PDF holds, as text."""
    reader = PdfReader(io.BytesIO(content))
    readings = {
        "file bytes": content.decode("latin-1"),
        "extracted text": "\n".join(page.extract_text() or "" for page in reader.pages),
        "document information": repr(dict(reader.metadata or {})),
    }
    strings: list[str] = []
    streams: list[str] = []
    _walk(reader.trailer, strings, streams, set())
    readings["strings in every object"] = "\n".join(strings)
    readings["decoded streams"] = "\n".join(streams)
    return readings


def _walk(obj, strings: list[str], streams: list[str], seen: set) -> None:
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, StreamObject):
        streams.extend(_decoded(obj))
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            strings.append(str(key))
            _walk(value, strings, streams, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _walk(value, strings, streams, seen)
    elif isinstance(obj, TextStringObject | NameObject):
        strings.append(str(obj))
    elif isinstance(obj, ByteStringObject):
        strings.append(bytes(obj).decode("latin-1"))
        strings.append(bytes(obj).decode("utf-16-be", "ignore"))


def _decoded(stream: StreamObject) -> list[str]:
    try:
        data = stream.get_data()
    except Exception:  # an undecodable filter: fall back to inflating the raw bytes
        try:
            data = zlib.decompress(stream._data)
        except zlib.error:
            data = stream._data
    return [
        data.decode("latin-1"),
        data.decode("utf-8", "ignore"),
        data.decode("utf-16-be", "ignore"),
    ]


def find_leaks(
    surface: str,
    readings: dict[str, str],
    markers: Iterable[str],
    *,
    allowed: Iterable[str] = (),
) -> list[Leak]:
    """Every marker piece found in any reading. `allowed` strings (e.g. the search words the
    page echoes back in its search box) are removed from the readings first."""
    markers = list(markers)
    allowed_flat = sorted({normalise(each) for each in allowed if each}, key=len, reverse=True)
    found = []
    for reading, text in readings.items():
        flat = normalise(text)
        for word in allowed_flat:
            flat = flat.replace(word, "")
        for marker in markers:
            for piece in sorted(fragments(marker)):
                if piece in flat:
                    found.append(Leak(surface, marker, piece, reading))
                    break
    return found


def assert_no_leaks(leaks: list[Leak]) -> None:
    assert not leaks, "Withheld text reached the public:\n" + "\n".join(map(str, leaks[:20]))
