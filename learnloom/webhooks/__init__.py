"""Outgoing webhooks (grio-api-v1.txt §9): signing, the addresses they may go to, and the
dispatcher that delivers the outbox."""
