"""The stages, in the order an article meets them; each orders calls and decides nothing.

One article's path from a feed to a channel::

    ticker (service.py) every TICK_SECONDS
      -> ingest.Poller           each due feed in its own task: fetch (ingest/fetch: limits,
                                 address checks, ETag) -> parse (ingest/parse: feedparser) ->
                                 keep unseen (store/articles) -> full text for teasers
                                 (fulltext, ingest/extract) -> store, pending a verdict
      -> assess.Pipeline         pending articles in publication order -> the core's verdict
                                 (assess/: relevance, copy, novelty, facts, summary) ->
                                 recipients (publish/recipients) -> development + outbox rows
                                 in one transaction (store/developments) -> verdict saved ->
                                 the knowledge base learns (memory: snapshots for restarts)
    delivery job every few seconds
      -> deliver.Delivery        claim due outbox rows (store/outbox) -> render
                                 (publish/render) -> paced send or edit (publish/channel,
                                 publish/pacing) -> record Telegram's message id

Persist first, publish from the record: an alert exists in the outbox before anything is
sent, so a crash at any step loses nothing and repeats only what was in flight.
"""
