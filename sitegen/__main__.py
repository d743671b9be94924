"""`python -m sitegen` runs the command line."""

from .commands.cli import run

run()
