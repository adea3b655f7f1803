"""`talkwatch story check SLUG`: the story's shape before it goes live.

Each corpus article is assessed by a core built from the story's topic and the
rest of its corpus (leave one out): an article the story's own definition does
not read as on-story shows the operator where the topic or corpus is too
narrow, before real coverage is judged by it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.assess import Assessor
from bot.config.stories import StoryConfig
from bot.config.story_files import load_corpus
from bot.domain import Assessment, Document
from bot.errors import ConfigError

# Titles longer than this would wrap the report on an 80-column terminal.
MAX_TITLE_CHARS = 60


def find_story(stories: Sequence[StoryConfig], slug: str) -> StoryConfig:
    """The configured story of that slug; ConfigError listing the slugs otherwise."""
    for story in stories:
        if story.slug == slug:
            return story
    known = ", ".join(s.slug for s in stories)
    raise ConfigError(f"no story {slug!r} (configured: {known})")


def check_story(story: StoryConfig) -> list[str]:
    """The report lines: what the story watches for, then each corpus article's reading."""
    corpus = load_corpus(story.corpus_dir)
    if not corpus:
        raise ConfigError(f"story {story.slug}: {story.corpus_dir} holds no articles")
    lines = [f"story {story.slug}: {story.name}", *_definition(story)]
    readings = [_read(story, corpus, index) for index in range(len(corpus))]
    on_story = sum(1 for verdict, _ in readings if verdict.relevant)
    for verdict, document in readings:
        mark = "on-story " if verdict.relevant else "OFF-story"
        reason = verdict.reasons[0] if verdict.reasons else ""
        lines.append(f"  {mark}  {_title(document)}  ({reason})")
    lines.append(f"{on_story} of {len(corpus)} corpus articles read as on-story")
    return lines


def _definition(story: StoryConfig) -> list[str]:
    sides = "; ".join(f"{side}: {', '.join(aliases)}" for side, aliases in story.topic.actors)
    terms = ", ".join(story.topic.terms)
    return [
        f"  sides: {sides or '(derived from the corpus)'}",
        f"  terms: {terms or '(derived from the corpus)'}",
        f"  feeds: {len(story.feeds)}, channel: {story.channel or '(none)'}",
    ]


def _read(story: StoryConfig, corpus: list[Document], index: int) -> tuple[Assessment, Document]:
    others = corpus[:index] + corpus[index + 1 :]
    document = corpus[index]
    return Assessor(story.topic, others).assess(document), document


def _title(document: Document) -> str:
    title = document.title or document.key
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "…"
