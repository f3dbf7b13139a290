"""Offline simulator of Workato's connections API (tests only): see README.md."""
