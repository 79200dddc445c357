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

CONF_CODING: Final = "coding"
CONF_REPLACE_CHARACTERS: Final = "replace_characters"
CONF_MAX_PARTS: Final = "max_parts"
CONF_LOW_CREDIT_THRESHOLD: Final = "low_credit_threshold"
CONF_MAX_SENDS_PER_SECOND: Final = "max_sends_per_second"

CODING_AUTO: Final = "auto"
REPLACE_OFF: Final = "off"
REPLACE_LOOKALIKES: Final = "replace"
REPLACE_AND_DROP: Final = "replace_and_drop"

DEFAULT_LOW_CREDIT_THRESHOLD: Final = 10
# At most this many SMS requests per second per account (an option): OVH accepts "a few dozen",
# and an alarm that trips a burst of automations must queue, not be refused.
MAX_REQUESTS_PER_SECOND: Final = 5
MAX_REQUESTS_PER_SECOND_LIMIT: Final = 30
MAX_CONCURRENT_REQUESTS: Final = 4
