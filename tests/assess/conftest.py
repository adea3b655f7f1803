"""Fixtures of the assessment tests; the invented story itself is in tests/support/arvania.py."""

from __future__ import annotations

import pytest

from bot.assess import Assessor
from tests.support.arvania import corpus_documents, topic


@pytest.fixture
def assessor() -> Assessor:
    return Assessor(topic(), corpus_documents())
