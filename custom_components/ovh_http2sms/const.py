"""Constants for the OVHcloud SMS (http2sms) integration."""

from typing import Final

DOMAIN: Final = "ovh_http2sms"

CONF_ACCOUNT: Final = "account"
CONF_LOGIN: Final = "login"
CONF_SENDER: Final = "sender"
CONF_ENDPOINT: Final = "endpoint"

SUBENTRY_TYPE_RECIPIENT: Final = "recipient"
CONF_PHONE_NUMBER: Final = "phone_number"
CONF_FLASH: Final = "flash"
CONF_NO_STOP: Final = "no_stop"
# The country a contact's national number was read with, when it was saved.
CONF_REGION: Final = "region"

CONF_CODING: Final = "coding"
CONF_REPLACE_CHARACTERS: Final = "replace_characters"
CONF_MAX_PARTS: Final = "max_parts"
CONF_LOW_CREDIT_THRESHOLD: Final = "low_credit_threshold"
CONF_MAX_SENDS_PER_SECOND: Final = "max_sends_per_second"
CONF_REPEAT_WINDOW: Final = "repeat_window"
CONF_DAILY_BUDGET: Final = "daily_budget"

CODING_AUTO: Final = "auto"
REPLACE_OFF: Final = "off"
REPLACE_LOOKALIKES: Final = "replace"
REPLACE_AND_DROP: Final = "replace_and_drop"

# Fired once per send that reached phones (what it cost), and once per send that failed.
EVENT_SMS_SENT: Final = f"{DOMAIN}_sms_sent"
EVENT_SMS_FAILED: Final = f"{DOMAIN}_sms_failed"
# Fired once per change of an SMS's delivery status, and once per reply received.
EVENT_SMS_DELIVERY: Final = f"{DOMAIN}_sms_delivery"
EVENT_SMS_RECEIVED: Final = f"{DOMAIN}_sms_received"
# Fired when the repeat guard held an SMS back from recipients who just got this very text.
EVENT_SMS_SUPPRESSED: Final = f"{DOMAIN}_sms_suppressed"
# What an entry keeps of its webhook whatever else changes: its secret id (CONF_WEBHOOK_ID) and
# the Home Assistant Cloud URL made for it.
WEBHOOK_DATA: Final = ("webhook_id", "cloudhook_url")

# The Home Assistant Cloud URL of the entry's webhook, made once when the user first asks for it.
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
