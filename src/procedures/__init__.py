"""procedures: a rules engine for the procedural deadlines and votes of ITU-D.

The library is the product; the command line (``procedures.cli``) is a thin
layer over it. Rules live in TOML files under ``rules/``; nothing about a
particular deadline or threshold is written in this package.
"""

__version__ = "0.1.0"
