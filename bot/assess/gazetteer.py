"""General-purpose word lists: months, weekdays, titles, countries and their aliases.

Nothing here is about one story. The lists let the fact extractor tell a
place from a person from a job title, and let relevance fold "Chinese",
"Beijing" and "China" into one actor when a topic file does not group them.
"""

from __future__ import annotations

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_WEEKDAYS_TEXT = """
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow weekend
"""
WEEKDAYS = frozenset(_WEEKDAYS_TEXT.split())

_NUMBER_WORDS_TEXT = """
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand
million billion first second third fourth fifth dozen dozens half
"""
NUMBER_WORDS = frozenset(_NUMBER_WORDS_TEXT.split())

# Job titles and honorifics: stripped from the front of a name, and a strong hint
# that the capitalised words after them are a person.
_TITLES_TEXT = """
president vice prime minister deputy foreign secretary general state spokesman spokeswoman
spokesperson ambassador envoy special representative chancellor chief head director
political senator governor mayor king queen prince premier chairman chair commissioner
minister's ministry's mr mrs ms dr professor cardinal pope archbishop bishop gen general
colonel admiral lieutenant adviser advisor aide counsellor councillor undersecretary under
assistant acting former new top senior high official officials defence defense interior
finance trade economy justice affairs national security executive managing
infrastructure energy agriculture health education culture transport environment industry
labour labor development economic emergencies veterans communities territories
"""
TITLES = frozenset(_TITLES_TEXT.split())

# Capitalised words that start sentences or headlines but are not names.
_COMMON_CAPS_TEXT = """
some many most several other others all both each every few no any such more less
the a an in on at for and but or if as by with from to of this that these those it its he
she they we i you his her their our my after before when while since during although
though however meanwhile still yet also even then there here what who why how where which
western eastern northern southern european asian african american opinion analysis
explainer update refile breaking exclusive factbox live comment editorial west east north
south
"""
COMMON_CAPS = frozenset(_COMMON_CAPS_TEXT.split())

# Words of a state's formal name ("People's Republic", "Russian Federation"): a name made
# only of them refers to a state already named, not to a new entity.
_STATE_FORMS_TEXT = """
people people's republic democratic federation federal kingdom united state states socialist
islamic popular union commonwealth emirates arab
"""
STATE_FORMS = frozenset(_STATE_FORMS_TEXT.split())

# Count nouns that news uses interchangeably for one kind of thing (stemmed -> class):
# "106 nations" and "106 countries" are one number.
UNIT_CLASSES = {
    "nation": "country",
    "state": "country",
    "people": "person",
    "individual": "person",
    "vessel": "ship",
    "tanker": "ship",
    "freighter": "ship",
    "ton": "tonne",
    "metric": "tonne",
    "t": "tonne",
    "per": "%",
    "dollar": "$",
    "usd": "$",
    "kilometre": "km",
    "kilometer": "km",
    "mile": "mile",
}
# Scale words after a number: '1.5 million', '$2bn'.
MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}

# country -> aliases (demonym, capital, seat-of-government metonyms).
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "china": ("chinese", "beijing", "prc"),
    "ukraine": ("ukrainian", "ukrainians", "kyiv", "kiev"),
    "russia": ("russian", "russians", "moscow", "kremlin"),
    "united states": ("american", "americans", "washington", "us", "u.s", "usa", "white house"),
    "united kingdom": ("british", "britain", "london", "uk", "u.k"),
    "france": ("french", "paris", "elysee"),
    "germany": ("german", "berlin"),
    "poland": ("polish", "warsaw"),
    "italy": ("italian", "rome"),
    "spain": ("spanish", "madrid"),
    "turkey": ("turkish", "ankara", "turkiye"),
    "india": ("indian", "new delhi", "delhi"),
    "japan": ("japanese", "tokyo"),
    "south korea": ("south korean", "seoul"),
    "north korea": ("north korean", "pyongyang"),
    "taiwan": ("taiwanese", "taipei"),
    "iran": ("iranian", "tehran"),
    "israel": ("israeli", "jerusalem"),
    "saudi arabia": ("saudi", "riyadh", "jeddah"),
    "egypt": ("egyptian", "cairo"),
    "sudan": ("sudanese", "khartoum"),
    "brazil": ("brazilian", "brasilia"),
    "south africa": ("south african", "pretoria"),
    "belarus": ("belarusian", "minsk"),
    "kazakhstan": ("kazakh", "astana"),
    "vatican": ("holy see",),
    "european union": ("eu", "e.u", "brussels"),
    "nato": ("north atlantic",),
    "united nations": ("un", "u.n"),
    "hungary": ("hungarian", "budapest"),
    "denmark": ("danish", "copenhagen"),
    "switzerland": ("swiss", "bern", "geneva"),
    "netherlands": ("dutch", "amsterdam", "the hague"),
    "canada": ("canadian", "ottawa"),
    "australia": ("australian", "canberra"),
    "pakistan": ("pakistani", "islamabad"),
    "indonesia": ("indonesian", "jakarta"),
    "vietnam": ("vietnamese", "hanoi"),
    "syria": ("syrian", "damascus"),
    "iraq": ("iraqi", "baghdad"),
    "afghanistan": ("afghan", "kabul"),
    "mexico": ("mexican", "mexico city"),
    "argentina": ("argentine", "buenos aires"),
    "colombia": ("colombian", "bogota"),
    "greece": ("greek", "athens"),
    "austria": ("austrian", "vienna"),
    "sweden": ("swedish", "stockholm"),
    "finland": ("finnish", "helsinki"),
    "norway": ("norwegian", "oslo"),
    "romania": ("romanian", "bucharest"),
    "moldova": ("moldovan", "chisinau"),
    "georgia": ("georgian", "tbilisi"),
    "qatar": ("qatari", "doha"),
    "united arab emirates": ("emirati", "uae", "abu dhabi", "dubai"),
    "nigeria": ("nigerian", "abuja"),
    "ethiopia": ("ethiopian", "addis ababa"),
    "kenya": ("kenyan", "nairobi"),
    "venezuela": ("venezuelan", "caracas"),
    "cuba": ("cuban", "havana"),
}

# alias (lowercase, single or multi word) -> canonical country name
COUNTRY_OF: dict[str, str] = {
    alias: country for country, aliases in _COUNTRIES.items() for alias in (country, *aliases)
}


def canonical_place(name: str) -> str | None:
    """The country a place name, demonym or capital stands for, if the list knows it."""
    return COUNTRY_OF.get(name.lower())
