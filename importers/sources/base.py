"""What every source adapter is: where its listing lives, how to read it, how to normalise it.

Where a listing is read from is a `Location`: a `WebAddress` (http or https, always through
the fetcher) or a `LocalFile`. A local file is only ever one of three things: a path an
operator gave (`import_listings --file`, or `run_import(file=...)` from Python), a file inside
PORTAL_SNAPSHOTS (a config's `snapshot:`, symlinks resolved and kept inside), or a bundled
file. A string nobody granted, such as a config's `url:`, is a web address or nothing:
`/etc/passwd`, `file:///etc/passwd` and `../../x` are refused, and the run fails.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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


def refuse_cut_short(text: str, delimiter: str = ",") -> None:
    """Raise SourceUnavailable when a CSV's text looks cut in the middle of its last row.

    HTTP cannot tell a body the server closed early from a whole one when it came with
    neither Content-Length nor chunked framing (the fetcher refuses the cut bodies it can
    see). A CSV written whole ends with a newline or a complete row: a last row with fewer
    cells than the header and no newline after it is the trace of a cut, and a cut file may
    lack any number of rows after it, so none of it is imported.
    """
    if not text or text.endswith(("\n", "\r")):
        return
    reader = csv.reader(text_lines(text.lstrip("\ufeff")), delimiter=delimiter)
    try:
        header, last = next(reader, None), None
        for cells in reader:
            last = cells
    except csv.Error as error:
        raise SourceUnavailable(
            f"the file ends inside a row ({error}): the download was probably cut short"
        ) from error
    if header is None or last is None or len(last) >= len(header):
        return
    raise SourceUnavailable(
        f"the file ends inside its last row (line {reader.line_num}: {len(last)} of "
        f"{len(header)} cells, and no newline after it): the download was probably cut short"
    )


@dataclass(frozen=True)
class WebAddress:
    """An http(s) address, read through the fetcher and its address guard."""

    url: str

    def __str__(self):
        return self.url


@dataclass(frozen=True)
class LocalFile:
    """A file (or folder) on this server that someone entitled to name it named."""

    path: Path
    granted_by: str  # "operator", "snapshot", "bundled"

    def __str__(self):
        return str(self.path)


Location = WebAddress | LocalFile


class ConfigName(str):
    """A config as the admin gives it: a name looked up among the allowed configs, never a path.

    The background task an editor starts wraps what the form sent in this type, so however
    the string reads (`/srv/media/documents/x.txt`, `../../etc/passwd`), no file outside the
    allowed folders is opened for it. A plain string is the operator's (the command line, or
    Python) and may also be a path.
    """


def web_address(location: str, what: str = "address") -> WebAddress:
    """An untrusted string as a location: an http(s) address, or refused."""
    text = str(location).strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in ("http", "https"):
        return WebAddress(text)
    if scheme == "file":
        why = "file: addresses are not read"
    elif text.startswith(("/", "~", ".")) or "\\" in text or (not scheme and "/" in text):
        why = "a path on this server is not read from a config or the admin"
    else:
        why = f"only http and https addresses are read, not {scheme or 'this'}"
    raise SourceUnavailable(
        f"{what} {text[:200]!r} refused: {why} (an operator reads a local file with "
        "`import_listings --file`; snapshots come from PORTAL_SNAPSHOTS)"
    )


def file_inside(root: str | Path, relative: str, granted_by: str = "snapshot") -> LocalFile:
    """`relative` under `root`, refused if it is absolute, climbs out (`..`), or is a symlink out."""
    text = str(relative)
    if "://" in text or text.startswith(("/", "~", "\\")) or Path(text).is_absolute():
        raise SourceUnavailable(f"{text[:200]!r} refused: a snapshot is a path inside PORTAL_SNAPSHOTS")
    base = Path(root).resolve()
    path = (base / text).resolve()  # symlinks followed, so one pointing out is caught here
    if not path.is_relative_to(base):
        raise SourceUnavailable(f"{text[:200]!r} refused: it leads out of {base}")
    return LocalFile(path, granted_by)


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
        self._granted: Location | None = None  # what location() chose, read() reads
        self.declared_charset: str | None = None  # the charset of the last body fetched

    @property
    def fetcher(self) -> Fetcher:
        """The HTTP client for this run; adapters fetch every extra page through it."""
        if self._fetcher is None:
            self._fetcher = Fetcher()
        return self._fetcher

    def fetch(self, url: str):
        """GET a page (a FetchResult), or raise SourceUnavailable with the reason."""
        try:
            result = self.fetcher.get(url)
        except FetchError as error:
            raise SourceUnavailable(str(error)) from error
        self.declared_charset = result.encoding
        return result

    def source_defaults(self) -> dict:
        return {
            "name": self.name,
            "homepage": self.homepage,
            "licence": self.licence,
            "attribution": self.attribution,
            "trusted": self.trusted,
        }

    def location(self, file: str | None = None, url: str | None = None) -> str:
        """Where to read: --file, then --url, then PORTAL_SNAPSHOTS, then the live URL.

        `file` is the operator's (the command line's --file, or Python); everything else is
        checked. The choice is remembered: read() reads what was chosen here, and treats any
        other string as a web address.
        """
        self._granted = self.where(file=file, url=url)
        return str(self._granted)

    def where(self, file: str | None = None, url: str | None = None) -> Location:
        if file:
            return LocalFile(Path(file).expanduser(), "operator")
        if url:
            return web_address(url, "--url")
        if settings.PORTAL_SNAPSHOTS and self.snapshot:
            return file_inside(settings.PORTAL_SNAPSHOTS, self.snapshot)
        if not self.url:
            raise SourceUnavailable(f"{self.slug} has no live address; give --file or --url")
        return web_address(self.url, f"{self.slug}'s url")

    def resolve(self, location: str | Location) -> Location:
        """The Location a string stands for: the one location() granted, else a web address."""
        if isinstance(location, (WebAddress, LocalFile)):
            return location
        granted = self._granted
        if granted is not None and str(location) in (str(granted), str(granted)[:2000]):
            return granted
        return web_address(location)

    def read(self, location: str | Location) -> bytes:
        where = self.resolve(location)
        if isinstance(where, WebAddress):
            return self.fetch(where.url).content
        if not where.path.is_file():
            raise SourceUnavailable(f"no file at {where.path}")
        self.declared_charset = None
        return where.path.read_bytes()

    def text(self, data: bytes) -> str:
        return decode(data, self.declared_charset)

    def parse(self, data: bytes, location: str = "") -> Iterator[Record | RecordError]:
        raise NotImplementedError
