"""The `talkwatch` command line: run, demo, poll-once, feeds, stories, assess, eval, db…"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config.settings import Settings, load_settings, mask_url_password
from bot.errors import ConfigError, StorageError, TalkwatchError

EXIT_CONFIG = 2
EXIT_STORAGE = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkwatch",
        description="Watch a story's coverage and post to Telegram only when something is new.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run", help="run the bot: poll, assess, alert, answer commands (until stopped)"
    )
    run.add_argument(
        "--roles",
        default="poll,assess,deliver,bot",
        metavar="ROLES",
        help="what this worker does, comma-separated (default: all): poll, assess, deliver, bot."
        " Several workers on one PostgreSQL share the work (see README, Deployments)",
    )
    demo = sub.add_parser(
        "demo", help="offline demo: replay a sample stream through the real pipeline"
    )
    demo.add_argument(
        "--stream",
        metavar="DATASET_DIR",
        type=Path,
        help="replay this stream (the eval format) instead of the shipped sample",
    )
    demo.add_argument(
        "--story",
        metavar="SLUG",
        help="judge the stream by this configured story (see `talkwatch stories`)",
    )
    poll_once = sub.add_parser(
        "poll-once", help="poll the due feeds once, assess what is new, print a report"
    )
    poll_once.add_argument("--all", action="store_true", help="poll every feed now, due or not")
    sub.add_parser("feeds", help="show every feed with its polling state")
    sub.add_parser(
        "stories", help="list the stories: corpus size, feeds, channel, alerts so far, last alert"
    )
    assess = sub.add_parser("assess", help="assess one article (text or HTML file, or URL)")
    assess.add_argument("source", metavar="FILE_OR_URL")
    assess.add_argument("--json", action="store_true", help="print the verdict as JSON")
    assess.add_argument(
        "--story", metavar="SLUG", help="judge by this configured story (default: the first)"
    )
    evaluate = sub.add_parser("eval", help="replay a labelled dataset and print quality figures")
    evaluate.add_argument("dataset", metavar="DATASET_DIR", type=Path)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--story", metavar="SLUG", help="judge by this configured story (see `talkwatch stories`)"
    )
    story = sub.add_parser(
        "story",
        help="one story: new SLUG --from ... builds it; check SLUG shows its shape; purge SLUG",
    )
    story_actions = story.add_subparsers(dest="story_action", required=True, metavar="ACTION")
    check = story_actions.add_parser(
        "check", help="assess each corpus article against the rest: what reads as on-story"
    )
    check.add_argument("slug", metavar="SLUG")
    purge = story_actions.add_parser(
        "purge", help="delete a removed story's stored history (its folder must be gone)"
    )
    purge.add_argument("slug", metavar="SLUG")
    new = story_actions.add_parser(
        "new", help="write a story folder in STORIES_DIR from a few seed articles (pages or files)"
    )
    new.add_argument("slug", metavar="SLUG")
    new.add_argument(
        "--from",
        dest="sources",
        metavar="URL_OR_FILE",
        nargs="+",
        required=True,
        help="seed articles: page URLs or text/HTML files",
    )
    new.add_argument("--name", help="the story's name (default: derived from the seeds)")
    new.add_argument("--channel", metavar="@CHANNEL", help="where its alerts go")
    sub.add_parser("check-config", help="print every setting (secrets masked); fail if invalid")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"talkwatch: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StorageError as exc:
        print(f"talkwatch: storage error: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except TalkwatchError as exc:
        print(f"talkwatch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


# Commands that read or keep state say where, so two folders never quietly use two databases.
_STATEFUL = frozenset({"poll-once", "feeds", "stories", "db"})


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import subcommands as commands

    if args.command in _STATEFUL or getattr(args, "story_action", None) == "purge":
        print(f"talkwatch: database {mask_url_password(settings.database_url)}", file=sys.stderr)

    handlers: dict[str, Callable[[], int]] = {
        "run": lambda: commands.run(settings, args.roles),
        "demo": lambda: commands.demo(settings, args.stream, args.story),
        "poll-once": lambda: asyncio.run(commands.poll_once(settings, args.all)),
        "feeds": lambda: asyncio.run(commands.show_feeds(settings)),
        "stories": lambda: asyncio.run(commands.show_stories(settings)),
        "story": lambda: commands.story_action(settings, args.story_action, args.slug, args),
        "assess": lambda: asyncio.run(
            commands.assess_one(settings, args.source, args.json, args.story)
        ),
        "eval": lambda: commands.evaluate(settings, args.dataset, args.json, args.story),
        "check-config": lambda: commands.check_config(settings),
        "db": lambda: asyncio.run(commands.db_upgrade(settings)),
    }
    return handlers[args.command]()


if __name__ == "__main__":
    sys.exit(main())
