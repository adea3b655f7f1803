"""The assessment core: pure decisions over plain data (no I/O, no Telegram, no SQL).

For each article in stream order: is it about the story (relevance), is it a
copy of one already seen (shingles, copies), does it report something the corpus
and earlier alerts do not hold (novelty), and if so, what is new (summary).
"""

from bot.assess.engine import Assessor
from bot.assess.pool import FeaturePool
from bot.assess.thresholds import DEFAULT_THRESHOLDS, Thresholds
from bot.assess.topic import Topic, parse_topic

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Assessor",
    "FeaturePool",
    "Thresholds",
    "Topic",
    "parse_topic",
]
