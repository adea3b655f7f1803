"""SQLAlchemy models. ORM rows never leave the `store` package.

Timestamps are stored as UTC; `UTCDateTime` makes SQLite (which keeps no
zone) hand back aware datetimes like PostgreSQL does, so code above the
store never compares naive with aware times.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class FeedRow(Base):
    """A polled feed and its polite-fetching state."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # 'file' feeds follow the feeds file; 'admin' feeds came from /addfeed and survive syncs.
    origin: Mapped[str] = mapped_column(String(16), default="file")
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    ttl_seconds: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Null until the first successful poll: items seen then are backlog, learned silently.
    first_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str] = mapped_column(String(16), default="never")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The worker polling this feed right now, until when (store/feeds.claim_due_feeds).
    lease_holder: Mapped[str | None] = mapped_column(String(64), index=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Due feeds are claimed oldest first in this order, a batch at a time (migration 0007).
    __table_args__ = (Index("ix_feeds_due", "next_check_at", "id"),)


class ArticleRow(Base):
    """One stored article: stored once, however many feeds or link decorations carry it."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_pending", "assessed_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    identity: Mapped[str] = mapped_column(String(700), unique=True)
    guid: Mapped[str | None] = mapped_column(String(1024))
    url: Mapped[str | None] = mapped_column(String(2048), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # 'feed' (full text in the feed), 'page' (extracted from the article page), 'teaser'.
    text_source: Mapped[str] = mapped_column(String(16), default="feed")
    extract_error: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    backlog: Mapped[bool] = mapped_column(Boolean, default=False)
    # Verdicts live in story_verdicts since 0005; these columns are no longer written.
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    relevant: Mapped[bool | None] = mapped_column(Boolean)
    # The column kept its first name; "copy" is the one word for it everywhere else.
    copy_of_id: Mapped[int | None] = mapped_column(
        "duplicate_of_id", ForeignKey("articles.id", ondelete="SET NULL")
    )


# Story 1 holds what was stored before stories existed (migration 0004).
DEFAULT_STORY_ID = 1


class StoryRow(Base):
    """A story the process follows or once followed; `name` is empty until first claimed."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when its folder is gone: its history stays queryable until purged.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoryFeedRow(Base):
    """A story polls a feed; several stories may poll one feed, whose articles are stored once."""

    __tablename__ = "story_feeds"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )


class StoryVerdictRow(Base):
    """A story's verdict on an article: each story assesses the articles of the feeds it polls."""

    __tablename__ = "story_verdicts"
    __table_args__ = (Index("ix_story_verdicts_replay", "story_id", "assessed_at", "article_id"),)

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    relevant: Mapped[bool | None] = mapped_column(Boolean)
    copy_of_id: Mapped[int | None] = mapped_column("duplicate_of_id", Integer)


class DevelopmentRow(Base):
    """A fresh development of one story: one per alerting article; the unit of an alert."""

    __tablename__ = "developments"
    __table_args__ = (UniqueConstraint("story_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True, default=DEFAULT_STORY_ID
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    headline: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    new_facts: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    backlog: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped when another source joins; sent messages below it are edited.
    revision: Mapped[int] = mapped_column(Integer, default=1)


class DevelopmentSourceRow(Base):
    """An outlet carrying a development: the original, copies and re-reports."""

    __tablename__ = "development_sources"
    __table_args__ = (UniqueConstraint("development_id", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    development_id: Mapped[int] = mapped_column(
        ForeignKey("developments.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    outlet: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubscriptionRow(Base):
    """A chat that receives one story's alerts by direct message, optionally filtered."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("story_id", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), index=True, default=DEFAULT_STORY_ID
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    chat_type: Mapped[str] = mapped_column(String(32), default="private")
    keywords: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    deactivated_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxRow(Base):
    """One message owed to one chat for one development; unique, so never sent twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("development_id", "chat_id"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    development_id: Mapped[int] = mapped_column(ForeignKey("developments.id", ondelete="CASCADE"))
    chat_id: Mapped[str] = mapped_column(String(64))
    # 'pending' -> 'sent' | 'failed' (given up: 400, 403, too many attempts)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_revision: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The worker sending it (while 'sending'); its death makes the row due again at once.
    claimed_by: Mapped[str | None] = mapped_column(String(64), index=True)


class StateRow(Base):
    """Small key/value facts the process keeps across restarts (paused, ...)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KnowledgeSnapshotRow(Base):
    """The knowledge base as it stood after a given verdict, so a start need not re-learn it all.

    `fingerprint` names the core and story it was made by: a snapshot from other code or
    another corpus is never loaded. `learned_until_*` is the last verdict it contains, in the
    order verdicts are replayed (assessed_at, then id).
    """

    __tablename__ = "knowledge_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    learned_until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    learned_until_id: Mapped[int] = mapped_column(Integer)
    articles: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class WorkerRow(Base):
    """A running Talkwatch process: who it is, what roles it plays, when it last beat."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    roles: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeaseRow(Base):
    """A named lease: one holder until `expires_at`; the holder's heartbeat extends it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SendSlotRow(Base):
    """The next free send slot of one rate limit (a token overall, or one chat), epoch seconds."""

    __tablename__ = "send_slots"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class HandledUpdateRow(Base):
    """A Telegram update some worker has taken on: a new consumer does not answer it again."""

    __tablename__ = "handled_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
