"""Stdlib-only foundations shared by every layer of the app: the error family and a tiny signal."""
