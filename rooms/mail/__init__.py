"""Mail: the durable outbox (a message is queued in the same transaction as what causes it), its retry policy,
and the messages themselves in English and Dutch. Delivery (SMTP) is the server's business (server/mail/)."""
