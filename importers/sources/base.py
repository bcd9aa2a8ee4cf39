"""What every source adapter is: where its listing lives, how to read it, how to normalise it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from ..http import Fetcher, FetchError, decode
from ..records import Record, RecordError


def text_lines(text: str):
    """The lines of a text, newlines kept, one at a time: csv.reader without a copy of the text.

    (io.StringIO holds its own copy, four bytes a character: 200 MB for a 50 MB file.)
    """
    start = 0
    while True:
        end = text.find("\n", start)
        if end == -1:
            if start < len(text):
                yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


class SourceUnavailable(Exception):
    """The listing could not be read at all (as opposed to a bad record in it)."""


class ListingSource:
    slug: str = ""
    name: str = ""
    homepage: str = ""
    licence: str = ""
    attribution: str = ""
    trusted: bool = False
    url: str = ""  # where the live listing is read from
    snapshot: str = ""  # its path inside PORTAL_SNAPSHOTS (laid out like ../shared/data)

    def __init__(self, config: str | None = None):
        # Sources driven by a config file (html, csv) read it here and may set
        # their own slug, name and licence from it.
        self.config = config
        self._fetcher: Fetcher | None = None

    @property
    def fetcher(self) -> Fetcher:
        """The HTTP client for this run; adapters fetch every extra page through it."""
        if self._fetcher is None:
            self._fetcher = Fetcher()
        return self._fetcher

    def fetch(self, url: str):
        """GET a page (a FetchResult), or raise SourceUnavailable with the reason."""
        try:
            return self.fetcher.get(url)
        except FetchError as error:
            raise SourceUnavailable(str(error)) from error

    def source_defaults(self) -> dict:
        return {
            "name": self.name,
            "homepage": self.homepage,
            "licence": self.licence,
            "attribution": self.attribution,
            "trusted": self.trusted,
        }

    def location(self, file: str | None = None, url: str | None = None) -> str:
        """Where to read: --file, then --url, then PORTAL_SNAPSHOTS, then the live URL."""
        if file:
            return str(file)
        if url:
            return url
        if settings.PORTAL_SNAPSHOTS and self.snapshot:
            return str(Path(settings.PORTAL_SNAPSHOTS) / self.snapshot)
        if not self.url:
            raise SourceUnavailable(f"{self.slug} has no live address; give --file or --url")
        return self.url

    def read(self, location: str) -> bytes:
        if location.startswith(("http://", "https://")):
            return self.fetch(location).content
        path = Path(location)
        if not path.is_file():
            raise SourceUnavailable(f"no file at {path}")
        return path.read_bytes()

    def text(self, data: bytes) -> str:
        return decode(data)

    def parse(self, data: bytes, location: str = "") -> Iterator[Record | RecordError]:
        raise NotImplementedError
