"""Django's SQLite backend, with statements' placeholders rewritten once per statement text (see base.py)."""
