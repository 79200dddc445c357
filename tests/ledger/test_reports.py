"""Delivery reports: applied once, in order, and a final status is never undone."""

from __future__ import annotations

from datetime import timedelta

from custom_components.ovh_http2sms import http2sms, ledger
from custom_components.ovh_http2sms.ledger import DeliveryStatus, Ledger, SentSms

from .conftest import ALICE, NOW, admit, recipient


def _sent(ledger: Ledger) -> SentSms:
    return admit(ledger, [recipient(ALICE)]).accepted([ALICE], ["1001"], NOW)[0]


def test_a_final_status_is_never_undone_by_a_late_pending() -> None:
    ledger = Ledger()
    record = _sent(ledger)
    ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW + timedelta(minutes=2))

    late = ledger.apply_report(
        "1001", DeliveryStatus.PENDING, NOW + timedelta(minutes=3)
    )

    assert late is None
    assert record.status is DeliveryStatus.DELIVERED


def test_a_final_status_is_not_replaced_by_another_final_status() -> None:
    ledger = Ledger()
    record = _sent(ledger)
    ledger.apply_report("1001", DeliveryStatus.FAILED, NOW)

    assert ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW) is None
    assert record.status is DeliveryStatus.FAILED


def test_a_duplicate_report_returns_none() -> None:
    ledger = Ledger()
    _sent(ledger)

    first = ledger.apply_report("1001", DeliveryStatus.BUFFERED, NOW, "ptt")
    again = ledger.apply_report("1001", DeliveryStatus.BUFFERED, NOW, "ptt")

    assert first is not None
    assert again is None


def test_an_unknown_id_returns_none() -> None:
    ledger = Ledger()
    _sent(ledger)

    assert ledger.apply_report("9999", DeliveryStatus.DELIVERED, NOW) is None


def test_an_older_intermediate_status_does_not_replace_a_newer_one() -> None:
    ledger = Ledger()
    record = _sent(ledger)
    ledger.apply_report("1001", DeliveryStatus.BUFFERED, NOW + timedelta(minutes=5))

    assert ledger.apply_report("1001", DeliveryStatus.WAITING, NOW) is None
    assert record.status is DeliveryStatus.BUFFERED


def test_a_final_status_older_than_an_intermediate_one_still_applies() -> None:
    ledger = Ledger()
    record = _sent(ledger)
    ledger.apply_report("1001", DeliveryStatus.BUFFERED, NOW + timedelta(minutes=5))

    assert ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW) is record
    assert record.status is DeliveryStatus.DELIVERED


def test_an_unknown_status_returns_none() -> None:
    ledger = Ledger()
    record = _sent(ledger)

    assert ledger.apply_report("1001", "exploded", NOW) is None  # type: ignore[arg-type]
    assert record.status is None


def test_a_report_survives_a_reload() -> None:
    ledger = Ledger()
    _sent(ledger)
    ledger.apply_report("1001", DeliveryStatus.DELIVERED, NOW, "ptt")

    again, problems = Ledger.from_stored(ledger.as_stored(), now=NOW)

    record = again.find("1001")
    assert problems == []
    assert record is not None
    assert (record.status, record.ptt) == (DeliveryStatus.DELIVERED, "ptt")
    assert again.apply_report("1001", DeliveryStatus.PENDING, NOW) is None


def test_an_id_of_the_wrong_kind_returns_none() -> None:
    ledger = Ledger()
    _sent(ledger)

    assert ledger.apply_report(["1001"], DeliveryStatus.DELIVERED, NOW) is None  # type: ignore[arg-type]
    assert ledger.apply_report(1001, DeliveryStatus.DELIVERED, NOW) is None  # type: ignore[arg-type]


def test_every_status_the_client_reads_is_one_the_ledger_keeps() -> None:
    """A report's status is recorded as is, and final means final on both sides."""
    assert [(s.name, s.value) for s in ledger.DeliveryStatus] == [
        (s.name, s.value) for s in http2sms.DeliveryStatus
    ]
    assert {s.value for s in ledger.FINAL_STATUSES} == {
        s.value for s in http2sms.FINAL_STATUSES
    }
