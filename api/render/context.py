"""What a renderer knows besides the view: locale, labels, disclaimer, sources and credits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from api.bundle.labels import labels_for
from api.bundle.resources import Attribution, SourceView, WarningView
from api.content.languages import DEFAULT_LOCALE

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
# Of the countries with care advice of their own (content/*/regions: the only countries a request
# is told apart by), those that print on US Letter: a handout for a reader there is set on Letter,
# anywhere else on A4, unless ``paper`` asks for the other.
LETTER_COUNTRIES = frozenset({"US", "MX"})
Print = Literal["standard", "large"]
PRINTS: tuple[Print, ...] = ("standard", "large")


def paper_for(country: str) -> Paper:
    """The paper a reader in ``country`` (ISO 3166-1 alpha-2, or "") prints on."""
    return "letter" if country in LETTER_COUNTRIES else "a4"


@dataclass(frozen=True)
class RenderContext:
    """Everything a renderer needs that is not in the view itself; the same for every request."""

    locale: str
    disclaimer: WarningView
    sources: Mapping[str, SourceView]
    # The sources a handout of an item credits besides those it cites (its guide's articles).
    credits: Callable[[BaseModel], tuple[str, ...]]
    # Any item of this locale, by collection and id: the diagram a picture is drawn from.
    item: Callable[[str, str], BaseModel | None]
    # Who holds the guides' text and its licence (the library's first guide), and the
    # content version: every handout ends with both.
    credit: Attribution | None
    version: str
    # Where handouts link from: FASCIA_PUBLIC_URL or the request's origin; "" keeps links
    # relative (the static export without a public URL).
    base_url: str = ""
    # Every locale served, for a page's hreflang alternates.
    locales: tuple[str, ...] = ()
    # Who publishes the guides (the library's first guide's copyright holder).
    publisher: str = ""
    # The line every surface shows first while the content version is not signed off, in this
    # locale's words; None once it is active.
    draft_notice: str | None = None
    # How a handout is printed: the paper (``PAPERS``) and whether in large print. Only the PDF
    # and the HTML handout's print stylesheet read them.
    paper: Paper = "a4"
    large_print: bool = False
    # Whether ``base_url`` is an address a reader can use later (FASCIA_PUBLIC_URL): only then
    # is a link's address printed on paper.
    public: bool = False
    # The server's canonical address (FASCIA_PUBLIC_URL, else the address it listens on), whatever
    # Host a request sent: what a resource's stable identity is made from.
    canonical_base: str = ""
    # The reader's country where it has care advice of its own, else "": texts differ by it.
    country: str = ""

    def url(self, href: str) -> str:
        """``href`` made absolute where the base is known, asking for this locale; links that
        are absolute already (a source's own address) are kept as they are."""
        if self.base_url and href.startswith(f"{self.base_url}/"):  # this server's, absolute
            href = href[len(self.base_url) :]
        if not href.startswith("/"):
            return href
        path, _, query = href.partition("?")
        kept = [part for part in query.split("&") if part and not part.startswith("lang=")]
        return f"{self.base_url}{path}?" + "&".join([*kept, f"lang={self.locale}"])

    @property
    def labels(self) -> Mapping[str, str]:
        return labels_for(self.locale)

    def label(self, key: str) -> str:
        return self.labels.get(key) or labels_for(DEFAULT_LOCALE).get(key, key)


class Unavailable(Exception):
    """A representation this server cannot make now (a PDF or PNG without its system
    libraries): a 503 that says so."""
