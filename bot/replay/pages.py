"""Feeds and article pages for the replay server, as text; no I/O.

Each style mimics what the poller meets in the wild: RSS 2.0 with the full
text in content:encoded, RSS with only a teaser (the text is on the page),
Atom with a summary, and an aggregator whose titles carry " - <Outlet>" and
whose links go through a `/r?u=` redirect. Pages wrap the body in the clutter of
a real news site (navigation, cookie banner, ticker, byline and counter,
share bar, captioned photo, "ALSO READ" and an advertisement inside the body,
prompts, related and most-read sidebars of other stories' headlines, footer),
so the demo checks that extraction keeps only the article. Plain strings with `html.escape` keep
this dependency-free; every value that reaches the markup is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from bot.replay.stream import StreamArticle, StreamFeed

# Atom needs a feed "updated" even when nothing is released yet.
_EMPTY_FEED_UPDATED = datetime(2023, 1, 1, tzinfo=UTC)


def rfc822(moment: datetime) -> str:
    """The date format of RSS pubDate and HTTP Last-Modified."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def outlet_of(feed: StreamFeed, article: StreamArticle) -> str:
    """The outlet's name: an aggregator names it after the title's last " - "."""
    if feed.style == "aggregator" and " - " in article.title:
        return article.title.rsplit(" - ", 1)[1]
    return feed.title.split(" - ")[0]


def redirect_link(base_url: str, article: StreamArticle) -> str:
    return f"{base_url}/r?u={quote(base_url + article.url_path, safe='')}"


def render_feed(feed: StreamFeed, articles: list[StreamArticle], base_url: str) -> str:
    """The feed document for the released `articles` of `feed`, newest first."""
    newest_first = sorted(articles, key=lambda a: a.published, reverse=True)
    if feed.style == "atom":
        return _atom(feed, newest_first, base_url)
    return _rss(feed, newest_first, base_url)


def _paragraphs_html(article: StreamArticle) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)


def _rss_item(feed: StreamFeed, a: StreamArticle, base_url: str) -> str:
    url = base_url + a.url_path
    fields = [
        f"<title>{escape(a.title)}</title>",
        f"<pubDate>{rfc822(a.published)}</pubDate>",
        f"<description>{escape(a.summary)}</description>",
    ]
    if feed.style == "aggregator":
        fields += [
            f"<link>{escape(redirect_link(base_url, a))}</link>",
            f'<guid isPermaLink="false">{escape(feed.slug)}-{escape(a.id)}</guid>',
            f'<source url="{escape(base_url)}/">{escape(outlet_of(feed, a))}</source>',
        ]
    elif feed.style == "rss-teaser":
        fields += [
            f"<link>{escape(url)}</link>",
            f'<guid isPermaLink="false">{escape(feed.slug)}:{escape(a.id)}</guid>',
        ]
    else:
        fields += [
            f"<link>{escape(url)}</link>",
            f'<guid isPermaLink="true">{escape(url)}</guid>',
            f"<content:encoded>{escape(_paragraphs_html(a))}</content:encoded>",
        ]
    return "<item>" + "".join(fields) + "</item>"


def _rss(feed: StreamFeed, items: list[StreamArticle], base_url: str) -> str:
    built = f"<lastBuildDate>{rfc822(items[0].published)}</lastBuildDate>" if items else ""
    self_url = f"{base_url}/feeds/{feed.slug}.xml"
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>'
        f"<title>{escape(feed.title)}</title><link>{escape(base_url)}/</link>"
        f"<description>{escape(feed.title)}</description><language>en</language>{built}"
        f'<atom:link href="{escape(self_url)}" rel="self" type="application/rss+xml"/>\n'
        + "\n".join(_rss_item(feed, a, base_url) for a in items)
        + "\n</channel>\n</rss>\n"
    )


def _atom(feed: StreamFeed, items: list[StreamArticle], base_url: str) -> str:
    # Host-free ids: the port changes between runs, an entry's identity must not.
    tag = f"tag:talkwatch.invalid,2023:{feed.slug}"
    updated = items[0].published if items else _EMPTY_FEED_UPDATED
    self_url = f"{base_url}/feeds/{feed.slug}.xml"
    entries = "".join(
        f"<entry><id>{escape(tag)}/{escape(a.id)}</id><title>{escape(a.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(base_url + a.url_path)}"/>'
        f"<published>{iso(a.published)}</published><updated>{iso(a.published)}</updated>"
        f"<author><name>{escape(feed.title)}</name></author>"
        f'<summary type="text">{escape(a.summary)}</summary></entry>\n'
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(tag)}</id><title>{escape(feed.title)}</title>"
        f"<updated>{iso(updated)}</updated>"
        f'<link rel="self" href="{escape(self_url)}"/>'
        f'<link rel="alternate" href="{escape(base_url)}/"/>'
        f"\n{entries}</feed>\n"
    )


def render_index(feeds: Iterable[StreamFeed], base_url: str) -> str:
    """A bare list of the feeds, for a person pointing a browser at the server."""
    rows = "".join(
        f'<li><a href="{escape(base_url)}/feeds/{escape(f.slug)}.xml">{escape(f.title)}</a> '
        f"({escape(f.style)})</li>"
        for f in feeds
    )
    head = "<!DOCTYPE html>\n<html><head><title>Replay</title></head>"
    return f"{head}<body><ul>{rows}</ul></body></html>\n"


