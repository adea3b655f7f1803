"""Slash commands and subscriptions: thin PTB handlers over the store and the renderers."""
