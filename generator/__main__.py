"""Allow ``python -m generator``."""

from generator.cli import command

command()
