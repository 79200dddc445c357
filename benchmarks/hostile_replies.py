"""Parse time of hostile http2sms replies next to a normal one of the same size, in one run.

A reply is capped at 64 KiB; every body here is that large. A parser that is linear in the size
of its input reads each in about the same time as the benign body; a quadratic one would be
hundreds of times slower. Run: scripts/run python benchmarks/hostile_replies.py
"""

from __future__ import annotations

import contextlib
from pathlib import Path
import statistics
import sys
import time

# The client has no Home Assistant import: load it as the standalone package it is.
sys.path.insert(
    0,
    str(Path(__file__).resolve().parent.parent / "custom_components" / "ovh_http2sms"),
)
from http2sms import Http2SmsInvalidResponseError, parse_reply

SIZE = 64 * 1024 - 64
ROUNDS = 7
BODIES = {
    "benign JSON (long reason)": '{"status":201,"message":"' + "x" * SIZE + '"}',
    "HTML, unclosed tags": "<html><body>" + "<" * SIZE,
    "HTML, body openers": "<html>" + "<body" * (SIZE // 5),
    "HTML, angle quotes": "<html><body>" + "\u2039" * (SIZE // 3),
    "XML, status openers": "<?xml version='1.0'?><response>" + "<status>" * (SIZE // 8),
    "JSON, deep brackets": '{"a":' + "[" * SIZE,
    "JSON, 1e-999999999 credit": '{"status":100,"creditLeft":"1e-999999999","SmsIds":["'
    + "1" * SIZE
    + '"]}',
}


def _median_seconds(body: str) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        with contextlib.suppress(Http2SmsInvalidResponseError):
            parse_reply(body)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    """Print each body's median parse time and its ratio to the benign body's."""
    timings = {name: _median_seconds(body) for name, body in BODIES.items()}
    floor = timings["benign JSON (long reason)"]
    print(f"{'body (64 KiB)':<30} {'median':>10} {'vs benign':>10}")
    for name, seconds in timings.items():
        print(f"{name:<30} {seconds * 1000:>8.2f}ms {seconds / floor:>10.1f}")


if __name__ == "__main__":
    main()
