"""What the alert corpus costs in SMS parts with each way of encoding it.

Run from the repository root: `scripts/run python benchmarks/sms_cost.py [corpus.json]`.
Deterministic: no randomness, no clock, the corpus is read in order.

The client is imported as the top-level package `http2sms`, from the integration's folder, as
`tests/client/test_standalone.py` proves it can be: through `custom_components.ovh_http2sms` it
would bring Home Assistant in with the integration's `__init__`.
"""

from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
import sys

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "custom_components" / "ovh_http2sms"))

from http2sms import MAX_PARTS, Encoding, SmsLayout, is_gsm7, layout, transliterate  # noqa: E402
from http2sms.lookalikes import clusters  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent / "alerts.json"


@dataclass(frozen=True)
class Alert:
    """One corpus entry."""

    text: str
    lang: str
    no_stop: bool


@dataclass(frozen=True)
class Outcome:
    """What one strategy does to one alert."""

    parts: int
    gsm7: bool
    removed: int  # code points deleted from the message (content lost)


def _layout(text: str, alert: Alert, encoding: Encoding | None = None) -> SmsLayout:
    return layout(text, encoding, stop_mention=not alert.no_stop)


def auto(alert: Alert) -> Outcome:
    """Cheapest encoding for the text as written: what the integration sends by default."""
    sms = _layout(alert.text, alert)
    return Outcome(sms.parts, sms.encoding == Encoding.GSM7, 0)


def transliterated(alert: Alert, *, drop: bool) -> Outcome:
    """Cheapest encoding after the module's transliteration."""
    result = transliterate(alert.text, drop_unencodable=drop)
    sms = _layout(result.text, alert)
    removed = sum(
        alert.text.count(cluster) * len(cluster) for cluster in result.dropped
    )
    return Outcome(sms.parts, sms.encoding == Encoding.GSM7, removed)


def naive_unicode(alert: Alert) -> Outcome:
    """Send everything as Unicode (smsCoding=2), as a naive client does."""
    sms = _layout(alert.text, alert, Encoding.UNICODE)
    return Outcome(sms.parts, False, 0)


def naive_strip(alert: Alert) -> Outcome:
    """Force GSM-7 by deleting every character outside it, as a naive client does."""
    kept = "".join(char for char in alert.text if is_gsm7(char))
    sms = _layout(kept, alert, Encoding.GSM7)
    return Outcome(sms.parts, True, len(alert.text) - len(kept))


def ideal_alphabet(alert: Alert) -> Outcome:
    """Floor: a 7-bit alphabet holding every character, each visible character one septet.

    No client can go below this without deleting content: it keeps every character (emoji
    included) at the cheapest possible price and the GSM-7 part sizes.
    """
    visible = sum(1 for _ in clusters(alert.text))
    sms = _layout("a" * visible, alert)
    return Outcome(sms.parts, True, 0)


def one_part(alert: Alert) -> Outcome:
    """Floor: every message costs at least one part."""
    return Outcome(1, True, 0)


STRATEGIES: list[tuple[str, Callable[[Alert], Outcome]]] = [
    ("naive: always Unicode", naive_unicode),
    ("auto (cheapest encoding)", auto),
    ("transliterate", lambda alert: transliterated(alert, drop=False)),
    ("transliterate + drop", lambda alert: transliterated(alert, drop=True)),
    ("naive: strip non-GSM-7, send GSM-7", naive_strip),
    ("floor: ideal 7-bit alphabet", ideal_alphabet),
    ("floor: one part per message", one_part),
]


def load_corpus(path: Path) -> list[Alert]:
    """Read the corpus, checking its shape so that a typo fails loudly."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    alerts = []
    for entry in entries:
        if set(entry) != {"text", "lang", "no_stop"} or entry["lang"] not in (
            "fr",
            "en",
        ):
            raise ValueError(f"Bad corpus entry: {entry!r}")
        alerts.append(Alert(entry["text"], entry["lang"], bool(entry["no_stop"])))
    return alerts


def main() -> None:
    """Print the cost table."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    alerts = load_corpus(path)
    langs = ("fr", "en")
    counts = {lang: sum(alert.lang == lang for alert in alerts) for lang in langs}
    with_stop = sum(not alert.no_stop for alert in alerts)
    print(
        f"Corpus {path.name}: {len(alerts)} messages ({counts['fr']} fr, {counts['en']} en), "
        f"{with_stop} with the STOP mention"
    )
    print("Cost in SMS parts (1 part = 1 credit to metropolitan France)\n")

    results = {
        name: [strategy(alert) for alert in alerts] for name, strategy in STRATEGIES
    }
    base_auto = sum(outcome.parts for outcome in results["auto (cheapest encoding)"])
    base_unicode = sum(outcome.parts for outcome in results["naive: always Unicode"])
    header = (
        f"{'strategy':<36} {'parts':>6} {'fr':>5} {'en':>5} {'/auto':>6} {'/Unicode':>8} "
        f"{'GSM-7 msgs':>10} {'>6 parts':>8} {'removed':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, outcomes in results.items():
        total = sum(outcome.parts for outcome in outcomes)
        by_lang = {
            lang: sum(
                outcome.parts
                for outcome, alert in zip(outcomes, alerts, strict=True)
                if alert.lang == lang
            )
            for lang in langs
        }
        print(
            f"{name:<36} {total:>6} {by_lang['fr']:>5} {by_lang['en']:>5} "
            f"{total / base_auto:>6.2f} {total / base_unicode:>8.2f} "
            f"{sum(outcome.gsm7 for outcome in outcomes):>10} "
            f"{sum(outcome.parts > MAX_PARTS for outcome in outcomes):>8} "
            f"{sum(outcome.removed for outcome in outcomes):>8}"
        )

    auto_outcomes = results["auto (cheapest encoding)"]
    print("\nMessages that change encoding (Unicode -> GSM-7) compared with auto:")
    for name in ("transliterate", "transliterate + drop"):
        changed = sum(
            new.gsm7 and not old.gsm7
            for new, old in zip(results[name], auto_outcomes, strict=True)
        )
        cheaper = sum(
            new.parts < old.parts
            for new, old in zip(results[name], auto_outcomes, strict=True)
        )
        print(f"  {name:<22} {changed:>4} change encoding, {cheaper:>4} become cheaper")
    unicode_auto = sum(not outcome.gsm7 for outcome in auto_outcomes)
    print(f"  (auto sends {unicode_auto} of {len(alerts)} messages in Unicode)")

    print(
        "\nDefinitions:\n"
        "  removed   code points deleted from the messages, i.e. content the reader never sees.\n"
        "  floor: ideal 7-bit alphabet  every visible character (an emoji with its modifiers\n"
        "            included) costs one septet, at GSM-7 part sizes, STOP mention included.\n"
        "            It is the honest minimum for sending the content unchanged: no real\n"
        "            encoding reaches it, since emoji and many letters have no 7-bit code.\n"
        "  transliterate + drop is not a lower bound: it is cheap because it deletes content,\n"
        "            and the naive strip, which deletes even more (accents, apostrophes), can\n"
        "            cost less still. Cheaper than the floor means content was lost."
    )


if __name__ == "__main__":
    main()
