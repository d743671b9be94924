"""Outputs beside the pages: feeds and calendars."""
