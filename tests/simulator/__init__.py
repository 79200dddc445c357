"""Tests for the http2sms simulator."""
