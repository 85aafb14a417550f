"""Django's SQLite backend with a small pool of open connections (``ENGINE`` in settings)."""
