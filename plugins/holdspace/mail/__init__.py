"""Mail: what the site sends (alerts to moderators, mails to writers who asked), written to an
outbox first and then delivered, so nothing is lost (no Pelican).

message      a message to send: a mail or a webhook call, with a stable id
outbox       messages written whole before they are sent; a record of what was sent
transport    delivery: SMTP (STARTTLS or TLS, a login) and webhooks
sender       delivers what is due, with retries and backoff
alerts       moderators told of new comments: crisis at once, the others in a digest
subscriptions  writers who asked to hear about their comment, and the links' tokens
notices      the mails writers get: to confirm, a reply to them, their comment published
"""
