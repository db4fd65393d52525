"""Delivery of communications: SMTP, registered mail, outbox of what was sent."""
