"""Every text an error or a log record can hold, down to debug, for the secrets' own scans.

Used by the client tests (errors) and the integration's secret tests (errors, logs, reprs at
DEBUG). What counts as a leak is decided in one place, tests/privacy_scan.py.
"""

from __future__ import annotations

import logging
import traceback

from tests.privacy_scan import Private, find_leaks


def exception_texts(err: BaseException) -> list[str]:
    """str, repr, args and the formatted traceback of err and of every cause and context."""
    texts: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException | None] = [err]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        texts += (
            [repr(value) for value in vars(current).values()]
            if hasattr(current, "__dict__")
            else []
        )
        pending += [current.__cause__, current.__context__]
    texts.append("".join(traceback.format_exception(err)))
    return texts


def log_texts(records: list[logging.LogRecord]) -> list[str]:
    """Every record fully formatted: message, arguments, exception and stack."""
    formatter = logging.Formatter(
        "%(name)s %(levelname)s %(message)s %(args)r", validate=False
    )
    texts = []
    for record in records:
        texts.append(formatter.format(record))
        if record.exc_info and record.exc_info[1] is not None:
            texts += exception_texts(record.exc_info[1])
    return texts


def leaks(texts: list[str], secrets: tuple[str, ...]) -> list[str]:
    """The texts in which a secret appears, in any case."""
    private = Private(secrets=set(secrets))
    return [text for text in texts if find_leaks([("", text)], private)]
