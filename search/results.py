"""What a search answers: the hits of one page, the facets beside them, and paging.

Engines build these and the rest of the portal reads them through `search.api`; they live apart
so engines need not import the door they stand behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption] = field(default_factory=list)

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


@dataclass
class SearchResults:
    hits: list
    total: int
    page: int
    page_size: int
    facets: list[Facet]
    query: str = ""
    sort: str = "relevance"
    filters: dict[str, list[str]] = field(default_factory=dict)
    suggestion: str | None = None
    # entry pk -> an escaped snippet of its text with the query's words in <mark>
    highlights: dict[int, str] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.page_size + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.page_size)
