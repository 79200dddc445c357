"""Tests of what the repository publishes: HACS metadata, workflows, versions."""
