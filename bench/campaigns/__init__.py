"""Campaign delivery benchmark (see __main__.py)."""
