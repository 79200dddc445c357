"""Tests for the record of what was sent (no Home Assistant)."""
