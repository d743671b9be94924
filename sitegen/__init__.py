"""sitegen: a bilingual static site generator for independent consultants."""

__version__ = "0.1.0"
