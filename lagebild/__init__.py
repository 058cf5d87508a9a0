"""lagebild: turns a pile of news pages into a picture of the situation."""

__version__ = "0.1.0"
