"""Tests of the development scripts."""
