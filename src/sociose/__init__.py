"""Sociose: a self-hostable news site that turns many outlets' coverage into attributed stories."""

__version__ = "0.1.0"
