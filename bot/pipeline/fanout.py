"""Every story's assessment stage, run one story after another over the same stored articles.

An article is stored once however many stories poll its feed; each story's stage
then assesses it against that story's own knowledge base, in publication order,
and records that story's development for its channel and subscribers. A story's
failure on one article is isolated inside its stage (`Pipeline._verdict`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from bot.pipeline.assess import AssessedArticle, Pipeline
from bot.pipeline.coordination import Hold, Role, Worker, story_lease


def _still_held(worker: Worker, lease: str) -> bool:
    return worker.holds(lease, datetime.now(UTC))


@dataclass
class StoryStages:
    """The stages of every configured story; the first is the default story's."""

    stages: Sequence[Pipeline]
    # (slug, name, story id) of each stage's story, in the same order.
    named: Sequence[tuple[str, str, int]] = ()

    @property
    def default(self) -> Pipeline:
        return self.stages[0]

    @property
    def knowledge_size(self) -> int:
        """Sentences known across every story's knowledge base (for /status)."""
        return sum(stage.assessor.size for stage in self.stages)

    async def rebuild_knowledge(self) -> int:
        return sum([await stage.rebuild_knowledge() for stage in self.stages])

    async def run(self, worker: Worker | None = None) -> list[AssessedArticle]:
        """Each story's pending articles; the verdicts of all stories, story by story.

        With a `worker`, only the stories whose assessment lease it holds or can
        take now, up to its fair share (stories / assessing workers, rounded
        up): a worker holding more hands the rest over, so several assessing
        workers split the stories. A story it has just taken over first learns
        what the previous holder assessed.
        """
        if worker is None:
            return [done for stage in self.stages for done in await stage.run()]
        now = datetime.now(UTC)
        share = await worker.share_of(len(self.stages), Role.ASSESS, now)
        leases = [story_lease(stage.story_id) for stage in self.stages]
        await worker.give_up([lease for lease in leases if lease in worker.held][share:])
        done: list[AssessedArticle] = []
        for stage, lease in zip(self.stages, leases, strict=True):
            if lease not in worker.held and len(worker.held & set(leases)) >= share:
                continue
            hold = await worker.take(lease, datetime.now(UTC))
            if hold is Hold.NOT_OURS:
                continue
            if hold is Hold.NEW:
                await stage.refresh_knowledge()
            done += await stage.run(partial(_still_held, worker, lease))
        return done

    async def save_knowledge(self) -> None:
        for stage in self.stages:
            await stage.save_knowledge()
