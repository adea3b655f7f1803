"""A verdict as readable text, for `talkwatch assess` and for people reading eval output."""

from __future__ import annotations

from bot.domain import Assessment, Document, VerdictKind

DECISIONS = {
    VerdictKind.ALERT: "ALERT: fresh development",
    VerdictKind.COPY: "silent: copy of",
    VerdictKind.OFF_STORY: "silent: not about the story",
    VerdictKind.KNOWN: "silent: nothing new",
    VerdictKind.FAILED: "silent: the assessment failed on this text",
}


def format_verdict(doc: Document, verdict: Assessment) -> str:
    """Several lines: the decision first, then the evidence and, for alerts, the summary."""
    decision = DECISIONS[verdict.kind]
    if verdict.kind is VerdictKind.COPY:
        decision = f"{decision} {verdict.copy_of}"
    lines = [
        f"{doc.key}: {doc.title or '(untitled)'}",
        f"  verdict:   {decision}",
        f"  relevance: {verdict.relevance:.2f}   novelty: {verdict.novelty:.2f}",
    ]
    if verdict.is_alert:
        lines.append(f"  headline:  {verdict.headline}")
        lines.append(f"  now:       {verdict.summary}")
        if verdict.before:
            lines.append(f"  before:    {verdict.before}")
        if verdict.new_facts:
            lines.append(f"  new facts: {', '.join(verdict.new_facts)}")
    if verdict.repeats:
        lines.append(f"  repeats:   {verdict.repeats}")
    lines.extend(f"  - {reason}" for reason in verdict.reasons)
    return "\n".join(lines)
