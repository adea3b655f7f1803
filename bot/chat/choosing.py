"""Which story a command is about: its optional first argument, else the only story.

With one story every command works as before stories existed; with several, a
command about one story takes its slug first, and without it gets a usage line
listing the stories to choose from.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.services import StoryChoice
from bot.publish.render import esc


@dataclass(frozen=True, slots=True)
class Chosen:
    """The story named (None: the one story, unnamed) and the arguments after its slug."""

    story: StoryChoice | None
    args: list[str]

    @property
    def story_id(self) -> int | None:
        return None if self.story is None else self.story.story_id


def named_story(stories: tuple[StoryChoice, ...], args: list[str]) -> Chosen | None:
    """The story the first argument names, else the only one; None when one must be named."""
    if args:
        wanted = args[0].lower()
        for story in stories:
            if story.slug == wanted:
                return Chosen(story, args[1:])
    if len(stories) > 1:
        return None
    return Chosen(stories[0] if stories else None, args)


def story_usage(command: str, rest: str, stories: tuple[StoryChoice, ...]) -> str:
    """`Usage: /command STORY rest`, and the stories to choose from."""
    tail = f" {esc(rest)}" if rest else ""
    listed = ", ".join(esc(s.slug) for s in stories)
    return f"Usage: /{command} STORY{tail}; stories: {listed} (/stories lists them)"


def stories_text(stories: tuple[StoryChoice, ...]) -> str:
    """The /stories answer: one line per story, slug first (what commands take)."""
    if not stories:
        return "One story is followed here: every command is about it."
    lines = [f"<b>{esc(s.slug)}</b>: {esc(s.name)}" for s in stories]
    return "Stories followed here:\n" + "\n".join(lines)
