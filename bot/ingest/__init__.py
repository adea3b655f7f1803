"""The ingest edge: fetch feeds and pages politely, parse them, and name items stably."""
