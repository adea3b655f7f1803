"""One pass over an article that every rule then reads: sentences, terms, facts, fingerprint.

Doing the text work once keeps assessment cheap and makes `learn` see exactly
what `assess` saw.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from bot.assess.clutter import drop_clutter
from bot.assess.dates import undated_reference
from bot.assess.facts import Fact, FactKind, extract_facts
from bot.assess.mentions import Either, NameVocabulary, latin_lookalikes, unglue
from bot.assess.shingles import fingerprint
from bot.assess.text import (
    MAX_CHARS,
    clean_text,
    lower_words,
    paragraphs,
    sentences_of,
    terms,
    terms_of,
    words,
)
from bot.domain import Document

# Headline labels that announce comment rather than news. Generic newsroom
# vocabulary: such pieces argue about developments, they do not report them.
_COMMENT_LABEL = re.compile(
    r"^\s*(opinion|analysis|explainer|comment|commentary|editorial|column|view|viewpoint|"
    r"perspective|factbox|q&a|insight|podcast|letters?)\s*[:|\-–—]",
    re.I,
)
# The same labels standing alone on the first line of the body (a kicker above the text).
_COMMENT_KICKER = re.compile(
    r"^\s*(opinion|analysis|explainer|comment|commentary|editorial|column|viewpoint|"
    r"perspective|factbox|insight)\s*[:.]?\s*$",
    re.I,
)
_OUTLET_SUFFIX = re.compile(r"\s+[-–—|]\s+(?:The\s+)?[A-Z][\w.&']*(?:\s+[A-Z][\w.&']*){0,3}\s*$")
_WIRE_PREFIX = re.compile(
    r"^\s*(?:REFILE|UPDATE\s*\d*|CORRECTED|WRAPUP\s*\d*|BREAKING)\s*[-:]+\s*", re.I
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with its content terms, lowercase words and facts."""

    position: int
    text: str
    terms: list[str]
    lowered: list[str]
    facts: list[Fact]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the rules need to know about one document."""

    headline: str
    is_comment: bool
    sentences: list[Sentence]
    title_words: list[str]
    doc_terms: set[str]
    lowercase: set[str]
    prints: frozenset[int]
    truncated: bool
    published: date | None = None


def _is_comment(doc: Document) -> bool:
    """Labelled as comment in the headline ("Analysis: ...") or in a kicker line above the text."""
    first_line = (doc.text or "").lstrip().split("\n", 1)[0][:40]
    return bool(_COMMENT_LABEL.match(doc.title or "") or _COMMENT_KICKER.match(first_line))


def analyse(
    doc: Document, common_words: Container[str], names: NameVocabulary | None = None
) -> Analysis:
    """Clean, split and annotate a document; never raises on odd input.

    Page clutter goes before sentences are split, so it never becomes a fact, a
    reason or a summary sentence; `names` (name keys the knowledge base holds)
    lets a glued or misspelt known name be read as that name.
    """
    body = unglue(latin_lookalikes(drop_clutter(clean_text(doc.text or ""))), names)
    title = clean_title(latin_lookalikes(clean_text(doc.title or "")))
    published = doc.published_at.date() if doc.published_at else None
    all_words = words(body)
    lowercase = {w for w in all_words if w.islower()}
    known_lower = Either(lowercase, common_words)
    sentences = []
    paras = paragraphs(body)
    texts = sentences_of(paras)
    tokens = [words(text) for text in texts]
    reference = published or undated_reference(texts)
    mid_caps = {w for ws in tokens for w in ws[1:] if w[:1].isupper()}
    for position, text in enumerate(texts):
        context = " ".join(texts[max(0, position - 1) : position + 2 : 2])
        found = extract_facts(text, known_lower, context, reference, names)
        facts = [f for f in found if _keep(f, text, mid_caps, names)]
        lowered = [w.lower().replace(".", "") for w in tokens[position]]
        sentences.append(Sentence(position, text, terms_of(tokens[position]), lowered, facts))
    body_words = lower_words("\n".join(paras))
    doc_terms = {t for s in sentences for t in s.terms} | set(terms(title))
    return Analysis(
        headline=title or (sentences[0].text[:120] if sentences else ""),
        is_comment=_is_comment(doc),
        sentences=sentences,
        title_words=_lowered(title),
        doc_terms=doc_terms,
        lowercase=lowercase,
        prints=fingerprint(body_words),
        truncated=len(doc.text or "") > MAX_CHARS,
        published=published,
    )


def clean_title(title: str) -> str:
    """A headline without wire prefixes, comment labels or an aggregator's ' - Outlet' tail."""
    title = _WIRE_PREFIX.sub("", title)
    title = _COMMENT_LABEL.sub("", title)
    return _OUTLET_SUFFIX.sub("", title).strip()


def _lowered(text: str) -> list[str]:
    """Lowercase words without dots ('U.S.' -> 'us'): what relevance matches phrases on."""
    return [w.lower().replace(".", "") for w in words(text)]


def _keep(fact: Fact, sentence: str, mid_caps: set[str], names: NameVocabulary | None) -> bool:
    """Drop a lone capitalised first word ('Residents', 'Asked') unless it recurs as a name
    in the text or is a name the knowledge base already holds."""
    if fact.kind not in (FactKind.ENTITY, FactKind.WORD) or " " in fact.text:
        return True
    if not sentence.startswith(fact.text) or fact.text in mid_caps:
        return True
    return names is not None and all(token in names for token in fact.tokens)
