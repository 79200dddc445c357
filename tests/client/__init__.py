"""Tests for the http2sms client package."""
