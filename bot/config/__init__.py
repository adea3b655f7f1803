"""Configuration: the settings (read once, validated, masked), the shipped defaults, and the
readers of the operator's files (feeds file, story corpus and topic file).

Nothing below `bot/config` reads the environment or these files: each stage is handed plain
values by the builders in `bot/app.py`.
"""
