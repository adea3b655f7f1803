"""The `talkwatch` commands as an operator types them, each in a real process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config.feeds_file import feeds_toml
from bot.replay import ReplayServer, default_stream_dir
from tests.assess.test_evaluation import KEYS as EVAL_KEYS
from tests.support.cli import talkwatch

ROOT = Path(__file__).resolve().parents[2]
ASSESS_FIXTURES = ROOT / "tests" / "assess" / "fixtures"


@pytest.mark.slow
def test_demo_prints_the_alerts_and_explains_each_silence(tmp_path: Path) -> None:
    result = talkwatch("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # Two stories at once: the shipped one (six alerts), the Harwick Bridge one (four).
    assert out.count("-> fresh development, alert:") == 10
    assert out.count("-> silent:") == 9
    assert out.count("--- dry run: message ") == 10
    assert out.count(" to @talkwatch_demo ---") == 6
    assert out.count(" to @talkwatch_demo_harwick ---") == 4
    assert "Dunmore Civil wins contract" in out.split("to @talkwatch_demo_harwick ---")[-1]
    assert out.count("== story ") == 2
    assert "not relevant" in out
    assert "copy of" in out
    assert "Also:" in out
    assert "Done in" in out
    assert not (tmp_path / "data").exists(), "the demo keeps nothing on disk"


@pytest.mark.slow
def test_demo_stream_with_its_own_corpus_is_its_own_story(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(default_stream_dir(), dataset)
    shutil.copytree(ROOT / "config" / "corpus", dataset / "corpus")
    broken_topic = tmp_path / "topic.toml"
    broken_topic.write_text('actorz = ["a typo the dataset must never read"]\n')
    result = talkwatch("demo", "--stream", str(dataset), env={"TOPIC_FILE": str(broken_topic)})
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "the dataset's own corpus" in first and "no topic file" in first
    assert "Done in" in result.stdout


def test_poll_once_reports_and_survives_a_dead_feed(tmp_path: Path) -> None:
    with ReplayServer(default_stream_dir(), released=3) as server:
        feeds = feeds_toml(server.feed_urls)
        feeds += '[[feeds]]\nname = "Dead feed"\nurl = "http://127.0.0.1:9/rss"\n'
        (tmp_path / "feeds.toml").write_text(feeds)
        env = {
            "FEEDS_FILE": str(tmp_path / "feeds.toml"),
            "DATABASE_URL": f"sqlite:///{tmp_path}/tw.db",
            "FETCH_ALLOW_PRIVATE": "true",  # the replay server is on 127.0.0.1
        }
        result = talkwatch("poll-once", env=env)
        table = talkwatch("feeds", env=env)
    assert result.returncode == 0, result.stderr
    assert "failed" in result.stdout
    assert "new articles" in result.stdout or "new article" in result.stdout
    assert "backlog" in result.stdout, "first-poll items are learned silently"
    assert table.returncode == 0, table.stderr
    assert "Dead feed" in table.stdout
    assert "Northstar Wire" in table.stdout
    assert "Next feed due" in result.stdout and "--all" in result.stdout


def test_poll_once_with_an_unreachable_database_fails_clearly(tmp_path: Path) -> None:
    result = talkwatch("poll-once", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 3
    assert "storage error" in result.stderr
    assert "Traceback" not in result.stderr


def test_assess_a_text_file_as_json(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(
        "China's envoy Li Hui to visit Kyiv on June 30\n\n"
        "China's special representative Li Hui will visit Kyiv on June 30 and meet Ukrainian "
        "Foreign Minister Dmytro Kuleba, China's foreign ministry spokesman said on Monday, "
        "following the phone call between Xi Jinping and Volodymyr Zelensky.\n"
    )
    result = talkwatch(
        "assess", str(article), "--json", env={"DATABASE_URL": f"sqlite:///{tmp_path}/tw.db"}
    )
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)
    assert verdict["relevant"] is True
    assert verdict["alert"] is True
    assert "June 30" in verdict["new_facts"]


def test_assess_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = talkwatch(
        "assess", str(tmp_path / "nope.txt"), env={"DATABASE_URL": f"sqlite:///{tmp_path}/tw.db"}
    )
    assert result.returncode == 2
    assert "nope.txt" in result.stderr


def test_eval_prints_figures_as_json() -> None:
    result = talkwatch(
        "eval",
        str(ASSESS_FIXTURES),
        "--json",
        env={
            "CORPUS_DIR": str(ASSESS_FIXTURES / "corpus"),
            "TOPIC_FILE": str(ASSESS_FIXTURES / "topic.toml"),
        },
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in EVAL_KEYS:
        assert key in figures
    assert {"id", "alerted", "verdict"} <= set(figures["articles"][0])


def test_eval_on_a_folder_without_a_stream_says_so(tmp_path: Path) -> None:
    result = talkwatch("eval", str(tmp_path))
    assert result.returncode == 2
    assert "stream.jsonl" in result.stderr


def test_assess_an_article_page_by_url(tmp_path: Path) -> None:
    with ReplayServer(default_stream_dir(), released=12) as server:
        development = next(a for a in server.articles if a.labels.novel)
        result = talkwatch(
            "assess",
            server.article_url(development),
            env={"DATABASE_URL": f"sqlite:///{tmp_path}/tw.db", "FETCH_ALLOW_PRIVATE": "true"},
        )
    assert result.returncode == 0, result.stderr
    assert "ALERT" in result.stdout
    assert development.title.split(":")[0][:30] in result.stdout


def test_stories_lists_each_story_folder(tmp_path: Path) -> None:
    from tests.config.test_stories import STORY_TOML, story_folder

    story_folder(tmp_path / "stories", "harbour")
    env = {"STORIES_DIR": str(tmp_path / "stories"), "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    result = talkwatch("stories", env=env)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == [
        "STORY",
        "NAME",
        "CORPUS",
        "FEEDS",
        "CHANNEL",
        "ALERTS",
        "LAST",
        "ALERT",
    ]
    assert row.split() == [
        "harbour",
        "Harbour",
        "strike",
        "5",
        "articles",
        "1",
        "@harbour_watch",
        "0",
        "never",
    ]
    (tmp_path / "stories" / "harbour" / "story.toml").write_text("colour = 1\n" + STORY_TOML)
    broken = talkwatch("stories", env=env)
    assert broken.returncode == 2
    assert broken.stderr.strip().endswith(
        "story.toml: unknown key 'colour' (known: channel, feeds, name, topic)"
    )
    assert len(broken.stderr.strip().splitlines()) == 2  # the database line, then the error


def test_story_check_shows_what_reads_as_on_story(tmp_path: Path) -> None:
    from tests.config.test_stories import story_folder

    folder = story_folder(tmp_path / "stories", "harbour")
    (folder / "corpus" / "zz-weather.txt").write_text(
        "Rain expected across the valley this weekend\n"
        + "Forecasters expect steady rain and cool winds over the valley farms. " * 12,
        encoding="utf-8",
    )
    env = {"STORIES_DIR": str(tmp_path / "stories")}
    result = talkwatch("story", "check", "harbour", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "story harbour: Harbour strike"
    assert "port: port authority, harbour master" in lines[1]
    assert "picket" in lines[2]
    off = [line for line in lines if "OFF-story" in line]
    assert len(off) >= 1 and "Rain expected" in off[-1]
    assert lines[-1].endswith("of 6 corpus articles read as on-story")
    unknown = talkwatch("story", "check", "nope", env=env)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "talkwatch: configuration error: no story 'nope' (configured: harbour)"
    )


def test_eval_with_a_configured_story_judges_by_it(tmp_path: Path) -> None:
    from tests.config.test_stories import story_folder

    story_folder(tmp_path / "stories", "harbour")
    env = {"STORIES_DIR": str(tmp_path / "stories")}
    own = json.loads(talkwatch("eval", str(ASSESS_FIXTURES), "--json", env=env).stdout)
    result = talkwatch("eval", str(ASSESS_FIXTURES), "--json", "--story", "harbour", env=env)
    assert result.returncode == 0, result.stderr
    judged = json.loads(result.stdout)
    assert judged["story"].startswith("story: the configured story harbour (")
    assert own["story"].startswith("story: the dataset's own corpus")
    alerted = [a["alerted"] for a in judged["articles"]]
    assert alerted != [a["alerted"] for a in own["articles"]], "another story, other verdicts"
    unknown = talkwatch("eval", str(ASSESS_FIXTURES), "--story", "nope", env=env)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        f"talkwatch: configuration error: --story nope: no such story in STORIES_DIR "
        f"{tmp_path / 'stories'} (configured: harbour)"
    )


def _two_stories(root: Path) -> dict[str, str]:
    """STORIES_DIR with the Xi-Zelensky story (slug a-xi, the default) and the harbour
    strike (the same corpus judged by other sides: nothing of it is on that story)."""
    from tests.config.test_stories import story_folder

    topic = (ROOT / "config" / "topic.toml").read_text(encoding="utf-8")
    xi_toml = 'name = "Xi call"\nchannel = "@xi_watch"\n\n[topic]\n' + topic.replace(
        "[actors]", "[topic.actors]"
    ).replace("name = ", "# name = ")
    story_folder(root, "a-xi", xi_toml)
    story_folder(root, "harbour")
    return {"STORIES_DIR": str(root)}


def test_assess_with_a_configured_story_judges_by_it(tmp_path: Path) -> None:
    env = {**_two_stories(tmp_path / "stories"), "DATABASE_URL": f"sqlite:///{tmp_path}/tw.db"}
    article = tmp_path / "article.txt"
    article.write_text(
        "Li Hui to visit Kyiv on June 5\n\nChina's special representative Li Hui will visit "
        "Kyiv on June 5 to meet Ukraine's foreign minister, China's foreign ministry said.\n"
    )

    default = talkwatch("assess", str(article), "--json", env=env)
    harbour = talkwatch("assess", str(article), "--json", "--story", "harbour", env=env)
    unknown = talkwatch("assess", str(article), "--story", "nope", env=env)

    assert default.returncode == 0, default.stderr
    assert harbour.returncode == 0, harbour.stderr
    assert json.loads(default.stdout)["relevant"] is True
    assert json.loads(harbour.stdout)["relevant"] is False
    assert unknown.returncode == 2
    assert unknown.stderr.strip().endswith(
        "--story nope: no such story in STORIES_DIR "
        f"{tmp_path / 'stories'} (configured: a-xi, harbour)"
    )


@pytest.mark.slow
def test_demo_stream_with_a_configured_story_is_judged_by_it(tmp_path: Path) -> None:
    env = _two_stories(tmp_path / "stories")
    stream = str(default_stream_dir())

    xi = talkwatch("demo", "--stream", stream, "--story", "a-xi", env=env)
    harbour = talkwatch("demo", "--stream", stream, "--story", "harbour", env=env)
    unknown = talkwatch("demo", "--stream", stream, "--story", "nope", env=env)

    assert xi.returncode == 0, xi.stderr
    assert xi.stdout.startswith("story: the configured story a-xi (")
    assert xi.stdout.count(" to @xi_watch ---") == 6, "the shipped sample's six alerts"
    assert harbour.returncode == 0, harbour.stderr
    assert harbour.stdout.startswith("story: the configured story harbour (")
    assert harbour.stdout.count("-> fresh development") == 0, "nothing of it is a strike"
    assert harbour.stdout.count("-> silent:") == 12
    assert unknown.returncode == 2 and "--story nope: no such story" in unknown.stderr
