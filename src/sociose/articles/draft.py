"""The one type every input format adapts into before an article is stored (see sociose.ingest), and the error for
input that cannot be used. It lives here, with the articles it becomes, so that `articles` does not import `ingest`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


class IngestError(Exception):
    """Input that cannot be used (a malformed feed or file, an unusable page); recorded against its source."""


@dataclass
class ArticleDraft:
    """An article as read from a feed entry, a page, a news-please record or a WARC record, not yet stored."""

    url: str
    title: str = ""
    text: str = ""
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    language: str = ""
    description: str = ""
    image_url: str = ""
    image_caption: str = ""
    image_credit: str = ""
    canonical_url: str = ""  # rel=canonical or og:url as the page states it; checked before use
    outlet_name: str = ""
    license: str = ""
    html: str = ""  # page HTML still to be extracted (WARC records, feeds with full content)

    @property
    def complete(self) -> bool:
        """True when the draft has enough text to be stored without fetching its page."""
        return bool(self.title and len(self.text) >= 200)

    def to_json(self) -> dict:
        """A JSON-safe dict, for passing a draft to a task."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> ArticleDraft:
        published = data.get("published_at")
        return cls(**{**data, "published_at": datetime.fromisoformat(published) if published else None})
