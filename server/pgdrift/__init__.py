"""pgdrift: keeps migrations, generated database types and databases in agreement."""

__version__ = "0.1.0"
