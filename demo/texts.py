"""What the demo writes into Home Assistant, in Home Assistant's language.

The dashboard, the helper button, the example automation and its notification are texts the
demo saves, not the integration's translations: Home Assistant cannot translate them, so the
demo saves them in the language Home Assistant is set to (and again when it changes). The
languages are the integration's: those of the countries where OVHcloud sells SMS.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLISH = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoTexts:
    """Every text of the demo in one language; `notification` is a Jinja template."""

    language: str
    dashboard_title: str
    credit_card: str
    spent_card: str
    button: str
    contacts_card: str
    logbook_card: str
    # {outbox}: the simulator's outbox page.
    help_card: str
    automation_alias: str
    automation_description: str
    # A Jinja template: the time the button was pressed goes in {time}.
    contact_message: str
    action_message: str
    # {sent} ("Sent"), {count} SMS, {parts} ("2 parts"), {encoding} ("7-bit"), {credits}
    # ("97.5"); `sent_one` when a single SMS went.
    notification_sentence: str
    sent: str
    sent_one: str
    part: str
    parts: str
    seven_bit: str
    decimal_comma: bool
    # The automation made from the reply blueprint, and what it shows when Alice replies OK.
    reply_alias: str
    reply_notification: str
    # The name of the Assist pipeline in this language, when the demo adds one.
    assist_pipeline: str

    @property
    def notification(self) -> str:
        """The notification's message: a template that words the send_sms response."""
        # Whole: no decimals; else at most two, never in exponent form ('%g' gives 1e+06).
        figure = (
            "('%d' | format(sms.credits_left)) if sms.credits_left == "
            "(sms.credits_left | int) else ('%.2f' | format(sms.credits_left))"
            ".rstrip('0')"
        )
        if self.decimal_comma:
            figure = f"({figure}) | replace('.', ',')"
        return self.notification_sentence.format(
            sent=(
                f"{{{{ '{self.sent_one}' if sms.sms_ids | count == 1 "
                f"else '{self.sent}' }}}}"
            ),
            count="{{ sms.sms_ids | count }}",
            parts=(
                f"{{{{ sms.parts }}}} {{{{ '{self.part}' if sms.parts == 1 "
                f"else '{self.parts}' }}}}"
            ),
            encoding=(
                f"{{{{ {{'gsm7': '{self.seven_bit}', 'unicode': 'Unicode'}}"
                ".get(sms.encoding, sms.encoding) }}"
            ),
            credits=f"{{{{ {figure} }}}}",
        )

    @property
    def contact_notification(self) -> str:
        """What the contacts receive: a template with the time the button was pressed."""
        return self.contact_message.format(time="{{ now().strftime('%H:%M') }}")


