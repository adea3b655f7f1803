"""check-config's verdicts on settings that parse but cannot work.

Each check returns findings (values, not exceptions), so one run names every
problem, one line each: a token with no channel, a database that does not
answer, a feeds or topic file the program would reject, a corpus folder that
is missing or is clearly not a corpus. Errors make check-config exit 2;
warnings are printed and the verdict stays ok.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bot.config.feeds_file import load_feeds_file
from bot.config.settings import Settings
from bot.config.stories import STORY_FILE, configured_stories
from bot.config.story_files import MIN_ARTICLE_WORDS, CorpusSurvey, load_topic, survey_corpus
from bot.errors import ConfigError, StorageError
from bot.store import Database

EXIT_CONFIG = 2
# Fewer article-like files than this is a thin baseline: most of what is known is missing.
MIN_CORPUS_ARTICLES = 3


class Severity(Enum):
    ERROR = "configuration error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    message: str

    def line(self) -> str:
        return f"talkwatch: {self.severity.value}: {self.message}"


def error(message: str) -> Finding:
    return Finding(Severity.ERROR, message)


def warning(message: str) -> Finding:
    return Finding(Severity.WARNING, message)


async def check_settings(settings: Settings) -> list[Finding]:
    """Every offline check, plus a connection to the (local) database."""
    return [
        *check_telegram(settings),
        *check_stories(settings),
        *check_feeds(settings),
        *check_corpus(settings),
        *check_topic(settings),
        *await check_database(settings.database_url),
    ]


def check_telegram(settings: Settings) -> list[Finding]:
    if settings.stories_dir is not None:  # each story names its channel: check_stories
        return []
    if settings.telegram_bot_token is not None and settings.telegram_channel is None:
        return [
            error(
                "TELEGRAM_CHANNEL is unset but TELEGRAM_BOT_TOKEN is set: alerts would reach"
                " no channel (set TELEGRAM_CHANNEL, or unset the token for a dry run)"
            )
        ]
    return []


def check_stories(settings: Settings) -> list[Finding]:
    """STORIES_DIR's folders load, each story has articles and (with a token) a channel."""
    if settings.stories_dir is None:
        return []
    try:
        stories = configured_stories(settings)
    except ConfigError as exc:
        return [error(str(exc))]
    findings = []
    for story in stories:
        if settings.telegram_bot_token is not None and story.channel is None:
            findings.append(
                error(
                    f"story {story.slug}: no channel in its {STORY_FILE} and TELEGRAM_CHANNEL"
                    " is unset: its alerts would reach no channel"
                )
            )
        if survey_corpus(story.corpus_dir).articles == 0:
            findings.append(error(f"story {story.slug}: {story.corpus_dir} holds no articles"))
    return findings


def check_feeds(settings: Settings) -> list[Finding]:
    try:
        load_feeds_file(settings.feeds_file)
    except ConfigError as exc:
        return [error(f"FEEDS_FILE: {exc}")]
    return []


def check_corpus(settings: Settings) -> list[Finding]:
    """A missing folder or one without articles fails; a doubtful one warns."""
    folder = settings.corpus_dir
    try:
        survey = survey_corpus(folder)
    except ConfigError as exc:
        return [error(str(exc))]
    if survey.articles == 0:
        found = f"{len(survey.not_articles)} .txt files, none" if survey.not_articles else "none"
        return [
            error(
                f"CORPUS_DIR {folder}: no articles ({found} with a headline line"
                f" and {MIN_ARTICLE_WORDS}+ words)"
            )
        ]
    return _corpus_doubts(folder, survey)


def _corpus_doubts(folder: Path, survey: CorpusSurvey) -> list[Finding]:
    """Warnings for a corpus that has articles but looks thin or like some other folder."""
    findings = []
    if survey.not_articles:
        odd = survey.not_articles
        names = ", ".join(odd[:3]) + (", ..." if len(odd) > 3 else "")
        findings.append(
            warning(f"CORPUS_DIR {folder}: {len(odd)} .txt files are not articles: {names}")
        )
    if survey.other_files > survey.articles:
        findings.append(
            warning(
                f"CORPUS_DIR {folder}: {survey.other_files} other files beside"
                f" {survey.articles} articles; is this the corpus folder?"
            )
        )
    elif survey.articles < MIN_CORPUS_ARTICLES:
        findings.append(warning(f"CORPUS_DIR {folder}: only {survey.articles} article(s)"))
    return findings


def check_topic(settings: Settings) -> list[Finding]:
    path = settings.topic_file
    if not path.is_file():
        return [warning(f"TOPIC_FILE {path}: no such file; the topic is derived from the corpus")]
    try:
        load_topic(path)
    except ConfigError as exc:
        return [error(str(exc))]
    return []


async def check_database(url: str) -> list[Finding]:
    """Connect (and, for SQLite, create the folder) the way `run` would."""
    try:
        db = Database(url)
    except StorageError as exc:
        return [error(f"DATABASE_URL: {exc}")]
    try:
        reason = await db.check()
    finally:
        await db.dispose()
    if reason is None:
        return []
    return [error(f"DATABASE_URL {db.display_url}: cannot connect: {reason}")]


def summary(settings: Settings) -> str:
    """The one ok line: what the settings point at, once every check passed."""
    feeds = len(load_feeds_file(settings.feeds_file))
    articles = survey_corpus(settings.corpus_dir).articles
    topic = load_topic(settings.topic_file).name
    mode = "dry-run (alerts printed to stdout)" if settings.dry_run else "Telegram"
    return (
        f"ok: {feeds} feeds, {articles} corpus articles, topic {topic!r},"
        f" database reachable, {mode}"
    )
