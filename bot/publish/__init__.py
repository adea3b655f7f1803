"""Publishing: render alerts as Telegram HTML, send them, deliver the outbox."""