_TEXTS = {
    text.language: text
    for text in (
        DemoTexts(
            language="en",
            assist_pipeline="Assist (English)",
            dashboard_title="OVHcloud SMS demo",
            credit_card="SMS credit left",
            spent_card="SMS parts sent today",
            button="Send a demo SMS",
            contacts_card="Contacts (last SMS)",
            logbook_card="SMS logbook",
            help_card=(
                "Press the button, then look at the simulator's [outbox]({outbox}). "
                "Contacts are under Settings > Devices & services > OVHcloud SMS."
            ),
            automation_alias="Demo: text Alice and Bob",
            automation_description=(
                "When the demo button is pressed, notify both contacts (Bob's SMS is a "
                "flash SMS), then send one SMS with the OVHcloud SMS action and show what "
                "it answered."
            ),
            contact_message="The demo button was pressed at {time}.",
            action_message="One more, sent with ovh_http2sms.send_sms.",
            notification_sentence=(
                "{sent} {count} SMS ({parts}, {encoding}); {credits} credits left."
            ),
            sent="Sent",
            sent_one="Sent",
            part="part",
            parts="parts",
            seven_bit="7-bit",
            reply_alias="Demo: Alice replied OK",
            reply_notification="Alice replied OK by SMS.",
            decimal_comma=False,
        ),
        DemoTexts(
            language="fr",
            assist_pipeline="Assist (français)",
            dashboard_title="Démo OVHcloud SMS",
            credit_card="Crédit SMS restant",
            spent_card="Parties de SMS envoyées aujourd’hui",
            button="Envoyer un SMS de démo",
            contacts_card="Contacts (dernier SMS)",
            logbook_card="Journal des SMS",
            help_card=(
                "Appuyez sur le bouton, puis regardez la [boîte d’envoi]({outbox}) du "
                "simulateur. Les contacts sont dans Paramètres > Appareils et services > "
                "OVHcloud SMS."
            ),
            automation_alias="Démo\u00a0: écrire à Alice et Bob",
            automation_description=(
                "Quand on appuie sur le bouton de démo, prévient les deux contacts (le SMS "
                "de Bob est un SMS flash), puis envoie un SMS avec l’action d’OVHcloud SMS "
                "et montre sa réponse."
            ),
            contact_message="Le bouton de démo a été pressé à {time}.",
            action_message="Encore un, envoyé avec ovh_http2sms.send_sms.",
            notification_sentence=(
                "{sent}\u00a0: {count} SMS ({parts}, {encoding})\u00a0; "
                "il reste {credits} crédits."
            ),
            sent="Envoyé",
            sent_one="Envoyé",
            part="partie",
            parts="parties",
            seven_bit="7 bits",
            reply_alias="Démo\u00a0: Alice a répondu OK",
            reply_notification="Alice a répondu OK par SMS.",
            decimal_comma=True,
        ),
        DemoTexts(
            language="es",
            assist_pipeline="Assist (español)",
            dashboard_title="Demo de OVHcloud SMS",
            credit_card="Crédito SMS restante",
            spent_card="Partes de SMS enviadas hoy",
            button="Enviar un SMS de prueba",
            contacts_card="Contactos (último SMS)",
            logbook_card="Registro de SMS",
            help_card=(
                "Pulsa el botón y mira la [bandeja de salida]({outbox}) del simulador. "
                "Los contactos están en Ajustes > Dispositivos y servicios > OVHcloud SMS."
            ),
            automation_alias="Demo: escribir a Alice y Bob",
            automation_description=(
                "Al pulsar el botón de la demo, avisa a los dos contactos (el SMS de Bob es "
                "un SMS flash), luego envía un SMS con la acción de OVHcloud SMS y muestra "
                "su respuesta."
            ),
            contact_message="Se pulsó el botón de la demo a las {time}.",
            action_message="Uno más, enviado con ovh_http2sms.send_sms.",
            notification_sentence=(
                "{sent} {count} SMS ({parts}, {encoding}); quedan {credits} créditos."
            ),
            sent="Enviados",
            sent_one="Enviado",
            part="parte",
            parts="partes",
            seven_bit="7 bits",
            reply_alias="Demo: Alice respondió OK",
            reply_notification="Alice respondió OK por SMS.",
            decimal_comma=True,
        ),
        DemoTexts(
            language="it",
            assist_pipeline="Assist (italiano)",
            dashboard_title="Demo di OVHcloud SMS",
            credit_card="Credito SMS residuo",
            spent_card="Parti di SMS inviate oggi",
            button="Invia un SMS di prova",
            contacts_card="Contatti (ultimo SMS)",
            logbook_card="Registro degli SMS",
            help_card=(
                "Premi il pulsante, poi guarda la [posta in uscita]({outbox}) del "
                "simulatore. I contatti sono in Impostazioni > Dispositivi e servizi > "
                "OVHcloud SMS."
            ),
            automation_alias="Demo: scrivi ad Alice e Bob",
            automation_description=(
                "Quando si preme il pulsante della demo, avvisa i due contatti (l'SMS di "
                "Bob è un SMS flash), poi invia un SMS con l'azione di OVHcloud SMS e "
                "mostra la sua risposta."
            ),
            contact_message="Il pulsante della demo è stato premuto alle {time}.",
            action_message="Un altro, inviato con ovh_http2sms.send_sms.",
            notification_sentence=(
                "{sent} {count} SMS ({parts}, {encoding}); restano {credits} crediti."
            ),
            sent="Inviati",
            sent_one="Inviato",
            part="parte",
            parts="parti",
            seven_bit="7 bit",
            reply_alias="Demo: Alice ha risposto OK",
            reply_notification="Alice ha risposto OK via SMS.",
            decimal_comma=True,
        ),
        DemoTexts(
            language="pl",
            assist_pipeline="Assist (polski)",
            dashboard_title="Demo OVHcloud SMS",
            credit_card="Pozostały kredyt SMS",
            spent_card="Części SMS wysłane dzisiaj",
            button="Wyślij testowy SMS",
            contacts_card="Kontakty (ostatni SMS)",
            logbook_card="Dziennik SMS",
            help_card=(
                "Naciśnij przycisk, a potem zajrzyj do [skrzynki nadawczej]({outbox}) "
                "symulatora. Kontakty są w Ustawienia > Urządzenia oraz usługi > "
                "OVHcloud SMS."
            ),
            automation_alias="Demo: SMS do Alice i Boba",
            automation_description=(
                "Po naciśnięciu przycisku demo powiadamia oba kontakty (SMS do Boba jest "
                "SMS-em flash), potem wysyła jeden SMS akcją OVHcloud SMS i pokazuje jej "
                "odpowiedź."
            ),
            contact_message="Przycisk demo naciśnięto o {time}.",
            action_message="Jeszcze jeden, wysłany akcją ovh_http2sms.send_sms.",
            notification_sentence=(
                "{sent} {count} SMS ({parts}, {encoding}); pozostały kredyt: {credits}."
            ),
            sent="Wysłano",
            sent_one="Wysłano",
            part="część",
            parts="części",
            seven_bit="7 bitów",
            reply_alias="Demo: Alice odpowiedziała OK",
            reply_notification="Alice odpowiedziała OK SMS-em.",
            decimal_comma=True,
        ),
    )
}
LANGUAGES = tuple(_TEXTS)


def primary_language(language: str | None) -> str:
    """Return the language without its region: "fr" for "fr-CA" or "fr_CA"."""
    return (language or ENGLISH).replace("_", "-").split("-")[0].lower()


def demo_texts(language: str | None) -> DemoTexts:
    """Return the demo's texts in Home Assistant's language ("fr", "en-GB"...); else English."""
    return _TEXTS.get(primary_language(language), _TEXTS[ENGLISH])
