"""Names shared by the reference entities' flow and platform."""

DOMAIN = "reference_notify"
CONF_POST_TO = "post_to"
CONF_BODY = "body"
CONF_WEBHOOK_ID = "webhook_id"
