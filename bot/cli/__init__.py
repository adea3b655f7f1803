"""The `talkwatch` subcommands and the report tables they print.

Imported only by the entry point (`bot/__main__.py`); nothing else in the package depends on
the command line.
"""
