"""Who speaks: a party to the story, or colour (traders, residents, a broker)?

What a government, a ministry, an envoy, a state or a named official says is
news; what a trader, a resident or "one broker who asked not to be named"
says is colour, as is the name of the person who said it and the details of
their business. A sentence that attributes words to a bystander (a trade, a
neighbourhood, "who runs a...", "asked not to be named") and to no office is
colour, and none of its facts count as a development. Quotes that run over
several sentences take the speaker of the sentence that attributes them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.assess.analysis import Sentence
from bot.assess.facts import FactKind

SPOKEN = frozenset({FactKind.QUOTE, FactKind.REMARK, FactKind.STATEMENT})

# Offices and institutions that speak for a party, in any story.
_OFFICE = re.compile(
    r"\b(?:president|presidency|prime minister|premier|minister|ministry|ministers|"
    r"spokes(?:man|woman|person)|government|officials?|ambassador|envoy|representative|"
    r"secretary|secretary-general|chancellor|cabinet|parliament|embassy|foreign office|"
    r"authorities|administration|commission|council|agency|navy|army|military|command|"
    r"governor|mayor|delegation|statement|readout|communique|coordinator|chief|committee|"
    r"parliamentary)\b",
    re.I,
)
# How news prose introduces people who speak for nobody but themselves.
_BYSTANDER = re.compile(
    r"\b(?:traders?|brokers?|residents?|farmers?|exporters?|importers?|seafarers?|sailors?|"
    r"drivers?|owners?|shopkeepers?|workers?|villagers?|locals?|citizens?|passers?-by|"
    r"students?|customers?|shoppers?|businessm[ae]n|businesswom[ae]n|fishermen|fisherman|"
    r"dockers?|crew|captain|mother|father|pensioners?|volunteers?|who runs|who owns|"
    r"who (?:farms|grows|fishes|trades|sells|drives|keeps)|"
    r"whose (?:company|firm|family|business)|asked not to be named|declined to be named|"
    # Named only by a first name, or by a trade: a private person.
    r"asked that (?:her|his|their) (?:sur)?name not be used|"
    r"(?:shipping|freight|insurance|port|ship's|travel|estate) agents?|consultancy|"
    r"who (?:follows|tracks|watches) the \w+ (?:market|trade)|"
    # A job at a business the story does not name ("director of a grain exporter",
    # "working on a tanker"): someone's employee, not a party's voice.
    r"(?:director|manager|officer|owner|head|partner|founder)\s+(?:of|at|with|on)\s+an?|"
    r"work(?:s|ing|ed)?\s+(?:on|at|for|in)\s+an?)\b",
    re.I,
)
_OPENING = '"“„«'
_CLOSING = '"”»'

_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|added|stated|announced|declared|insisted|warned|wrote|according to)\b",
    re.I,
)
_PRONOUN_ATTRIBUTION = re.compile(r"\b(?:he|she|they) (?:said|says|added|told)\b", re.I)


def colour_positions(sentences: Sequence[Sentence]) -> frozenset[int]:
    """Positions of sentences whose words said are colour (a bystander speaks, no office)."""
    status: dict[int, bool] = {}
    previous: bool | None = None
    open_run = False
    for sentence in sentences:
        # "...where the contract says.": a verb of saying inside quotation marks is quoted
        # speech, not an attribution.
        text = _outside_quotes(sentence.text, open_run)
        open_run = _leaves_open(sentence.text, open_run)
        if previous is not None and _PRONOUN_ATTRIBUTION.search(text):
            status[sentence.position] = previous
        elif _ATTRIBUTION.search(text):
            previous = bool(_BYSTANDER.search(text)) and not _OFFICE.search(text)
            status[sentence.position] = previous
    coloured = {
        s.position
        for s in sentences
        if status.get(s.position) or (_speaks(s) and _nearest_status(status, s.position))
    }
    return frozenset(coloured | _inside_coloured_runs(sentences, coloured))


def _inside_coloured_runs(sentences: Sequence[Sentence], coloured: set[int]) -> set[int]:
    """Sentences of a quotation that runs on from a coloured sentence until it closes.

    A trader's quote may run over five sentences, only the first of which is tied to
    the trader; the rest ("A buyer in Spain pays for corn.") are still the trader's
    words, whatever names they carry, and a "told" inside them is no attribution.
    """
    inside: set[int] = set()
    run_is_colour = False
    open_run = False
    for sentence in sentences:
        if open_run and run_is_colour:
            inside.add(sentence.position)
        if not open_run:
            run_is_colour = sentence.position in coloured
        open_run = _leaves_open(sentence.text, open_run)
    return inside


def _outside_quotes(text: str, open_run: bool) -> str:
    """The sentence's words outside quotation marks (a run open before it included)."""
    kept = []
    for char in text:
        if char in _OPENING and not (char == '"' and open_run):
            open_run = True
        elif char in _CLOSING:
            open_run = False
        elif not open_run:
            kept.append(char)
    return "".join(kept)


def _leaves_open(text: str, open_run: bool) -> bool:
    """Whether a quotation is still open after this sentence (straight marks alternate)."""
    for char in text:
        if char in _OPENING and not (char == '"' and open_run):
            open_run = True
        elif char in _CLOSING:
            open_run = False
    return open_run


def _speaks(sentence: Sentence) -> bool:
    return any(f.kind in SPOKEN for f in sentence.facts)


def _nearest_status(status: dict[int, bool], position: int) -> bool:
    """This sentence's attribution, else the closest attributed one's (a running quote)."""
    if position in status:
        return status[position]
    for distance in (1, 2):
        for other in (position - distance, position + distance):
            if other in status:
                return status[other]
    return False