_SECTIONS = ("World", "Business", "Opinion", "Sport", "Culture", "Subscribe")
# Other stories' headlines, with their own names, dates and numbers, as real pages show
# them in "ALSO READ" lines, related-story sidebars and most-read boxes. Invented.
_OTHER_STORIES = (
    "Mayor Hendrika Vos opens the new harbour bridge after 14 months of work",
    "Coastal rail strike called off after 11-hour talks on Sunday night",
    "Elias Marrow named head of the national orchestra from September 1",
    "Storm Petra brings 120 km/h gusts to the west coast",
    "Markets end the week higher on rate hopes",
    "Ten recipes for a quick weeknight dinner",
    "Weather: storms expected across the north on Sunday",
    "Central bank holds rates at 4.5% as inflation cools",
    "Tennis: Ansel Brook wins his first title in Rotterdam",
    "Parliament debates a 2,300-page farm bill on March 3",
)


def _pick(article: StreamArticle, count: int, offset: int) -> list[str]:
    """A few other headlines, the same for an article on every run."""
    start = (sum(map(ord, article.id)) + offset) % len(_OTHER_STORIES)
    return [_OTHER_STORIES[(start + i) % len(_OTHER_STORIES)] for i in range(count)]


def _links(headlines: list[str]) -> str:
    return "".join(
        f'<li><a href="/story/{i}">{escape(h)}</a></li>' for i, h in enumerate(headlines)
    )


def _body_with_inserts(article: StreamArticle) -> str:
    """The paragraphs with an "ALSO READ" line and an advertisement between them."""
    also = escape(_pick(article, 1, 7)[0])
    parts = [f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in article.paragraphs]
    parts.insert(
        min(2, len(parts)), f'<p><strong>ALSO READ:</strong> <a href="/story/x">{also}</a></p>'
    )
    parts.insert(min(4, len(parts)), '<div class="ad-slot"><p>Advertisement</p></div>')
    return "\n".join(parts)


def _chrome_top(site: str) -> str:
    nav = "".join(f'<li><a href="/{x.lower()}">{x}</a></li>' for x in _SECTIONS)
    return (
        f'<header class="site-header"><a class="logo" href="/">{site}</a><nav><ul>'
        f'<li><a href="/">Home</a></li>{nav}</ul></nav></header>'
        '<div class="cookie-banner">We use cookies to improve your experience on our site. '
        '<a href="/privacy">Manage preferences</a></div>\n'
        '<div class="market-ticker">FTSE 7,512.33 ▲ 0.42% | DAX 15,410.20 ▼ 0.10%</div>\n'
    )


def _article_head(site: str, title: str, when: datetime, article: StreamArticle) -> str:
    views = 1000 + sum(map(ord, article.id)) * 37
    return (
        f"<h1>{title}</h1>"
        f'<p class="byline">By {site} staff | Updated: <time datetime="{iso(when)}">'
        f"{when:%d %B %Y, %H:%M} UTC</time></p>\n"
        f'<div class="meta"><span>{views:,} views</span></div>'
        '<div class="share-bar">Share: <a href="#">Facebook</a> | <a href="#">X</a> | '
        '<a href="#">WhatsApp</a> | <a href="#">Copy link</a></div>\n'
        f'<figure><img src="/img/{escape(article.id)}.jpg" alt=""><figcaption>Photo: {site}/File | '
        f"{title}</figcaption></figure>\n"
    )


def render_page(feed: StreamFeed, article: StreamArticle, base_url: str) -> str:
    """The article's web page: its full body inside a typical news site's clutter.

    Navigation, a cookie banner, a market ticker, a byline with a timestamp, a view
    counter, a share bar, a captioned photo, an "ALSO READ" line and an advertisement
    inside the body, newsletter and "follow us" prompts, sidebars of other stories'
    headlines and a footer: what the extractor must leave out.
    """
    title, site = escape(article.title), escape(outlet_of(feed, article))
    when = article.published
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} | {site}</title>"
        f'<meta name="description" content="{escape(article.summary)}">'
        f'<meta property="og:title" content="{title}"><meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{iso(when)}">'
        f'<link rel="canonical" href="{escape(base_url + article.url_path)}"></head>\n<body>'
        + _chrome_top(site)
        + "<main><article>"
        + _article_head(site, title, when, article)
        + f'<div class="article-body">\n{_body_with_inserts(article)}\n</div>'
        f'<div class="newsletter-box"><p>Sign up for the {site} newsletter and get the day\'s '
        "top stories every morning.</p></div>"
        "<p>Follow us on Telegram for the latest updates.</p></article>\n"
        f'<aside class="related"><h2>Related stories</h2><ul>{_links(_pick(article, 3, 0))}</ul>'
        f'</aside><aside class="most-read"><h2>Most read</h2><ol>{_links(_pick(article, 3, 3))}'
        "</ol></aside></main>\n"
        '<footer><nav><a href="/about">About us</a> | <a href="/privacy">Privacy</a> | '
        '<a href="/terms">Terms</a> | <a href="/contact">Contact</a></nav>'
        f"<p>&copy; {when:%Y} {site}. All rights reserved.</p></footer>\n</body></html>\n"
    )
