"""Plain data shared by every stage of Talkwatch.

These frozen dataclasses are the vocabulary the stages speak: the ingest edge
produces `ParsedItem`s, the store hands `Document`s to the assessment core,
the core answers with an `Assessment`, and the publisher renders `Alert`s.
None of them knows about HTTP, SQL or Telegram, so the core can be replayed
with plain function calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed as the operator configured it (feeds file or /addfeed)."""

    name: str
    url: str
    interval_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One feed entry after parsing and cleaning, before it is stored."""

    identity: str
    guid: str | None
    url: str | None
    title: str
    text: str
    summary: str
    published_at: datetime | None
    outlet: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """What the assessment core reads: one article or one corpus text.

    `key` is stable across restarts (the article id in storage, or the corpus
    file name), because verdicts refer to earlier documents by it. `outlet` is
    who published it: an outlet's name, or "" for a corpus text.
    """

    key: str
    title: str
    text: str
    url: str = ""
    outlet: str = ""
    published_at: datetime | None = None


class VerdictKind(StrEnum):
    """What the core concluded about a document, as one value a consumer can branch on."""

    ALERT = "alert"  # relevant, original and new: publish it
    COPY = "copy"  # a copy of an earlier document (`copy_of`)
    KNOWN = "known"  # on the story, but nothing the knowledge base lacks
    OFF_STORY = "off_story"  # not about the story (or no readable text at all)
    FAILED = "failed"  # the core raised on it; the reason says why


# Old stored verdicts carry no kind; a failed one is recognised by its reason.
_FAILED_REASON = "assessment failed"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The core's verdict on one document; JSON-serialisable through `to_dict`.

    `kind` is never None after construction: when a caller leaves it out it is
    derived from the other fields, so older constructors and stored JSON keep
    a consistent verdict.
    """

    relevant: bool
    relevance: float
    copy_of: str | None
    novel: bool
    novelty: float
    new_facts: tuple[str, ...] = ()
    headline: str = ""
    summary: str = ""
    before: str | None = None
    reasons: tuple[str, ...] = ()
    # The alerted document whose development this article only re-reports
    # (not a copy, but nothing new either): the publisher adds it as a source.
    repeats: str | None = None
    # None only as the constructor's default: __post_init__ always sets a kind.
    kind: VerdictKind = None  # type: ignore[assignment]
    # The document the `before` sentence was taken from (corpus file or alerted article).
    before_key: str | None = None

    def __post_init__(self) -> None:
        if self.kind is None:
            object.__setattr__(self, "kind", self._derived_kind())

    def _derived_kind(self) -> VerdictKind:
        if self.copy_of is not None:
            return VerdictKind.COPY
        if self.is_alert:
            return VerdictKind.ALERT
        if self.reasons and self.reasons[0].startswith(_FAILED_REASON):
            return VerdictKind.FAILED
        return VerdictKind.KNOWN if self.relevant else VerdictKind.OFF_STORY

    @classmethod
    def silent(
        cls, *reasons: str, kind: VerdictKind = VerdictKind.FAILED, headline: str = ""
    ) -> Assessment:
        """A verdict with nothing to say: the core failing on a text, or an unreadable one."""
        return cls(
            relevant=False,
            relevance=0.0,
            copy_of=None,
            novel=False,
            novelty=0.0,
            headline=headline,
            reasons=reasons,
            kind=kind,
        )

    @property
    def is_alert(self) -> bool:
        """An alert is due only for a relevant, original article with something new."""
        return self.relevant and self.copy_of is None and self.novel

    def to_dict(self) -> dict[str, Any]:
        return {
            "relevant": self.relevant,
            "relevance": round(self.relevance, 4),
            "copy_of": self.copy_of,
            "novel": self.novel,
            "novelty": round(self.novelty, 4),
            "new_facts": list(self.new_facts),
            "headline": self.headline,
            "summary": self.summary,
            "before": self.before,
            "reasons": list(self.reasons),
            "repeats": self.repeats,
            "kind": str(self.kind),
            "before_key": self.before_key,
            "alert": self.is_alert,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        return cls(
            relevant=bool(data["relevant"]),
            relevance=float(data["relevance"]),
            # Verdicts stored before the rename carry "duplicate_of".
            copy_of=data.get("copy_of", data.get("duplicate_of")),
            novel=bool(data["novel"]),
            novelty=float(data["novelty"]),
            new_facts=tuple(data.get("new_facts", ())),
            headline=str(data.get("headline", "")),
            summary=str(data.get("summary", "")),
            before=data.get("before"),
            reasons=tuple(data.get("reasons", ())),
            repeats=data.get("repeats"),
            kind=VerdictKind(data["kind"]) if data.get("kind") else None,  # type: ignore[arg-type]
            before_key=data.get("before_key"),
        )


@dataclass(frozen=True, slots=True)
class Source:
    """An outlet that carried a development, with the link to its article."""

    outlet: str
    url: str


@dataclass(frozen=True, slots=True)
class Alert:
    """A fresh development as it is rendered for Telegram."""

    development_id: int
    headline: str
    summary: str
    before: str | None
    sources: tuple[Source, ...]
    published_at: datetime | None
    new_facts: tuple[str, ...] = ()


class FeedStatus(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one poll of one feed did; expected failures are values, not exceptions."""

    feed_url: str
    status: FeedStatus
    new_articles: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PollReport:
    """The outcome of one polling cycle over all due feeds."""

    outcomes: tuple[FeedOutcome, ...] = field(default_factory=tuple)

    def count(self, status: FeedStatus) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An active direct-message subscription: the chat and its optional keyword filter."""

    chat_id: str
    keywords: tuple[str, ...] = ()
